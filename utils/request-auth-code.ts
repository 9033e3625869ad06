/**
 * `requestAuthCode`: a promise over `my.getAuthCode` (or the raw `AlipayJSBridge`) that settles
 * exactly once, whatever the host does.
 */
import { isDelay, isDuration, isFunction, readOptions } from './checks';
import { AuthError, scopeError } from './errors';
import { hostCall, withHost, type HostCall } from './host';
import { toOutcome } from './normalize';
import { normalizeScopes } from './scope-names';
import type { AuthCodeResult, RequestAuthCodeOptions, ScopeInput } from './types';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_BRIDGE_WAIT_MS = 3_000;

/**
 * Calls the host now (synchronously, so a user gesture still counts) and settles once: the first
 * answer (or the timeout) wins, as a promise settles only once. `onHostAnswer` hears every answer
 * of the host, also after TIMEOUT: until the first its page may still be on screen. Exported for
 * the authorizer, which has already validated scopes and host.
 */
export function callHost(call: HostCall, scopes: string[], timeoutMs: number, onHostAnswer?: () => void): Promise<AuthCodeResult> {
  return new Promise<AuthCodeResult>((resolve, reject) => {
    const answer = (res: unknown, success?: boolean) => {
      onHostAnswer?.();
      clearTimeout(timer);
      try {
        resolve(toOutcome(res, scopes, success));
      } catch (error) {
        // A result whose getters throw is a failure of the call, not an exception of the page.
        reject(error instanceof AuthError ? error : scopeError('UNKNOWN', scopes));
      }
    };
    const timer = setTimeout(() => reject(scopeError('TIMEOUT', scopes)), timeoutMs);
    try {
      const returned = call(scopes, answer);
      // Promise-style hosts resolve instead of (or as well as) calling back.
      if (isFunction((returned as PromiseLike<unknown> | undefined)?.then)) {
        (returned as PromiseLike<unknown>).then(
          (res) => res !== undefined && answer(res),
          (err) => answer(err, false),
        );
      }
    } catch (thrown) {
      answer(thrown, false);
    }
  });
}

/**
 * Asks the wallet for an auth code.
 * Rejects with `AuthError`: `INVALID_SCOPE` before the host is called, `NOT_IN_MINIAPP` without a
 * host, else the wallet's failure mapped to the kit's codes; TypeError for options that are not.
 */
export async function requestAuthCode(scopes: ScopeInput, options: RequestAuthCodeOptions = {}): Promise<AuthCodeResult> {
  // Bad input rejects (never throws); the wallet is called synchronously, in the caller's task.
  const list = normalizeScopes(scopes);
  // bridgeWaitMs 0: do not wait for a late AlipayJSBridge.
  const o = readOptions<{ host: unknown; timeoutMs: number; bridgeWaitMs: number }>(
    'requestAuthCode',
    options,
    { host: [hostCall], timeoutMs: [isDuration, DEFAULT_TIMEOUT_MS], bridgeWaitMs: [isDelay, DEFAULT_BRIDGE_WAIT_MS] },
  );
  return withHost(o.host, o.bridgeWaitMs, list, (host) => callHost(host, list, o.timeoutMs));
}
