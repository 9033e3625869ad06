/**
 * Every global the core reads, in one place. This is the H5 page and Node flavour; the build for
 * DSL mini programs swaps in `globals.mini.ts`, whose engine forbids `globalThis` and has no DOM.
 * Reads never throw: some sandboxes throw from getters on unknown globals.
 */
import { hasMethods } from './checks';
import type { EngagementTarget } from './types';

/** What the core uses of an `EventTarget`-like global. */
export interface ListenTarget {
  addEventListener(type: string, listener: (event: never) => void, options?: unknown): void;
  removeEventListener(type: string, listener: (event: never) => void, options?: unknown): void;
}

/** A global by name; undefined where the engine has none (or no `globalThis`, a ReferenceError). */
function read(name: string): unknown {
  try {
    return (globalThis as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

const listenable = (value: unknown) => (hasMethods(value, 'addEventListener', 'removeEventListener') ? (value as ListenTarget) : null);

/** The page's `my` (hylid-bridge in H5, native in DSL), untrusted until checked. */
export const globalMy = (): unknown => read('my');
/** The raw Alipay H5 bridge. */
export const globalBridge = (): unknown => read('AlipayJSBridge');
/** Where `AlipayJSBridgeReady` is announced (`document`), if anywhere. */
export const bridgeReadyTarget = (): ListenTarget | null => listenable(read('document'));
/** The page itself (`window`): where trusted taps and navigations are watched. */
export const pageTarget = (): EngagementTarget | null => listenable(read('globalThis')) as EngagementTarget | null;
/** The Navigation API (`navigation`), where the browser has it. */
export const navigationTarget = (): EngagementTarget | null => listenable(read('navigation')) as EngagementTarget | null;
export const globalLocalStorage = (): unknown => read('localStorage');
export const globalFetch = (): unknown => read('fetch');
export const globalURL = (): unknown => read('URL');
/** The page's address, to resolve a relative backend URL. */
export const pageHref = (): unknown => (read('location') as { href?: unknown } | undefined)?.href;
export const globalAbortController = (): unknown => read('AbortController');
/** Web Crypto, for random values (`crypto.getRandomValues`). */
export const globalCrypto = (): unknown => read('crypto');
/** `reportError` where the runtime has it (errors of application callbacks). */
export const globalReportError = (): unknown => read('reportError');
