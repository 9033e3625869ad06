/** Validation of `createAuthorizer` and `authorize` options: programmer errors throw TypeError. */
import { checkDuration, isAbortSignal } from './checks';
import { classifyHost } from './host';
import { DEFAULT_TIMEOUT_MS } from './request-auth-code';
import { readCatalogue, type ScopeCatalogue } from './scopes';
import { isStorageAdapter } from './storage';
import type { AlipayBridgeHost, AuthCodeHost, AuthorizeOptions, AuthorizerOptions, EngagementTarget, StorageAdapter, SubmitHook } from './types';

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

/** `createAuthorizer: name must be …` for a bad duration option. */
function duration(name: string, value: unknown, fallback: number, allowZero = false): number {
  return checkDuration(`createAuthorizer: ${name}`, value, fallback, allowZero);
}

function isEventTargetLike(value: unknown): value is EngagementTarget {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EngagementTarget).addEventListener === 'function' &&
    typeof (value as EngagementTarget).removeEventListener === 'function'
  );
}

export function readAuthorizerOptions(options: unknown): ResolvedAuthorizerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createAuthorizer(options) needs an options object with a submit hook.');
  }
  const o = options as AuthorizerOptions;
  if (typeof o.submit !== 'function') throw new TypeError('createAuthorizer: options.submit must be a function (authCode, context) => Promise.');
  if (o.host !== undefined && !classifyHost(o.host)) {
    throw new TypeError('createAuthorizer: options.host must have getAuthCode(options) or call(api, params, callback).');
  }
  if (o.storage !== undefined && !isStorageAdapter(o.storage)) {
    throw new TypeError('createAuthorizer: options.storage must have get(key), set(key, value) and remove(key).');
  }
  if (o.now !== undefined && typeof o.now !== 'function') throw new TypeError('createAuthorizer: options.now must be a function returning epoch milliseconds.');
  if (o.storageKey !== undefined && (typeof o.storageKey !== 'string' || o.storageKey.length === 0 || o.storageKey.length > 200)) {
    throw new TypeError('createAuthorizer: options.storageKey must be a non-empty string.');
  }
  const maxRetries = o.maxRetries ?? 2;
  if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
    throw new TypeError('createAuthorizer: options.maxRetries must be an integer from 0 to 10.');
  }
  if (o.engagementTarget !== undefined && o.engagementTarget !== null && !isEventTargetLike(o.engagementTarget)) {
    throw new TypeError('createAuthorizer: options.engagementTarget must be an EventTarget or null.');
  }
  const now = o.now ?? Date.now;
  return {
    submit: o.submit,
    host: o.host,
    storage: o.storage,
    now: () => {
      const t = now();
      return typeof t === 'number' && Number.isFinite(t) ? t : Date.now();
    },
    storageKey: o.storageKey ?? 'miniapp-auth-kit',
    codeMaxAgeMs: duration('codeMaxAgeMs', o.codeMaxAgeMs, 5 * 60_000),
    sessionTtlMs: o.sessionTtlMs === undefined ? undefined : duration('sessionTtlMs', o.sessionTtlMs, 0),
    timeoutMs: duration('timeoutMs', o.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxRetries,
    retryDelayMs: duration('retryDelayMs', o.retryDelayMs, 500, true),
    engagementTarget: o.engagementTarget,
    catalogue: readCatalogue(o.catalogue, 'createAuthorizer'),
  };
}

export function readAuthorizeOptions(options: unknown): { gesture: boolean; defer: boolean; signal: AbortSignal | undefined } {
  if (options === undefined) return { gesture: false, defer: true, signal: undefined };
  if (typeof options !== 'object' || options === null) throw new TypeError('authorize(scopes, options): options must be an object.');
  const o = options as AuthorizeOptions;
  for (const key of ['gesture', 'defer'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new TypeError(`authorize: options.${key} must be a boolean.`);
  }
  const signal = o.signal;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError('authorize: options.signal must be an AbortSignal.');
  }
  return { gesture: o.gesture ?? false, defer: o.defer ?? true, signal };
}
