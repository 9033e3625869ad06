/**
 * `requestAuthCode`: a promise over `my.getAuthCode` (or the raw `AlipayJSBridge`) that settles
 * exactly once, whatever the host does.
 */
import { duration, optionError, optionsObject } from './checks';
import { AuthError } from './errors';
import { classifyHost, hostWhenReady, type ResolvedHost } from './host';
import { hasAuthCode, toAuthCodeResult, toAuthError } from './normalize';
import { normalizeScopes } from './scope-names';
import type { AuthCodeResult, RequestAuthCodeOptions, ScopeInput } from './types';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_BRIDGE_WAIT_MS = 3_000;

type Outcome = AuthCodeResult | AuthError;

/** Reads a callback's result; a result whose getters throw is a failure, not an exception. */
function read(res: unknown, scopes: string[], as?: boolean): Outcome {
  try {
    return (as ?? hasAuthCode(res)) ? toAuthCodeResult(res, scopes) : toAuthError(res, scopes);
  } catch {
    return new AuthError('UNKNOWN', { scopes });
  }
}

/** Starts the host's call, every callback spelling routed to `answer` (success, failure, either). */
function startCall(resolved: ResolvedHost, scopes: string[], answer: (res: unknown, as?: boolean) => void): unknown {
  if (resolved.kind === 'bridge') return resolved.host.call('getAuthCode', { scopeNicks: [...scopes] }, (res) => answer(res));
  const fail = (res: unknown) => answer(res, false);
  return resolved.host.getAuthCode({
    scopes: [...scopes],
    success: (res) => answer(res, true),
    fail,
    failed: fail,
    // `complete` fires after success or fail on most hosts (alone on a few): let those win.
    complete: (res) => void Promise.resolve().then(() => answer(res)),
  });
}

/**
 * Calls the host now (synchronously, so a user gesture still counts) and settles once.
 * `onHostAnswer` hears the host's first answer, also after TIMEOUT: until then its page may still
 * be on screen. Exported for the authorizer, which has already validated scopes and host.
 */
export function callHost(resolved: ResolvedHost, scopes: string[], timeoutMs: number, onHostAnswer?: () => void): Promise<AuthCodeResult> {
  return new Promise<AuthCodeResult>((resolve, reject) => {
    let settled = false;
    let heard = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof AuthError) reject(outcome);
      else resolve(outcome);
    };
    const answer = (res: unknown, as?: boolean) => {
      if (!heard) (heard = true), onHostAnswer?.();
      finish(read(res, scopes, as));
    };
    const timer = setTimeout(() => finish(new AuthError('TIMEOUT', { scopes })), timeoutMs);
    try {
      const returned = startCall(resolved, scopes, answer);
      // Promise-style hosts resolve instead of (or as well as) calling back.
      if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
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

/** Validated options; TypeError for programmer errors. */
function readRequestOptions(options: unknown): { host: unknown; timeoutMs: number; bridgeWaitMs: number } {
  const where = 'requestAuthCode';
  const o = optionsObject(where, options, true) as RequestAuthCodeOptions;
  if (o.host !== undefined && !classifyHost(o.host)) throw optionError(where, 'options.host', 'a my with getAuthCode, or AlipayJSBridge');
  return {
    host: o.host,
    timeoutMs: duration(where, 'timeoutMs', o.timeoutMs, DEFAULT_TIMEOUT_MS),
    // 0: do not wait for a late AlipayJSBridge.
    bridgeWaitMs: duration(where, 'bridgeWaitMs', o.bridgeWaitMs, DEFAULT_BRIDGE_WAIT_MS, true),
  };
}

/** Calls the host `hostWhenReady` finds, or rejects `NOT_IN_MINIAPP`. */
export function callWhenReady(explicit: unknown, waitMs: number, scopes: string[], call: (host: ResolvedHost) => Promise<AuthCodeResult>): Promise<AuthCodeResult> {
  const noHost = () => Promise.reject(new AuthError('NOT_IN_MINIAPP', { scopes }));
  const host = hostWhenReady(explicit, waitMs);
  if (!(host instanceof Promise)) return host ? call(host) : noHost();
  return host.then((late) => (late ? call(late) : noHost()));
}

/**
 * Asks the wallet for an auth code.
 * Rejects with `AuthError`: `INVALID_SCOPE` before the host is called, `NOT_IN_MINIAPP` without a
 * host, else the wallet's failure mapped to the kit's codes.
 */
export function requestAuthCode(scopes: ScopeInput, options?: RequestAuthCodeOptions): Promise<AuthCodeResult> {
  try {
    const list = normalizeScopes(scopes);
    const o = readRequestOptions(options);
    return callWhenReady(o.host, o.bridgeWaitMs, list, (host) => callHost(host, list, o.timeoutMs));
  } catch (error) {
    return Promise.reject(error);
  }
}
