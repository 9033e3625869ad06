/**
 * `defineConsentElements(options)`: registers the elements and configures them. Importing the
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

export const ELEMENT_TAGS = Object.freeze({
  button: 'consent-button',
  prompt: 'consent-prompt',
  gate: 'auth-gate',
} as const);

const ELEMENTS: ReadonlyArray<readonly [string, CustomElementConstructor]> = [
  [ELEMENT_TAGS.button, ConsentButtonElement],
  [ELEMENT_TAGS.prompt, ConsentPromptElement],
  [ELEMENT_TAGS.gate, AuthGateElement],
];

interface DefineConfig {
  authorizer: Authorizer;
  locale: Locale | null;
  messages: LocalizedMessageOverrides;
  styleNonce: string | null;
}

function readDefineOptions(options: unknown): DefineConfig {
  const where = 'defineConsentElements';
  const o = readOptions<DefineConfig>(where, options, {
    authorizer: [isAuthorizerLike, REQUIRED],
    locale: [isLocale, null],
    messages: [() => true],
    styleNonce: [(v) => typeof v === 'string' && v.length > 0, null],
  });
  return { ...o, messages: readMessageOverrides(o.messages, where) };
}

export function defineConsentElements(options: DefineConsentElementsOptions): void {
  const config = readDefineOptions(options);
  const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
  if (!registry) throw new Error('defineConsentElements: no custom elements');
  // Configuration first: elements already in the page upgrade with it.
  setConfig(Object.freeze(config));
  for (const [tag, element] of ELEMENTS) {
    if (!registry.get(tag)) registry.define(tag, element);
  }
  // From now on a consent prompt due without a tap goes through a sheet (created on demand).
  installPresenter(config.authorizer);
}
