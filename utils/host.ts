/** Finds the wallet host: `options.host`, else the global `my`, else `AlipayJSBridge`. */
import { hasMethods } from './checks';
import { bridgeReadyTarget, globalBridge, globalMy } from './globals';
import type { AlipayBridgeHost, AuthCodeHost } from './types';

export type ResolvedHost = { kind: 'my'; host: AuthCodeHost } | { kind: 'bridge'; host: AlipayBridgeHost };

export function classifyHost(value: unknown): ResolvedHost | undefined {
  if (hasMethods(value, 'getAuthCode')) return { kind: 'my', host: value as AuthCodeHost };
  if (hasMethods(value, 'call')) return { kind: 'bridge', host: value as AlipayBridgeHost };
  return undefined;
}

/** The host available right now, if any. */
export function findHost(explicit?: unknown): ResolvedHost | undefined {
  if (explicit !== undefined) return classifyHost(explicit);
  const my = globalMy();
  return hasMethods(my, 'getAuthCode') ? classifyHost(my) : hasMethods(globalBridge(), 'call') ? classifyHost(globalBridge()) : undefined;
}

/**
 * The host now, or (in an H5 page without one) the raw bridge once `AlipayJSBridgeReady` fires on
 * `document`, waiting at most `waitMs`. Undefined when none comes.
 */
export function hostWhenReady(explicit: unknown, waitMs: number): ResolvedHost | Promise<ResolvedHost | undefined> | undefined {
  const now = findHost(explicit);
  const doc = bridgeReadyTarget();
  if (now || explicit !== undefined || !doc || waitMs <= 0) return now;
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
