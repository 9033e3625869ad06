/** Finds the wallet host: `options.host`, else the global `my`, else `AlipayJSBridge`. */
import { bridgeReadyTarget, globalBridge, globalMy } from './globals';
import type { AlipayBridgeHost, AuthCodeHost } from './types';

export type ResolvedHost = { kind: 'my'; host: AuthCodeHost } | { kind: 'bridge'; host: AlipayBridgeHost };

export function isAuthCodeHost(value: unknown): value is AuthCodeHost {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as AuthCodeHost).getAuthCode === 'function';
}

export function isBridgeHost(value: unknown): value is AlipayBridgeHost {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as AlipayBridgeHost).call === 'function';
}

export function classifyHost(value: unknown): ResolvedHost | undefined {
  if (isAuthCodeHost(value)) return { kind: 'my', host: value };
  if (isBridgeHost(value)) return { kind: 'bridge', host: value };
  return undefined;
}

/** The host available right now, if any. */
export function findHost(explicit?: unknown): ResolvedHost | undefined {
  if (explicit !== undefined) return classifyHost(explicit);
  const my = globalMy();
  if (isAuthCodeHost(my)) return { kind: 'my', host: my };
  const bridge = globalBridge();
  if (isBridgeHost(bridge)) return { kind: 'bridge', host: bridge };
  return undefined;
}

/**
 * In an H5 page the raw bridge may appear after load, announced by `AlipayJSBridgeReady` on
 * `document`. Resolves with the bridge, or undefined after `waitMs` or when there is no document.
 */
export function waitForBridge(waitMs: number): Promise<ResolvedHost | undefined> {
  const doc = bridgeReadyTarget();
  if (!doc || waitMs <= 0) return Promise.resolve(undefined);
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
