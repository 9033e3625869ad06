/** Finds the wallet host: `options.host`, else `globalThis.my`, else `AlipayJSBridge`. */
import type { AlipayBridgeHost, AuthCodeHost } from './types';

export type ResolvedHost = { kind: 'my'; host: AuthCodeHost } | { kind: 'bridge'; host: AlipayBridgeHost };

export function isAuthCodeHost(value: unknown): value is AuthCodeHost {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as AuthCodeHost).getAuthCode === 'function';
}

export function isBridgeHost(value: unknown): value is AlipayBridgeHost {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as AlipayBridgeHost).call === 'function';
}

/** Reads a global without throwing (some sandboxes throw on unknown globals via getters). */
function globalValue(name: string): unknown {
  try {
    return (globalThis as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

export function classifyHost(value: unknown): ResolvedHost | undefined {
  if (isAuthCodeHost(value)) return { kind: 'my', host: value };
  if (isBridgeHost(value)) return { kind: 'bridge', host: value };
  return undefined;
}

/** The host available right now, if any. */
export function findHost(explicit?: unknown): ResolvedHost | undefined {
  if (explicit !== undefined) return classifyHost(explicit);
  const my = globalValue('my');
  if (isAuthCodeHost(my)) return { kind: 'my', host: my };
  const bridge = globalValue('AlipayJSBridge');
  if (isBridgeHost(bridge)) return { kind: 'bridge', host: bridge };
  return undefined;
}

interface ReadyEventTarget {
  addEventListener(type: string, listener: () => void, options?: unknown): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * In an H5 page the raw bridge may appear after load, announced by `AlipayJSBridgeReady` on
 * `document`. Resolves with the bridge, or undefined after `waitMs` or when there is no document.
 */
export function waitForBridge(waitMs: number): Promise<ResolvedHost | undefined> {
  const doc = globalValue('document') as ReadyEventTarget | undefined;
  if (!doc || typeof doc.addEventListener !== 'function' || waitMs <= 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      doc.removeEventListener('AlipayJSBridgeReady', done);
      resolve(findHost());
    };
    const timer = setTimeout(done, waitMs);
    doc.addEventListener('AlipayJSBridgeReady', done, { once: true });
  });
}
