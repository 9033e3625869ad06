/**
 * The options of `createMerchantBackend`, checked and completed with their defaults. Everything a
 * caller can get wrong is a TypeError naming the option, before anything is created on disk; and the
 * rules that protect a real deployment live here, whoever calls the backend (not only the demo's config
 * loader): a wallet that is not on this machine is reached over https only, and only with a token key
 * from the configuration (no development key generated next to the database).
 */
import { dirname, join } from 'node:path';
import { createWalletClient } from 'miniapp-auth-kit/server';
import { ENV, parseTokenKeyFrom, resolveTokenKey } from './keys.mjs';
import { isLoopbackHostname } from './http-util.mjs';
import { makePrivateDir } from './private-files.mjs';
import { isInMemory } from './store-schema.mjs';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * @typedef {{ info?(message: string): void, warn(message: string): void, error(message: string): void }} Logger
 * @typedef {{ burst: number, perMinute: number }} AttemptLimit
 * @typedef {{
 *   walletBaseUrl: string,
 *   clientId: string,
 *   merchantPrivateKeyPem: string | import('node:crypto').KeyObject,
 *   walletPublicKeyPem: string | import('node:crypto').KeyObject,
 *   dbPath: string,
 *   encryptionKey?: string | Uint8Array,
 *   keyVersion?: number,
 *   env?: Record<string, string | undefined>,
 *   now?: () => number,
 *   fetchImpl?: typeof fetch,
 *   logger?: Logger | null,
 *   sessionTtlMs?: number,
 *   replayWindowMs?: number,
 *   codeLifetimeMs?: number,
 *   refreshMarginMs?: number,
 *   requestTimeoutMs?: number,
 *   maxBodyBytes?: number,
 *   profileTimeoutMs?: number,
 *   attemptLimit?: AttemptLimit | null,
 *   clientAddress?: (req: import('node:http').IncomingMessage) => string | undefined,
 * }} BackendOptions
 */

const DEFAULT_ATTEMPT_LIMIT = Object.freeze({ burst: 20, perMinute: 30 });

/** @type {Logger} */
const consoleLogger = {
  info: (m) => console.log(`[merchant-backend] ${m}`),
  warn: (m) => console.warn(`[merchant-backend] WARNING: ${m}`),
  error: (m) => console.error(`[merchant-backend] ${m}`),
};
/** @type {Logger} */
const silentLogger = { warn() {}, error() {} };

/** @param {string} name @param {unknown} value @param {{ min?: number }} [range] */
function duration(name, value, { min = 1 } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new TypeError(`createMerchantBackend: ${name} must be a number ≥ ${min}.`);
  return value;
}

/** @param {string} name @param {unknown} value */
function func(name, value) {
  if (typeof value !== 'function') throw new TypeError(`createMerchantBackend: ${name} must be a function.`);
  return value;
}

/** @param {unknown} value @returns {URL} */
function walletUrl(value) {
  let url;
  try {
    url = new URL(/** @type {string} */ (value));
  } catch {
    throw new TypeError('createMerchantBackend: walletBaseUrl must be the wallet OpenAPI base URL.');
  }
  if (typeof value !== 'string' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new TypeError('createMerchantBackend: walletBaseUrl must be an https (or loopback http) URL.');
  }
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
    throw new TypeError('createMerchantBackend: a wallet that is not on this machine must be reached over https (walletBaseUrl).');
  }
  return url;
}

/** @param {unknown} value @returns {Logger} */
function loggerOf(value) {
  if (value === undefined) return consoleLogger;
  if (value === null) return silentLogger;
  const l = /** @type {any} */ (value);
  if (typeof l !== 'object' || typeof l.warn !== 'function' || typeof l.error !== 'function' || (l.info !== undefined && typeof l.info !== 'function')) {
    throw new TypeError('createMerchantBackend: logger must have warn() and error() (and may have info()), or be null.');
  }
  return l;
}

/** @param {unknown} value @returns {AttemptLimit | null} */
function attemptLimitOf(value) {
  if (value === null) return null;
  if (value === undefined) return DEFAULT_ATTEMPT_LIMIT;
  const v = /** @type {any} */ (value);
  if (typeof v !== 'object' || !Number.isInteger(v.burst) || v.burst < 1 || typeof v.perMinute !== 'number' || !(v.perMinute > 0)) {
    throw new TypeError('createMerchantBackend: attemptLimit must be { burst: integer ≥ 1, perMinute: number > 0 }, or null (no limit).');
  }
  return { burst: v.burst, perMinute: v.perMinute };
}

/**
 * @param {BackendOptions} options
 */
