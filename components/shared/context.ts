/**
 * The configuration `defineConsentElements` gives every element: one per page, because custom
 * element names are page-wide. Elements read it when they connect and follow its changes (a second
 * `defineConsentElements` call with other options).
 */
import type { Authorizer } from '../../utils';
import type { Locale, LocalizedMessageOverrides } from './i18n';

export interface KitConfig {
  readonly authorizer: Authorizer | null;
  /** Fallback locale when neither a `locale` attribute nor a supported `lang` ancestor decides. */
  readonly locale: Locale | null;
  readonly messages: LocalizedMessageOverrides;
  /** Nonce for the `<style>` fallback (pages whose CSP has no constructable stylesheets). */
  readonly styleNonce: string | null;
}

const EMPTY: KitConfig = Object.freeze({ authorizer: null, locale: null, messages: Object.freeze({}), styleNonce: null });

let current: KitConfig = EMPTY;
const listeners = new Set<() => void>();

export function getConfig(): KitConfig {
  return current;
}

export function setConfig(next: KitConfig): void {
  const changed =
    next.authorizer !== current.authorizer ||
    next.locale !== current.locale ||
    next.styleNonce !== current.styleNonce ||
    JSON.stringify(next.messages) !== JSON.stringify(current.messages);
  current = next;
  if (changed) for (const listener of [...listeners]) listener();
}

export function onConfigChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
