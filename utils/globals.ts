/**
 * Every global the core reads, in one place. This is the H5 page and Node flavour; the build for
 * DSL mini programs swaps in `globals.mini.ts`, whose engine forbids `globalThis` and has no DOM.
 * Reads never throw: some sandboxes throw from getters on unknown globals.
 */
import { hasMethods } from './checks';

/** What the core uses of an `EventTarget`-like global. */
export interface ListenTarget {
  addEventListener(type: string, listener: (event: never) => void, options?: unknown): void;
  removeEventListener(type: string, listener: (event: never) => void, options?: unknown): void;
}

/**
 * A global by name (`my`, `AlipayJSBridge`, `fetch`, `URL`, `localStorage`, `crypto`,
 * `AbortController`, `reportError`, `location`); undefined where the engine has none.
 */
export function globalValue(name: string): unknown {
  try {
    return (globalThis as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

/** The page's `my` (hylid-bridge in H5, native in DSL), untrusted until checked. */
export const globalMy = (): unknown => globalValue('my');

/**
 * An event target global, or null: `document` (where `AlipayJSBridgeReady` is announced),
 * `globalThis` (the page: trusted taps, navigations, `storage`), `navigation` (the Navigation API).
 */
export const globalTarget = (name: 'document' | 'globalThis' | 'navigation'): ListenTarget | null => {
  const value = globalValue(name);
  return hasMethods(value, 'addEventListener', 'removeEventListener') ? (value as ListenTarget) : null;
};

/** The page's address, to resolve a relative backend URL. */
export const pageHref = (): unknown => (globalValue('location') as { href?: unknown } | undefined)?.href;
