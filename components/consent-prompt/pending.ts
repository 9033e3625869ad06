/** What the sheets (the H5 element and the DSL component) accept as a deferred consent prompt. */
import type { PendingConsent } from '../../utils';
import { hasMethods, isAbortSignal, readField } from '../../utils/checks';

export function isPendingConsent(value: unknown): value is PendingConsent {
  return hasMethods(value, 'proceed', 'dismiss') && Array.isArray(readField(value, 'scopes')) && isAbortSignal(readField(value, 'signal'));
}
