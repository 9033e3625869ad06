/**
 * The demo backend's configuration: from the environment for a real SuperQi wallet, and development
 * keys in the data directory for the simulated one.
 *
 * Development: RSA key pairs for the merchant and the simulated wallet, and the token encryption key, are
 * generated on first start into the data directory (`demo-miniapp/data/`, gitignored) and reused after.
 * Production: everything comes from the environment (names in ENV below and in README.md); a real wallet
 * is never talked to with generated keys.
 *
 * `readDemoEnv` only reads and checks (no file is written): the store is opened, and refused with a
 * clear message, before `loadDemoConfig` writes any key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createExclusive, makePrivateDir, readOrCreate } from './private-files.mjs';

/** Environment variable names (a real SuperQi miniapp backend sets these). */
export const ENV = Object.freeze({
  clientId: 'SUPERQI_CLIENT_ID',
  baseUrl: 'SUPERQI_BASE_URL',
  merchantPrivateKey: 'MERCHANT_PRIVATE_KEY',
  walletPublicKey: 'WALLET_PUBLIC_KEY',
  keyVersion: 'SUPERQI_KEY_VERSION',
  tokenKey: 'MERCHANT_TOKEN_KEY',
  dbPath: 'MERCHANT_DB_PATH',
  databaseUrl: 'DATABASE_URL',
});

export const DEFAULT_CLIENT_ID = 'SIMULATED_CLIENT_ID';

/** Fewer distinct byte values than this is a placeholder (all zero, `abab…`), not a random key. */
const MIN_DISTINCT_BYTES = 16;

/**
 * @typedef {{ info?(message: string): void, warn(message: string): void }} Logger
 * @typedef {{ kind: 'sqlite', filename: string } | { kind: 'postgres', url: string }} StoreChoice
 */

/**
 * A PEM from `NAME` (literal `\n` sequences allowed, as env files often carry them) or from the file
 * named by `NAME_FILE`; null when neither is set.
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 */
export function readPemFromEnv(env, name) {
  const inline = env[name];
  if (inline && inline.trim()) return inline.includes('\\n') ? inline.replace(/\\n/g, '\n') : inline;
  const file = env[`${name}_FILE`];
  return file ? readFileSync(file, 'utf8') : null;
}

/**
 * A 32-byte token key from 64 hex characters or base64 / base64url; placeholders refused. The message
 * names where the key came from, never its value.
 * @param {string} value @param {string} source
 * @returns {Buffer}
 */
export function parseTokenKeyFrom(value, source) {
  const text = String(value).trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
      ? Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      : null;
  if (!key || key.length !== 32) throw new TypeError(`${source}: the token encryption key must be 32 bytes, given as 64 hex characters or base64 (e.g. \`openssl rand -hex 32\`).`);
  if (new Set(key).size < MIN_DISTINCT_BYTES) {
    throw new TypeError(`${source}: the token encryption key looks like a placeholder (all zero or a repeated pattern): use 32 random bytes (e.g. \`openssl rand -hex 32\`).`);
  }
  return key;
}

/**
 * createAuthServer's `tokenKeys` for one key: its id is a digest of the key, so rows sealed under
 * another key name a key this backend does not have (and say so in the log) instead of failing to open.
 * @param {Buffer} key
 */
export function tokenKeysOf(key) {
  const id = createHash('sha256').update('miniapp-auth-kit demo token key\0').update(key).digest('hex').slice(0, 16);
  return { current: id, keys: { [id]: key } };
}

/**
 * Where the sessions and tokens live: PostgreSQL when `DATABASE_URL` is a postgres:// URL (any number
 * of backend machines), else a SQLite file (`MERCHANT_DB_PATH`, default `<dataDir>/auth.sqlite`).
 * @param {Record<string, string | undefined>} env @param {string} dataDir
 * @returns {StoreChoice}
 */
export function storeChoiceOf(env, dataDir) {
  const url = env[ENV.databaseUrl];
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new TypeError(`${ENV.databaseUrl} must be a postgres:// URL (or unset for SQLite in ${ENV.dbPath}).`);
    return { kind: 'postgres', url };
  }
  return { kind: 'sqlite', filename: env[ENV.dbPath] || join(dataDir, 'auth.sqlite') };
}

/**
 * What the environment says, checked, without writing anything: against the simulated wallet
 * (default) or, when `SUPERQI_BASE_URL` is set, a real wallet OpenAPI (then the client id, merchant
 * private key, wallet public key and token key must come from the environment too).
 * @param {{ dataDir: string, env?: Record<string, string | undefined> }} options
 */
