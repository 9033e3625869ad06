/**
 * The DOM events of the elements. All bubble and are composed, so they reach a listener on the
 * document or in a framework's component through any shadow root.
 */
import type { AuthError, Session } from '../../utils';
import { isWalletClosed } from '../../utils/errors';

// The cancellations that are not refusals are the core's rules; the elements read them the same way.
export { isConsentDismissed, isWalletClosed } from '../../utils/errors';

export const CONSENT_EVENTS = /* @__PURE__ */ Object.freeze({
  authorized: 'consent-authorized',
  denied: 'consent-denied',
  error: 'consent-error',
  promptOpen: 'consent-prompt-open',
  promptClose: 'consent-prompt-close',
} as const);

export interface ConsentAuthorizedDetail {
  session: Session;
  scopes: string[];
}

export interface ConsentDeniedDetail {
  scopes: string[];
  /** `USER_CANCELLED`, `DENIED`, or `EMPTY_RESULT` with `platformCode` 10 (the wallet's page was closed). */
  error: AuthError;
}

export interface ConsentErrorDetail {
  /** An `AuthError`, or a `TypeError` when the element has no authorizer. */
  error: AuthError | Error;
  scopes: string[];
}

export interface ConsentPromptOpenDetail {
  scopes: string[];
}

export interface ConsentPromptCloseDetail {
  scopes: string[];
  /** `continue`: the wallet prompt opened; `dismiss`: "Not now" or Escape; `cancel`: the request went away. */
  reason: 'continue' | 'dismiss' | 'cancel';
}

export interface ConsentEventMap {
  'consent-authorized': CustomEvent<ConsentAuthorizedDetail>;
  'consent-denied': CustomEvent<ConsentDeniedDetail>;
  'consent-error': CustomEvent<ConsentErrorDetail>;
  'consent-prompt-open': CustomEvent<ConsentPromptOpenDetail>;
  'consent-prompt-close': CustomEvent<ConsentPromptCloseDetail>;
}

export function fire<K extends keyof ConsentEventMap>(target: EventTarget, type: K, detail: ConsentEventMap[K]['detail']): boolean {
  const View = (target as Node).ownerDocument?.defaultView ?? globalThis;
  const Ctor = (View as unknown as { CustomEvent: typeof CustomEvent }).CustomEvent;
  return target.dispatchEvent(new Ctor(type, { detail, bubbles: true, composed: true }));
}

/** How an element reads a rejection of `authorize`. */
export type Failure = 'denied' | 'error' | 'aborted';

/** A refusal, a sticky denial or a closed wallet page show as `denied`: not allowed yet, tap to ask again. */
export function classifyFailure(error: unknown): Failure {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'USER_CANCELLED' || code === 'DENIED' || isWalletClosed(error)) return 'denied';
  if (code === 'ABORTED') return 'aborted';
  return 'error';
}

export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true;
}
