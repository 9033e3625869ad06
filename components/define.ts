/**
 * `defineConsentElements(options)` registers the three elements and configures them;
 * `defineConsentButton`, `defineConsentPrompt` and `defineAuthGate` register one each (same options). Importing the
 * package defines nothing (it is side-effect free); this call does, and calling it again only
 * updates the configuration.
 */
import type { Authorizer } from '../utils';
import { AuthGateElement } from './auth-gate/auth-gate';
import { ConsentButtonElement } from './consent-button/consent-button';
import { ConsentPromptElement } from './consent-prompt/consent-prompt';
import { installPresenter } from './consent-prompt/presenter-hub';
import { setConfig } from './shared/context';
import { isLocale, readMessageOverrides, type Locale, type LocalizedMessageOverrides } from './shared/i18n';
import { isAuthorizerLike } from './shared/authorizer-like';
import { readOptions, REQUIRED } from '../utils/checks';

export interface DefineConsentElementsOptions {
  /** The authorizer from `createAuthorizer()` that every element uses (each may override it). */
  authorizer: Authorizer;
  /**
   * The locale used when an element has no `locale` attribute and no `lang` ancestor in a
   * supported language (`en`, `ar`, `ku`); default `en`.
   */
  locale?: Locale;
  /** Text overrides per locale, e.g. `{ ar: { continue: '…' } }`. */
  messages?: LocalizedMessageOverrides;
  /**
   * Nonce for the `<style>` element used where constructable stylesheets are missing, so a CSP
   * with `style-src 'nonce-…'` also works there.
   */
  styleNonce?: string;
}

// The defines write the tags out, so a page that never reads this table does not ship it.
export const ELEMENT_TAGS = /* @__PURE__ */ Object.freeze({
  button: 'consent-button',
  prompt: 'consent-prompt',
  gate: 'auth-gate',
} as const);

interface DefineConfig {
  authorizer: Authorizer;
  locale: Locale | null;
  messages: LocalizedMessageOverrides;
  styleNonce: string | null;
}

function readDefineOptions(where: string, options: unknown): DefineConfig {
  const o = readOptions<DefineConfig>(where, options, {
    authorizer: [isAuthorizerLike, REQUIRED],
    locale: [isLocale, null],
    messages: [() => true],
    styleNonce: [(v) => typeof v === 'string' && v.length > 0, null],
  });
  return { ...o, messages: readMessageOverrides(o.messages, where) };
}

/**
 * Configures the elements and defines `elements` (tag, class) not defined yet: the configuration
 * first, so elements already in the page upgrade with it. Returns the configuration.
 */
function define(where: string, options: unknown, elements: ReadonlyArray<readonly [string, CustomElementConstructor]>): DefineConfig {
  const config = readDefineOptions(where, options);
  const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
  if (!registry) throw new Error(`${where}: no custom elements`);
  setConfig(Object.freeze(config));
  for (const [tag, element] of elements) if (!registry.get(tag)) registry.define(tag, element);
  return config;
}

/**
 * Defines `<consent-button>` alone (a page with only buttons ships neither the sheet nor the gate).
 * Without `<consent-prompt>`, a consent prompt that comes due without a tap (a deferred
 * `authorize()`, a plan's later call) follows the core rule: the wallet's own prompt once the user
 * has engaged. A click on the button is the gesture, as with all three defined.
 */
export function defineConsentButton(options: DefineConsentElementsOptions): void {
  define('defineConsentButton', options, [['consent-button', ConsentButtonElement]]);
}

/**
 * Defines `<consent-prompt>`: from now on every consent prompt of the authorizer that comes due
 * without a tap goes through a sheet (one in the page, else one created on demand).
 */
export function defineConsentPrompt(options: DefineConsentElementsOptions): void {
  installPresenter(define('defineConsentPrompt', options, [['consent-prompt', ConsentPromptElement]]).authorizer);
}

/** Defines `<auth-gate>` and the `<consent-button>` it shows when no fallback is given. */
export function defineAuthGate(options: DefineConsentElementsOptions): void {
  define('defineAuthGate', options, [
    ['auth-gate', AuthGateElement],
    ['consent-button', ConsentButtonElement],
  ]);
}

/** Defines all three elements; deferred consent prompts go through the sheet. */
export function defineConsentElements(options: DefineConsentElementsOptions): void {
  const config = define('defineConsentElements', options, [
    ['consent-button', ConsentButtonElement],
    ['consent-prompt', ConsentPromptElement],
    ['auth-gate', AuthGateElement],
  ]);
  // From now on a consent prompt due without a tap goes through a sheet (created on demand).
  installPresenter(config.authorizer);
}