export function resolveBackendOptions(options) {
  if (options === null || typeof options !== 'object') throw new TypeError('createMerchantBackend: options must be an object.');
  const wallet = walletUrl(options.walletBaseUrl);
  if (typeof options.clientId !== 'string' || options.clientId.length === 0) throw new TypeError('createMerchantBackend: clientId must be a non-empty string.');
  if (typeof options.dbPath !== 'string') throw new TypeError("createMerchantBackend: dbPath must be a file path (or ':memory:').");
  const env = options.env ?? process.env;
  const requestTimeoutMs = duration('requestTimeoutMs', options.requestTimeoutMs ?? 10_000);
  const replayWindowMs = duration('replayWindowMs', options.replayWindowMs ?? 10 * MINUTE);
  const resolved = {
    walletBaseUrl: wallet.href,
    clientId: options.clientId,
    dbPath: options.dbPath,
    keyVersion: options.keyVersion ?? 1,
    now: /** @type {() => number} */ (func('now', options.now ?? Date.now)),
    fetchImpl: options.fetchImpl === undefined ? undefined : /** @type {typeof fetch} */ (func('fetchImpl', options.fetchImpl)),
    logger: loggerOf(options.logger),
    sessionTtlMs: duration('sessionTtlMs', options.sessionTtlMs ?? 30 * DAY),
    replayWindowMs,
    // A code lives 10 minutes on some wallets, up to a day on others: records of codes are kept a day.
    codeLifetimeMs: duration('codeLifetimeMs', options.codeLifetimeMs ?? Math.max(replayWindowMs, DAY)),
    refreshMarginMs: duration('refreshMarginMs', options.refreshMarginMs ?? MINUTE, { min: 0 }),
    requestTimeoutMs,
    maxBodyBytes: duration('maxBodyBytes', options.maxBodyBytes ?? 16 * 1024),
    // The profile is an extra of /api/me: a slow wallet may not hold the whole answer back for long.
    profileTimeoutMs: duration('profileTimeoutMs', options.profileTimeoutMs ?? Math.min(requestTimeoutMs, 5_000)),
    attemptLimit: attemptLimitOf(options.attemptLimit),
    clientAddress: /** @type {(req: import('node:http').IncomingMessage) => string | undefined} */ (
      func('clientAddress', options.clientAddress ?? ((req) => req.socket.remoteAddress))
    ),
  };
  if (!Number.isInteger(resolved.keyVersion) || resolved.keyVersion < 0) throw new TypeError('createMerchantBackend: keyVersion must be an integer ≥ 0.');
  // Made here, before anything is created on disk: the client checks the keys (TypeErrors naming them).
  const walletClient = walletClientOf(options, resolved);
  return { ...resolved, wallet: walletClient, tokenKey: tokenKeyOf(options, env, wallet, resolved.logger) };
}

/** The client's key options, by the names this backend takes them under. */
const KEY_OPTIONS = { privateKey: 'merchantPrivateKeyPem', walletPublicKey: 'walletPublicKeyPem' };

/**
 * @param {BackendOptions} options
 * @param {{ walletBaseUrl: string, clientId: string, keyVersion: number, now: () => number, requestTimeoutMs: number, fetchImpl?: typeof fetch }} resolved
 */
function walletClientOf(options, { walletBaseUrl, clientId, keyVersion, now, requestTimeoutMs, fetchImpl }) {
  try {
    return createWalletClient({
      baseUrl: walletBaseUrl,
      clientId,
      privateKey: options.merchantPrivateKeyPem,
      walletPublicKey: options.walletPublicKeyPem,
      keyVersion,
      now,
      timeoutMs: requestTimeoutMs,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  } catch (error) {
    const key = /^createWalletClient: (privateKey|walletPublicKey)\b(.*)$/s.exec(/** @type {Error} */ (error).message);
    if (key) throw new TypeError(`createMerchantBackend: ${KEY_OPTIONS[/** @type {'privateKey' | 'walletPublicKey'} */ (key[1])]}${key[2]}`);
    throw error;
  }
}

/**
 * The token key: the option, else MERCHANT_TOKEN_KEY; a development key next to the database only for a
 * wallet on this machine (the simulator).
 * @param {BackendOptions} options @param {Record<string, string | undefined>} env @param {URL} wallet @param {Logger} logger
 */
function tokenKeyOf(options, env, wallet, logger) {
  if (options.encryptionKey !== undefined) return parseTokenKeyFrom(options.encryptionKey, 'createMerchantBackend: encryptionKey');
  const configured = env[ENV.tokenKey];
  if (!configured && !isLoopbackHostname(wallet.hostname)) {
    throw new TypeError(`createMerchantBackend: a real wallet needs ${ENV.tokenKey} (or the encryptionKey option): real tokens are never encrypted with a generated key.`);
  }
  if (configured || isInMemory(options.dbPath)) return resolveTokenKey({ value: configured, keyFile: null, logger });
  makePrivateDir(dirname(options.dbPath));
  return resolveTokenKey({ keyFile: join(dirname(options.dbPath), 'merchant-token.key'), logger });
}
