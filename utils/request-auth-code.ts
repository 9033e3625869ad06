/**
 * `requestAuthCode`: a promise over `my.getAuthCode` (or the raw `AlipayJSBridge`) that settles
 * exactly once, whatever the host does.
 */
import { checkDuration } from './checks';
import { AuthError } from './errors';
import { findHost, waitForBridge, type ResolvedHost } from './host';
import { hasAuthCode, toAuthCodeResult, toAuthError } from './normalize';
import { normalizeScopes } from './scopes';
import type { AuthCodeResult, RawAuthCodeResult, RequestAuthCodeOptions, ScopeInput } from './types';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_BRIDGE_WAIT_MS = 3_000;
/** Validated options; throws TypeError for programmer errors. */
export function readRequestOptions(options: unknown): { host?: unknown; timeoutMs: number; bridgeWaitMs: number; hasHost: boolean } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('requestAuthCode options must be an object.');
  }
  const o = (options ?? {}) as RequestAuthCodeOptions;
  const hasHost = o.host !== undefined;
  if (hasHost && !findHost(o.host)) {
    throw new TypeError('options.host must have getAuthCode(options) or call(api, params, callback).');
  }
  return {
    host: o.host,
    hasHost,
    timeoutMs: checkDuration('timeoutMs', o.timeoutMs, DEFAULT_TIMEOUT_MS),
    // 0: do not wait for a late AlipayJSBridge.
    bridgeWaitMs: checkDuration('bridgeWaitMs', o.bridgeWaitMs, DEFAULT_BRIDGE_WAIT_MS, true),
  };
}

/**
 * Calls the host now (synchronously, so a user gesture still counts) and settles once.
 * Exported for the authorizer, which has already validated scopes and host.
 */
export function callHost(resolved: ResolvedHost, scopes: string[], timeoutMs: number, onHostAnswer?: () => void): Promise<AuthCodeResult> {
  return new Promise<AuthCodeResult>((resolve, reject) => {
    let settled = false;
    // The host's first answer, also after TIMEOUT: until then its page may still be on screen.
    let heard = false;
    const hear = () => {
      if (heard) return;
      heard = true;
      onHostAnswer?.();
    };
    const timer = setTimeout(() => finish(new AuthError('TIMEOUT', { scopes })), timeoutMs);
    function finish(outcome: AuthCodeResult | AuthError): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof AuthError) reject(outcome);
      else resolve(outcome);
    }
    // A result whose getters throw is a failure of the call, not an exception in the host.
    const read = (res: unknown, as: 'success' | 'fail' | 'either'): AuthCodeResult | AuthError => {
      try {
        if (as === 'either') as = hasAuthCode(res) ? 'success' : 'fail';
        return as === 'success' ? toAuthCodeResult(res, scopes) : toAuthError(res, scopes);
      } catch {
        return new AuthError('UNKNOWN', { scopes });
      }
    };
    const onSuccess = (res: unknown) => (hear(), finish(read(res, 'success')));
    const onFail = (res: unknown) => (hear(), finish(read(res, 'fail')));
    // `complete` fires after success or fail on most hosts; alone on a few.
    const onComplete = (res: unknown) => (hear(), finish(read(res, 'either')));
    try {
      let returned: unknown;
      if (resolved.kind === 'my') {
        returned = resolved.host.getAuthCode({
          scopes: [...scopes],
          success: onSuccess,
          fail: onFail,
          failed: onFail,
          complete: (res: RawAuthCodeResult) => {
            // Let success/fail, fired in the same task on some hosts, win over complete.
            Promise.resolve().then(() => onComplete(res));
          },
        });
      } else {
        returned = resolved.host.call('getAuthCode', { scopeNicks: [...scopes] }, onComplete);
      }
      // Promise-style hosts resolve instead of (or as well as) calling back.
      if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(
          (res) => { if (res !== undefined) onComplete(res); },
          (err) => onFail(err),
        );
      }
    } catch (thrown) {
      hear();
      finish(read(thrown, 'fail'));
    }
  });
}

/**
 * Asks the wallet for an auth code.
 * Rejects with `AuthError`: `INVALID_SCOPE` before the host is called, `NOT_IN_MINIAPP` without a
 * host, else the wallet's failure mapped to the kit's codes.
 */
export function requestAuthCode(scopes: ScopeInput, options?: RequestAuthCodeOptions): Promise<AuthCodeResult> {
  let list: string[];
  let opts: ReturnType<typeof readRequestOptions>;
  try {
    list = normalizeScopes(scopes);
    opts = readRequestOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  const resolved = findHost(opts.host);
  if (resolved) return callHost(resolved, list, opts.timeoutMs);
  return waitForBridge(opts.bridgeWaitMs).then((late) => {
    if (!late) throw new AuthError('NOT_IN_MINIAPP', { scopes: list });
    return callHost(late, list, opts.timeoutMs);
  });
}
