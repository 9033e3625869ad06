/** What the elements and the DSL components accept as an authorizer (DOM-free, so both use it). */
import type { Authorizer } from '../../utils';

export function isAuthorizerLike(value: unknown): value is Authorizer {
  const a = value as Partial<Authorizer> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.authorize === 'function' &&
    typeof a.consentState === 'function' &&
    typeof a.session === 'function' &&
    typeof a.subscribe === 'function' &&
    typeof a.setConsentPresenter === 'function'
  );
}
