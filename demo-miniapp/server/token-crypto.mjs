/**
 * Encryption of stored wallet tokens: AES-256-GCM, a random 12-byte IV per value, the 16-byte tag, and
 * associated data that binds each ciphertext to its row and column (a value copied to another row does
 * not decrypt). Blob layout: `0x01 | iv(12) | tag(16) | ciphertext`.
 *
 * The key id stored next to each value is a digest of the key: a backend started with another key sees
 * the mismatch at once and refuses to start instead of failing on every decryption later.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Fewer distinct byte values than this is a placeholder (all zero, `abab…`, a short pattern), not a random key. */
const MIN_DISTINCT_BYTES = 16;

/**
 * A 32-byte key from a Buffer, 64 hex characters or base64 / base64url. Refuses placeholders: 32 random
 * bytes hold about 30 distinct values; fewer than 16 happens by chance about never (< 1e-15).
 * @param {unknown} value
 * @returns {Buffer}
 */
export function parseTokenKey(value) {
  const key = decodeKey(value);
  if (!key) throw new TypeError('The token encryption key must be 32 bytes, given as 64 hex characters or base64 (e.g. `openssl rand -hex 32`).');
  if (new Set(key).size < MIN_DISTINCT_BYTES) {
    throw new TypeError('The token encryption key looks like a placeholder (all zero or a repeated pattern): use 32 random bytes (e.g. `openssl rand -hex 32`).');
  }
  return key;
}

/** @param {unknown} value @returns {Buffer | null} */
function decodeKey(value) {
  if (value instanceof Uint8Array) return value.length === 32 ? Buffer.from(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : null;
}

/** @param {Buffer} key */
export function tokenKeyId(key) {
  return createHash('sha256').update('miniapp-auth-kit token key\0').update(key).digest('hex').slice(0, 16);
}

/**
 * @param {Buffer} key 32 bytes
 */
export function createTokenCipher(key) {
  if (key.length !== 32) throw new TypeError('AES-256-GCM needs a 32-byte key.');
  return {
    keyId: tokenKeyId(key),
    /** @param {string} plaintext @param {string} aad @returns {Buffer} */
    encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(FORMAT), iv, cipher.getAuthTag(), body]);
    },
    /** @param {Uint8Array} blob @param {string} aad @returns {string} throws when tampered with or another key */
    decrypt(blob, aad) {
      const data = Buffer.from(blob);
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== FORMAT) throw new Error('unknown token blob format');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