export function readDemoEnv({ dataDir, env = process.env }) {
  const realBaseUrl = env[ENV.baseUrl] || null;
  const merchantPrivateKeyPem = readPemFromEnv(env, ENV.merchantPrivateKey);
  const walletPublicKeyPem = readPemFromEnv(env, ENV.walletPublicKey);
  const keyVersion = env[ENV.keyVersion] ? Number(env[ENV.keyVersion]) : 1;
  if (!Number.isInteger(keyVersion) || keyVersion < 0) throw new Error(`${ENV.keyVersion} must be an integer.`);
  const tokenKey = env[ENV.tokenKey] ? parseTokenKeyFrom(env[ENV.tokenKey], ENV.tokenKey) : null;
  if (realBaseUrl) {
    const missing = [
      !env[ENV.clientId] && ENV.clientId,
      !merchantPrivateKeyPem && ENV.merchantPrivateKey,
      !walletPublicKeyPem && ENV.walletPublicKey,
      // Real tokens are never encrypted with a development key lying next to the database.
      !tokenKey && ENV.tokenKey,
    ].filter(Boolean);
    if (missing.length) throw new Error(`${ENV.baseUrl} is set, so ${missing.join(', ')} must be set too.`);
  }
  return {
    simulated: !realBaseUrl,
    clientId: env[ENV.clientId] || DEFAULT_CLIENT_ID,
    walletBaseUrl: realBaseUrl,
    merchantPrivateKeyPem,
    walletPublicKeyPem,
    keyVersion,
    tokenKey,
    store: storeChoiceOf(env, dataDir),
  };
}

/**
 * The whole configuration: `readDemoEnv`, completed in simulation with the development keys of the
 * data directory (generated on first use, created exclusively: processes starting at once share one
 * of each), the token key from `MERCHANT_TOKEN_KEY` or `<dataDir>/merchant-token.key`.
 * @param {{ dataDir: string, env?: Record<string, string | undefined>, logger?: Logger | null }} options
 */
export function loadDemoConfig({ dataDir, env = process.env, logger = null }) {
  const read = readDemoEnv({ dataDir, env });
  if (!read.simulated) {
    return {
      ...read,
      merchantPrivateKeyPem: /** @type {string} */ (read.merchantPrivateKeyPem),
      // Shown to the merchant to register; an unreadable key is the wallet client's clear TypeError later.
      merchantPublicKeyPem: publicKeyPemOrNull(/** @type {string} */ (read.merchantPrivateKeyPem)),
      walletPublicKeyPem: /** @type {string} */ (read.walletPublicKeyPem),
      walletPrivateKeyPem: null,
      tokenKey: /** @type {Buffer} */ (read.tokenKey),
    };
  }
  // Simulation: both sides' keys from the data directory (merchant keys may still come from the env).
  const keyDir = join(dataDir, 'keys');
  const merchant = read.merchantPrivateKeyPem
    ? { privateKeyPem: read.merchantPrivateKeyPem, publicKeyPem: publicKeyPemOf(read.merchantPrivateKeyPem) }
    : loadOrCreateKeyPair(keyDir, 'merchant');
  const wallet = loadOrCreateKeyPair(keyDir, 'wallet');
  return {
    ...read,
    merchantPrivateKeyPem: merchant.privateKeyPem,
    /** What the simulated wallet verifies requests with. */
    merchantPublicKeyPem: merchant.publicKeyPem,
    walletPrivateKeyPem: wallet.privateKeyPem,
    walletPublicKeyPem: wallet.publicKeyPem,
    tokenKey: read.tokenKey ?? developmentTokenKey(join(dataDir, 'merchant-token.key'), logger),
  };
}

/**
 * The development token key kept in `keyFile` (generated on first use, created exclusively, said once
 * as information).
 * @param {string} keyFile @param {Logger | null} logger
 */
function developmentTokenKey(keyFile, logger) {
  makePrivateDir(join(keyFile, '..'));
  const { text, created } = readOrCreate(keyFile, () => `${randomBytes(32).toString('hex')}\n`);
  if (created) {
    logger?.info?.(
      `Generated a demo token encryption key in ${keyFile}; later starts reuse it. To use your own, set ${ENV.tokenKey} ` +
        `to 32 random bytes in hex (openssl rand -hex 32), e.g. from your secret store: required with a real wallet.`,
    );
  }
  return parseTokenKeyFrom(text, keyFile);
}

/**
 * `<dir>/<name>-private.pem` (generated when missing, created exclusively: processes starting at once
 * share one) and `<dir>/<name>-public.pem`, the public half of that private key (written for people,
 * e.g. to upload to a merchant portal; what is returned is always derived from the private key).
 * @param {string} dir
 * @param {string} name
 * @returns {{ publicKeyPem: string, privateKeyPem: string }}
 */
export function loadOrCreateKeyPair(dir, name) {
  makePrivateDir(dir);
  const { text: privateKeyPem } = readOrCreate(join(dir, `${name}-private.pem`), () => generateKeyPair().privateKeyPem);
  const publicKeyPem = publicKeyPemOf(privateKeyPem);
  const publicFile = join(dir, `${name}-public.pem`);
  if (!existsSync(publicFile)) createExclusive(publicFile, publicKeyPem);
  return { privateKeyPem, publicKeyPem };
}

/**
 * A fresh RSA 2048 key pair as PEM (public: SPKI, private: PKCS#8), the format SuperQi's merchant
 * portal takes and OpenSSL reads.
 * @returns {{ publicKeyPem: string, privateKeyPem: string }}
 */
function generateKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** @param {string} privateKeyPem */
function publicKeyPemOrNull(privateKeyPem) {
  try {
    return publicKeyPemOf(privateKeyPem);
  } catch {
    return null;
  }
}

/** The public half of a private key, as PEM (spki). @param {string} privateKeyPem */
function publicKeyPemOf(privateKeyPem) {
  return /** @type {string} */ (createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }));
}
