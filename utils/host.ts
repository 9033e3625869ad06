/**
 * Finds the wallet host (`options.host`, else the global `my`, else `AlipayJSBridge`) and how to
 * call it: `my.getAuthCode({ scopes, success, fail, failed, complete })` or
 * `AlipayJSBridge.call('getAuthCode', { scopeNicks }, callback)`.
 */
import { hasMethods } from './checks';
import { scopeError } from './errors';
import { globalTarget, globalValue } from './globals';
import type { AlipayBridgeHost, AuthCodeHost } from './types';

/** Starts one getAuthCode call; `answer(result, success?)` hears every callback (success true, fail false, either undefined). */
export type HostCall = (scopes: string[], answer: (result: unknown, success?: boolean) => void) => unknown;

export function hostCall(value: unknown): HostCall | undefined {
  if (hasMethods(value, 'getAuthCode')) {
    return (scopes, answer) => {
      const fail = (res: unknown) => answer(res, false);
      return (value as AuthCodeHost).getAuthCode({
        scopes: [...scopes],
        success: (res) => answer(res, true),
        fail,
        failed: fail,
        // `complete` fires after success or fail on most hosts (alone on a few): let those win.
        complete: (res) => void Promise.resolve().then(() => answer(res)),
      });
    };
  }
  if (hasMethods(value, 'call')) return (scopes, answer) => (value as AlipayBridgeHost).call('getAuthCode', { scopeNicks: [...scopes] }, (res) => answer(res));
  return undefined;
}

/** The host object in use right now: the explicit one, else the global `my`, else the bridge. */
export function hostObject(explicit: unknown): unknown {
  if (explicit !== undefined) return explicit;
  const my = globalValue('my');
  return hasMethods(my, 'getAuthCode') ? my : globalValue('AlipayJSBridge');
}

/** The host available right now, if any. */
const findHost = (explicit?: unknown) => hostCall(hostObject(explicit));

/**
 * Calls `call` with the host there now, or (in an H5 page without one) the raw bridge once
 * `AlipayJSBridgeReady` fires on `document`, waiting at most `waitMs`; else rejects with
 * `NOT_IN_MINIAPP` for `scopes`.
 */
export function withHost<T>(explicit: unknown, waitMs: number, scopes: string[], call: (host: HostCall) => Promise<T>): Promise<T> {
  const now = findHost(explicit);
  const doc = globalTarget('document');
  const use = (host: HostCall | undefined) => (host ? call(host) : Promise.reject(scopeError('NOT_IN_MINIAPP', scopes)));
  if (now || explicit !== undefined || !doc || !waitMs) return use(now);
  return new Promise<HostCall | undefined>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      doc.removeEventListener('AlipayJSBridgeReady', done);
      resolve(findHost());
    };
    const timer = setTimeout(done, waitMs);
    // `done` removes itself.
    doc.addEventListener('AlipayJSBridgeReady', done);
  }).then(use);
}
