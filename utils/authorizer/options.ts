/** Validation of `createAuthorizer` and `authorize` options: programmer errors throw TypeError. */
import { duration, hasMethods, isAbortSignal, optionError, optionsObject } from '../checks';
import { hostCall } from '../host';
import { DEFAULT_TIMEOUT_MS } from '../request-auth-code';
import { readCatalogue, type ScopeCatalogue } from '../scopes';
import { isStorageAdapter } from '../storage';
import type { AlipayBridgeHost, AuthCodeHost, AuthorizerOptions, EngagementTarget, StorageAdapter, SubmitHook } from '../types';

export interface ResolvedAuthorizerOptions {
  submit: SubmitHook;
  host: AuthCodeHost | AlipayBridgeHost | undefined;
  storage: StorageAdapter | undefined;
  now: () => number;
  storageKey: string;
  codeMaxAgeMs: number;
  sessionTtlMs: number | undefined;
  timeoutMs: number;
  maxRetries: number;
  retryDelayMs: number;
  engagementTarget: EngagementTarget | null | undefined;
  catalogue: ScopeCatalogue;
}

export interface ResolvedAuthorizeOptions {
  gesture: boolean;
  defer: boolean;
  signal: AbortSignal | undefined;
}

const WHERE = 'createAuthorizer';

/** Throws `where: options.name must be what` unless `ok`. */
function check(ok: boolean, name: string, what: string, where = WHERE): void {
  if (!ok) throw optionError(where, `options.${name}`, what);
}

export function readAuthorizerOptions(options: unknown): ResolvedAuthorizerOptions {
  const o = optionsObject(WHERE, options, false) as Partial<AuthorizerOptions>;
  check(typeof o.submit === 'function', 'submit', 'a function');
  check(o.host === undefined || !!hostCall(o.host), 'host', 'a wallet (my or AlipayJSBridge)');
  check(o.storage === undefined || isStorageAdapter(o.storage), 'storage', '{ get, set, remove }');
  check(o.now === undefined || typeof o.now === 'function', 'now', 'a function');
  const key = o.storageKey ?? 'miniapp-auth-kit';
  check(typeof key === 'string' && key.length > 0 && key.length <= 200, 'storageKey', 'a non-empty string');
  const maxRetries = o.maxRetries ?? 2;
  check(Number.isInteger(maxRetries) && maxRetries >= 0 && maxRetries <= 10, 'maxRetries', 'an integer from 0 to 10');
  const target = o.engagementTarget;
  check(target == null || hasMethods(target, 'addEventListener', 'removeEventListener'), 'engagementTarget', 'an EventTarget or null');
  const clock = o.now ?? Date.now;
  return {
    submit: o.submit as SubmitHook,
    host: o.host,
    storage: o.storage,
    // A clock that answers junk falls back to the real one.
    now: () => {
      const t = clock();
      return Number.isFinite(t) ? t : Date.now();
    },
    storageKey: key,
    codeMaxAgeMs: duration(WHERE, 'codeMaxAgeMs', o.codeMaxAgeMs, 300_000),
    sessionTtlMs: duration(WHERE, 'sessionTtlMs', o.sessionTtlMs, undefined),
    timeoutMs: duration(WHERE, 'timeoutMs', o.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxRetries,
    retryDelayMs: duration(WHERE, 'retryDelayMs', o.retryDelayMs, 500, true),
    engagementTarget: target,
    catalogue: readCatalogue(o.catalogue, WHERE),
  };
}

export function readAuthorizeOptions(options: unknown): ResolvedAuthorizeOptions {
  const o = optionsObject('authorize', options, true);
  for (const key of ['gesture', 'defer']) check(o[key] === undefined || typeof o[key] === 'boolean', key, 'a boolean', 'authorize');
  check(o.signal === undefined || isAbortSignal(o.signal), 'signal', 'an AbortSignal', 'authorize');
  return { gesture: o.gesture === true, defer: o.defer !== false, signal: o.signal as AbortSignal | undefined };
}
