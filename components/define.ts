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
import { isLocale, readMessageOverrides, SUPPORTED_LOCALES, type Locale, type LocalizedMessageOverrides } from './shared/i18n';
import { isAuthorizerLike } from './shared/authorizer-like';
import { optionError, optionsObject, quoted } from '../utils/checks';

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

function readOptions(options: unknown): Required<Pick<DefineConsentElementsOptions, 'authorizer'>> & {
  locale: Locale | null;
  messages: LocalizedMessageOverrides;
  styleNonce: string | null;
} {
  const where = 'defineConsentElements';
  const o = optionsObject(where, options, false) as Partial<DefineConsentElementsOptions>;
  if (!isAuthorizerLike(o.authorizer)) throw optionError(where, 'options.authorizer', 'an authorizer from createAuthorizer()');
  if (o.locale !== undefined && !isLocale(o.locale)) throw optionError(where, 'options.locale', `one of ${SUPPORTED_LOCALES.join(', ')} (not ${quoted(o.locale)})`);
  if (o.styleNonce !== undefined && (typeof o.styleNonce !== 'string' || o.styleNonce.length === 0)) {
    throw optionError(where, 'options.styleNonce', 'a non-empty string');
  }
  return {
    authorizer: o.authorizer,
    locale: o.locale ?? null,
    messages: readMessageOverrides(o.messages, where),
    styleNonce: o.styleNonce ?? null,
  };
}

export function defineConsentElements(options: DefineConsentElementsOptions): void {
  const config = readOptions(options);
  const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
  if (!registry) throw new Error('defineConsentElements needs custom elements (a browser page).');
  // Configuration first: elements already in the page upgrade with it.
  setConfig(Object.freeze(config));
  for (const [tag, element] of ELEMENTS) {
    if (!registry.get(tag)) registry.define(tag, element);
  }
  // From now on a consent prompt due without a tap goes through a sheet (created on demand).
  installPresenter(config.authorizer);
}
