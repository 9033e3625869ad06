/** What the elements and the DSL components accept as an authorizer (DOM-free, so both use it). */
import type { Authorizer } from '../../utils';
import { hasMethods } from '../../utils/checks';

export function isAuthorizerLike(value: unknown): value is Authorizer {
  return typeof value === 'object' && hasMethods(value, 'authorize', 'consentState', 'session', 'subscribe', 'setConsentPresenter');
}
