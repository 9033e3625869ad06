/**
 * Key material and configuration for the demo and for a real SuperQi deployment of the reference backend.
 *
 * Development: RSA key pairs for the merchant and the simulated wallet, and the token encryption key, are
 * generated on first start into the data directory (`demo-miniapp/data/`, gitignored) and reused after.
 * Production: everything comes from the environment (names in ENV below and in README.md); a real wallet
 * is never talked to with generated keys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseTokenKey } from './token-crypto.mjs';
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
});

export const DEFAULT_CLIENT_ID = 'SIMULATED_CLIENT_ID';

/**
 * @typedef {{ info?(message: string): void, warn(message: string): void }} Logger
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
 * A token key from `MERCHANT_TOKEN_KEY` (or the key file): the message names where it came from and
 * never the value.
 * @param {string | Uint8Array} value @param {string} source
 */
export function parseTokenKeyFrom(value, source) {
  try {
    return parseTokenKey(value);
  } catch (error) {
    throw new TypeError(`${source}: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * The token encryption key: `value` (normally `MERCHANT_TOKEN_KEY`) when given; else a development key
 * kept in `keyFile` (generated on first use, created exclusively, said once as information); with no
 * file (in-memory database) a random key for this process only.
 * @param {{ value?: string | Uint8Array | null, keyFile?: string | null, logger?: Logger | null }} options
 * @returns {Buffer}
 */
export function resolveTokenKey({ value, keyFile, logger }) {
  if (value !== undefined && value !== null && value !== '') return parseTokenKeyFrom(value, ENV.tokenKey);
  if (!keyFile) {
    logger?.info?.(`${ENV.tokenKey} is not set: the tokens of this in-memory database are encrypted with a key that lives as long as this process.`);
    return randomBytes(32);
  }
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
 * Configuration of the demo: against the simulated wallet (default) or, when `SUPERQI_BASE_URL` is set,
 * against a real wallet OpenAPI (then the client id, merchant private key and wallet public key must come
 * from the environment too).
 * @param {{ dataDir: string, env?: Record<string, string | undefined> }} options
 */
export function loadDemoConfig({ dataDir, env = process.env }) {
  const realBaseUrl = env[ENV.baseUrl] || null;
  const merchantPrivateKeyPem = readPemFromEnv(env, ENV.merchantPrivateKey);
  const walletPublicKeyPem = readPemFromEnv(env, ENV.walletPublicKey);
  const keyVersion = env[ENV.keyVersion] ? Number(env[ENV.keyVersion]) : 1;
  if (!Number.isInteger(keyVersion) || keyVersion < 0) throw new Error(`${ENV.keyVersion} must be an integer.`);
  const dbPath = env[ENV.dbPath] || join(dataDir, 'merchant.sqlite');

  if (realBaseUrl) {
    const missing = [
      !env[ENV.clientId] && ENV.clientId,
      !merchantPrivateKeyPem && ENV.merchantPrivateKey,
      !walletPublicKeyPem && ENV.walletPublicKey,
      // Real tokens are never encrypted with a development key lying next to the database.
      !env[ENV.tokenKey] && ENV.tokenKey,
    ].filter(Boolean);
    if (missing.length) throw new Error(`${ENV.baseUrl} is set, so ${missing.join(', ')} must be set too.`);
    parseTokenKeyFrom(/** @type {string} */ (env[ENV.tokenKey]), ENV.tokenKey);
    return {
      simulated: false,
      clientId: /** @type {string} */ (env[ENV.clientId]),
      walletBaseUrl: realBaseUrl,
      merchantPrivateKeyPem: /** @type {string} */ (merchantPrivateKeyPem),
      merchantPublicKeyPem: publicKeyPemOf(/** @type {string} */ (merchantPrivateKeyPem)),
      walletPublicKeyPem: /** @type {string} */ (walletPublicKeyPem),
      walletPrivateKeyPem: null,
      keyVersion,
      dbPath,
    };
  }

  // Simulation: both sides' keys from the data directory (merchant keys may still come from the env).
  const keyDir = join(dataDir, 'keys');
  const merchant = merchantPrivateKeyPem
    ? { privateKeyPem: merchantPrivateKeyPem, publicKeyPem: publicKeyPemOf(merchantPrivateKeyPem) }
    : loadOrCreateKeyPair(keyDir, 'merchant');
  const wallet = loadOrCreateKeyPair(keyDir, 'wallet');
  return {
    simulated: true,
    clientId: env[ENV.clientId] || DEFAULT_CLIENT_ID,
    walletBaseUrl: null,
    merchantPrivateKeyPem: merchant.privateKeyPem,
    /** What the simulated wallet verifies requests with. */
    merchantPublicKeyPem: merchant.publicKeyPem,
    walletPrivateKeyPem: wallet.privateKeyPem,
    walletPublicKeyPem: wallet.publicKeyPem,
    keyVersion,
    dbPath,
  };
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

/** The public half of a private key, as PEM (spki). @param {string} privateKeyPem */
function publicKeyPemOf(privateKeyPem) {
  return /** @type {string} */ (createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }));
}
