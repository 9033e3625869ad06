/**
 * miniapp-auth-kit/components: `<consent-button>`, `<consent-prompt>` and `<auth-gate>`.
 * Importing this module defines nothing; call `defineConsentElements({ authorizer })`.
 */
import type { AuthGateElement } from './auth-gate/auth-gate';
import type { ConsentButtonElement } from './consent-button/consent-button';
import type { ConsentPromptElement } from './consent-prompt/consent-prompt';
import type { ConsentEventMap } from './shared/events';

export { defineConsentElements, ELEMENT_TAGS } from './define';
export type { DefineConsentElementsOptions } from './define';
export { ConsentButtonElement } from './consent-button/consent-button';
export type { ConsentButtonState } from './consent-button/state';
export { ConsentPromptElement } from './consent-prompt/consent-prompt';
export { AuthGateElement } from './auth-gate/auth-gate';
export { CONSENT_MESSAGES, SUPPORTED_LOCALES } from './shared/i18n';
export type { ConsentMessageOverrides, ConsentMessages, Locale, LocalizedMessageOverrides } from './shared/i18n';
export { CONSENT_EVENTS, isConsentDismissed, isWalletClosed } from './shared/events';
export type {
  ConsentAuthorizedDetail,
  ConsentDeniedDetail,
  ConsentErrorDetail,
  ConsentEventMap,
  ConsentPromptCloseDetail,
  ConsentPromptOpenDetail,
} from './shared/events';

declare global {
  interface HTMLElementTagNameMap {
    'consent-button': ConsentButtonElement;
    'consent-prompt': ConsentPromptElement;
    'auth-gate': AuthGateElement;
  }
  // Typed `addEventListener('consent-authorized', …)` on any element and the document.
  interface HTMLElementEventMap extends ConsentEventMap {}
  interface DocumentEventMap extends ConsentEventMap {}
}
