/**
 * `requestAuthCode`: a promise over `my.getAuthCode` (or the raw `AlipayJSBridge`) that settles
 * exactly once, whatever the host does.
 */
import { duration, optionError, optionsObject } from './checks';
import { AuthError } from './errors';
import { hostCall, hostWhenReady, type HostCall } from './host';
import { toOutcome } from './normalize';
import { normalizeScopes } from './scope-names';
import type { AuthCodeResult, RequestAuthCodeOptions, ScopeInput } from './types';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_BRIDGE_WAIT_MS = 3_000;

type Outcome = AuthCodeResult | AuthError;

/** Reads a callback's result; a result whose getters throw is a failure, not an exception. */
function read(res: unknown, scopes: string[], success?: boolean): Outcome {
  try {
    return toOutcome(res, scopes, success);
  } catch {
    return new AuthError('UNKNOWN', { scopes });
  }
}

/**
 * Calls the host now (synchronously, so a user gesture still counts) and settles once.
 * `onHostAnswer` hears the host's first answer, also after TIMEOUT: until then its page may still
 * be on screen. Exported for the authorizer, which has already validated scopes and host.
 */
export function callHost(call: HostCall, scopes: string[], timeoutMs: number, onHostAnswer?: () => void): Promise<AuthCodeResult> {
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
      const returned = call(scopes, answer);
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
  if (o.host !== undefined && !hostCall(o.host)) throw optionError(where, 'options.host', 'a my with getAuthCode, or AlipayJSBridge');
  return {
    host: o.host,
    timeoutMs: duration(where, 'timeoutMs', o.timeoutMs, DEFAULT_TIMEOUT_MS),
    // 0: do not wait for a late AlipayJSBridge.
    bridgeWaitMs: duration(where, 'bridgeWaitMs', o.bridgeWaitMs, DEFAULT_BRIDGE_WAIT_MS, true),
  };
}

/** Calls the host `hostWhenReady` finds, or rejects `NOT_IN_MINIAPP`. */
export function callWhenReady(explicit: unknown, waitMs: number, scopes: string[], call: (host: HostCall) => Promise<AuthCodeResult>): Promise<AuthCodeResult> {
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
