/** `createAuthorizer` and `authorize` options, read by their rules: programmer errors throw TypeError. */
import { hasMethods, isAbortSignal, isBoolean, isDelay, isDuration, isFunction, readOptions, REQUIRED } from '../checks';
import { hostCall } from '../host';
import { DEFAULT_TIMEOUT_MS } from '../request-auth-code';
import { readCatalogue, type ScopeCatalogue } from '../scopes';
import { isStorageAdapter } from '../storage';
import type { AlipayBridgeHost, AuthCodeHost, EngagementTarget, StorageAdapter, SubmitHook } from '../types';

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

export function readAuthorizerOptions(options: unknown): ResolvedAuthorizerOptions {
  const o = readOptions<ResolvedAuthorizerOptions & { now?: () => unknown }>(WHERE, options, {
    submit: [isFunction, REQUIRED],
    host: [hostCall],
    storage: [isStorageAdapter],
    now: [isFunction],
    storageKey: [(v) => typeof v === 'string' && v.length > 0 && v.length <= 200, 'miniapp-auth-kit'],
    maxRetries: [(v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 10, 2],
    engagementTarget: [(v) => v === null || hasMethods(v, 'addEventListener', 'removeEventListener')],
    codeMaxAgeMs: [isDuration, 300_000],
    sessionTtlMs: [isDuration],
    timeoutMs: [isDuration, DEFAULT_TIMEOUT_MS],
    retryDelayMs: [isDelay, 500],
  });
  const clock = o.now ?? Date.now;
  return {
    ...o,
    // A clock that answers junk falls back to the real one.
    now: () => {
      const t = clock();
      return Number.isFinite(t) ? (t as number) : Date.now();
    },
    catalogue: readCatalogue((options as { catalogue?: unknown }).catalogue, WHERE),
  };
}

export function readAuthorizeOptions(options: unknown = {}): ResolvedAuthorizeOptions {
  return readOptions('authorize', options, { gesture: [isBoolean, false], defer: [isBoolean, true], signal: [isAbortSignal] });
}
