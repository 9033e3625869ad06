/**
 * `createAuthServer`'s options, checked: every value a caller can get wrong is a TypeError naming the
 * option and what it must be, before anything is created. Durations are bounded both ways: a value
 * no timer can hold (`3e9`) or one that would make every request fail is refused here, not found out
 * in production.
 */
import type { WalletClient, WalletClientOptions } from '../openapi/types';
import { createWalletClient } from '../openapi/client';
import type { AuthStore } from '../store/types';
import { memoryStore } from '../store/memory';
import { checkTokenKeys } from './seal';
import { checkTrustProxy, type TrustProxy } from './client-address';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const where = 'createAuthServer';

export interface Logger {
  info?(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AttemptLimit {
  /** Attempts at `/session` per client address in each window (default 30). */
  perClient?: number;
  /** Wallet calls per session on the other routes in each window (default 60). */
  perSession?: number;
  /** The window (default 60 000 ms). */
  windowMs?: number;
}

export interface ClientAddressContext {
  clientAddress?: string;
}

export interface AuthServerOptions {
  /** The signed wallet OpenAPI client (`createWalletClient(...)`), or its options (the server then makes it, and closes it on `close()`). */
  wallet: WalletClient | WalletClientOptions;
  /** Default: `memoryStore()` (one process). */
  store?: AuthStore;
  tokenKeys: import('./seal').TokenKeys;
  basePath?: string;
  sessionTtlMs?: number;
  attemptLimit?: AttemptLimit | null;
  /** Who is asking, for the attempt limits (default: `ctx.clientAddress`, which the adapters fill). */
  clientAddress?: (request: Request, ctx: ClientAddressContext) => string | undefined;
  /** Fetch runtimes without a socket: which proxy headers to believe (see `toNodeHandler`). */
  trustProxy?: TrustProxy;
  /** How long one wallet call may take (default 10 000 ms); claims and refreshes are leased for twice this, at most this plus 5 s. */
  walletTimeoutMs?: number;
  /** How long a request sent again with its Idempotency-Key gets its session back (default 10 minutes). */
  replayWindowMs?: number;
  /** Tokens this close to their expiry are refreshed before use (default 60 000 ms). */
  refreshMarginMs?: number;
  /** Default: `console` with a prefix; `null`: silent. */
  logger?: Logger | null;
}

export interface ResolvedOptions {
  wallet: WalletClient;
  /** The server made the client from its options: `close()` ends its kept-alive connections. */
  ownsWallet: boolean;
  clientId: string;
  store: AuthStore;
  tokenKeys: ReturnType<typeof checkTokenKeys>;
  basePath: string;
  sessionTtlMs: number;
  attemptLimit: Required<AttemptLimit> | null;
  clientAddress: ((request: Request, ctx: ClientAddressContext) => string | undefined) | null;
  trustProxy: TrustProxy;
  walletTimeoutMs: number;
  leaseMs: number;
  replayWindowMs: number;
  refreshMarginMs: number;
  /** How long a code's record is kept: codes live up to a day on some wallets. */
  codeRetentionMs: number;
  logger: Logger;
}

const consoleLogger: Logger = {
  info: (m) => console.info(`[miniapp-auth-kit] ${m}`),
  warn: (m) => console.warn(`[miniapp-auth-kit] ${m}`),
  error: (m) => console.error(`[miniapp-auth-kit] ${m}`),
};
const silent: Logger = { warn() {}, error() {} };

function bounded(name: string, value: unknown, fallback: number, min: number, max: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TypeError(`${where}: ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}${name.endsWith('Ms') ? ' (ms)' : ''}.`);
  }
  return value;
}

const isFn = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';
const hasMethods = (v: unknown, names: readonly string[]) => typeof v === 'object' && v !== null && names.every((n) => isFn((v as Record<string, unknown>)[n]));

const STORE_METHODS = ['init', 'claimCode', 'readCode', 'takeOverCode', 'refuseCode', 'releaseCode', 'completeExchange', 'findSession', 'deleteSession', 'readGrant', 'leaseRefresh', 'commitRefresh', 'releaseRefresh', 'markReauth', 'hit', 'sweep', 'close'] as const;

/** A WalletClient (createWalletClient's, or any object with its methods), or the options to make one. */
function walletOf(value: unknown): { wallet: WalletClient; ownsWallet: boolean } {
  const isOptions = typeof value === 'object' && value !== null && !hasMethods(value, ['applyToken']) && 'baseUrl' in value;
  if (isOptions) return { wallet: createWalletClient(value as WalletClientOptions), ownsWallet: true };
  if (!hasMethods(value, ['applyToken', 'inquiryUserInfo']) || typeof (value as WalletClient).clientId !== 'string' || !(value as WalletClient).clientId) {
    throw new TypeError(`${where}: wallet must be a WalletClient (createWalletClient(...)) with a clientId, or its options ({ baseUrl, clientId, privateKey, walletPublicKey }).`);
  }
  return { wallet: value as WalletClient, ownsWallet: false };
}

function basePathOf(value: unknown): string {
  if (value === undefined) return '/api/auth';
  if (typeof value !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) throw new TypeError(`${where}: basePath must be a path such as "/api/auth" (no trailing slash).`);
  return value;
}

function loggerOf(value: unknown): Logger {
  if (value === undefined) return consoleLogger;
  if (value === null) return silent;
  if (!hasMethods(value, ['warn', 'error'])) throw new TypeError(`${where}: logger must have warn() and error() (and may have info()), or be null.`);
  return value as Logger;
}

function attemptLimitOf(value: unknown): Required<AttemptLimit> | null {
  if (value === null) return null;
  const v = (value ?? {}) as AttemptLimit;
  if (typeof v !== 'object') throw new TypeError(`${where}: attemptLimit must be { perClient?, perSession?, windowMs? } or null.`);
  return {
    perClient: bounded('attemptLimit.perClient', v.perClient, 30, 1, 1_000_000, true),
    perSession: bounded('attemptLimit.perSession', v.perSession, 60, 1, 1_000_000, true),
    windowMs: bounded('attemptLimit.windowMs', v.windowMs, MINUTE, SECOND, DAY, true),
  };
}

export function resolveOptions(options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object.`);
  const o = options as AuthServerOptions;
  if (o.store !== undefined && !hasMethods(o.store, STORE_METHODS)) throw new TypeError(`${where}: store must be an AuthStore (memoryStore(), sqliteStore(), postgresStore()).`);
  if (o.clientAddress !== undefined && !isFn(o.clientAddress)) throw new TypeError(`${where}: clientAddress must be a function (request, ctx) → string.`);
  const walletTimeoutMs = bounded('walletTimeoutMs', o.walletTimeoutMs, 10 * SECOND, 100, 2 * MINUTE);
  const replayWindowMs = bounded('replayWindowMs', o.replayWindowMs, 10 * MINUTE, SECOND, DAY);
  const rest = {
    tokenKeys: checkTokenKeys(o.tokenKeys),
    basePath: basePathOf(o.basePath),
    sessionTtlMs: bounded('sessionTtlMs', o.sessionTtlMs, 7 * DAY, MINUTE, 400 * DAY),
    attemptLimit: attemptLimitOf(o.attemptLimit),
    clientAddress: o.clientAddress ?? null,
    trustProxy: checkTrustProxy(where, o.trustProxy),
    walletTimeoutMs,
    // Longer than any wallet call, so that a live owner is taken over only in the rare case.
    leaseMs: walletTimeoutMs + Math.min(5 * SECOND, walletTimeoutMs),
    replayWindowMs,
    refreshMarginMs: bounded('refreshMarginMs', o.refreshMarginMs, MINUTE, 0, DAY),
    codeRetentionMs: Math.max(DAY, replayWindowMs),
    logger: loggerOf(o.logger),
  };
  // Last: every other option is sound before a client (and its connection pool) is made.
  const { wallet, ownsWallet } = walletOf(o.wallet);
  return { ...rest, wallet, ownsWallet, clientId: wallet.clientId, store: o.store ?? memoryStore() };
}
