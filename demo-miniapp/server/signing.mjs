/**
 * SuperQi / Alipay+ OpenAPI message signing (PLATFORM.md, "applyToken"; inquiryUserInfo signs alike).
 *
 * Signed content: `"<METHOD> <PATH>\n<Client-Id>.<Request-Time>.<body>"`, SHA-256 with RSA PKCS#1 v1.5,
 * base64. Requests are signed with the merchant's key, responses (same layout, `Response-Time` and the
 * response body) with the wallet's. Both sides of the demo use this one module so that what is signed and
 * what is verified can never drift apart.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, KeyObject } from 'node:crypto';

export const ALGORITHM = 'RSA256';
/** The applyToken endpoint path (relative to the wallet OpenAPI base URL). */
export const APPLY_TOKEN_PATH = '/v1/authorizations/applyToken';
/** The inquiryUserInfo endpoint path (relative to the wallet OpenAPI base URL). */
export const INQUIRY_USER_INFO_PATH = '/v1/users/inquiryUserInfo';

/**
 * @param {{ method: string, path: string, clientId: string, time: string, body: string }} parts
 * @returns {string}
 */
export function signedContent({ method, path, clientId, time, body }) {
  return `${String(method).toUpperCase()} ${path}\n${clientId}.${time}.${body}`;
}

/** @param {string | KeyObject} key */
export function toPrivateKey(key) {
  return key instanceof KeyObject ? key : createPrivateKey(key);
}

/** @param {string | KeyObject} key */
export function toPublicKey(key) {
  return key instanceof KeyObject ? key : createPublicKey(key);
}

/**
 * The arguments every signature call of the platform takes: SHA-256 over the UTF-8 content, RSA
 * PKCS#1 v1.5 with `key`.
 * @param {string} content @param {KeyObject} key
 * @returns {['sha256', Buffer, { key: KeyObject, padding: number }]}
 */
const rsaSha256 = (content, key) => ['sha256', Buffer.from(content, 'utf8'), { key, padding: constants.RSA_PKCS1_PADDING }];

/**
 * @param {string} content the exact signed content
 * @param {string | KeyObject} privateKey PEM (pkcs8 or pkcs1) or a KeyObject
 * @returns {string} standard base64
 */
export function sign(content, privateKey) {
  const key = toPrivateKey(privateKey);
  return cryptoSign(...rsaSha256(content, key)).toString('base64');
}

/**
 * `sign`, with the RSA work on libuv's thread pool (crypto.sign with a callback): the event loop stays
 * free for other requests, and several signatures run on several cores at once.
 * @param {string} content the exact signed content
 * @param {string | KeyObject} privateKey
 * @returns {Promise<string>} standard base64
 */
export function signAsync(content, privateKey) {
  const key = toPrivateKey(privateKey);
  return new Promise((resolve, reject) => {
    cryptoSign(...rsaSha256(content, key), (error, signature) =>
      error ? reject(error) : resolve(signature.toString('base64')),
    );
  });
}

/**
 * A signature value as base64, or null. Some SDKs URL-encode the value (`%2B`, `%2F`, `%3D`): accepted.
 * @param {unknown} value
 * @returns {string | null}
 */
export function normalizeSignature(value) {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return null;
  let text = value;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 ? text : null;
}

/**
 * @param {string} content
 * @param {string} signature base64, raw or URL-encoded
 * @param {string | KeyObject} publicKey
 * @returns {boolean} never throws
 */
export function verify(content, signature, publicKey) {
  const base64 = normalizeSignature(signature);
  if (!base64) return false;
  try {
    const key = toPublicKey(publicKey);
    return cryptoVerify(...rsaSha256(content, key), Buffer.from(base64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * `verify`, on the thread pool like `signAsync`.
 * @param {string} content
 * @param {unknown} signature base64, raw or URL-encoded
 * @param {string | KeyObject} publicKey
 * @returns {Promise<boolean>} never rejects
 */
export function verifyAsync(content, signature, publicKey) {
  const base64 = normalizeSignature(signature);
  if (!base64) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const key = toPublicKey(publicKey);
      cryptoVerify(...rsaSha256(content, key), Buffer.from(base64, 'base64'), (error, ok) => resolve(!error && ok));
    } catch {
      resolve(false);
    }
  });
}

/**
 * @param {string} signature base64
 * @param {number} [keyVersion]
 * @param {{ urlEncode?: boolean }} [options] URL-encode the value, as some SDKs do
 */
export function formatSignatureHeader(signature, keyVersion = 1, { urlEncode = false } = {}) {
  return `algorithm=${ALGORITHM}, keyVersion=${keyVersion}, signature=${urlEncode ? encodeURIComponent(signature) : signature}`;
}

/**
 * Parses `algorithm=RSA256, keyVersion=1, signature=...` tolerantly (any order, spacing, name case,
 * quoted values, URL-encoded signature) but strictly: the algorithm must be `RSA256`, a field may not
 * repeat (an ambiguous header is refused rather than guessed at), keyVersion, when present, is an integer.
 * @param {unknown} value
 * @returns {{ algorithm: 'RSA256', keyVersion: number | null, signature: string } | null}
 */
export function parseSignatureHeader(value) {
  if (typeof value !== 'string' || value.length > 8192) return null;
  /** @type {Map<string, string>} */
  const fields = new Map();
  for (const part of value.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    const name = item.slice(0, eq).trim().toLowerCase();
    let fieldValue = item.slice(eq + 1).trim();
    if (fieldValue.length >= 2 && fieldValue.startsWith('"') && fieldValue.endsWith('"')) fieldValue = fieldValue.slice(1, -1);
    if (fields.has(name)) return null;
    fields.set(name, fieldValue);
  }
  if (fields.get('algorithm') !== ALGORITHM) return null;
  const signature = normalizeSignature(fields.get('signature'));
  if (!signature) return null;
  const rawVersion = fields.get('keyversion');
  if (rawVersion !== undefined && !/^\d{1,9}$/.test(rawVersion)) return null;
  return { algorithm: ALGORITHM, keyVersion: rawVersion === undefined ? null : Number(rawVersion), signature };
}

/**
 * Checks a `Signature` header against the message it claims to sign.
 * A missing keyVersion is accepted (it means "the current key"); another version than ours is not.
 * @param {{ method: string, path: string, clientId: string, time: string, body: string, header: unknown,
 *   publicKey: string | KeyObject, keyVersion?: number }} message
 * @returns {boolean}
 */
export function verifySignatureHeader({ header, publicKey, keyVersion = 1, ...parts }) {
  const signature = signatureOf(header, keyVersion);
  return signature !== null && verify(signedContent(parts), signature, publicKey);
}

/**
 * `verifySignatureHeader` with the RSA work on the thread pool.
 * @param {Parameters<typeof verifySignatureHeader>[0]} message
 * @returns {Promise<boolean>} never rejects
 */
export function verifySignatureHeaderAsync({ header, publicKey, keyVersion = 1, ...parts }) {
  const signature = signatureOf(header, keyVersion);
  return signature === null ? Promise.resolve(false) : verifyAsync(signedContent(parts), signature, publicKey);
}

/**
 * The signature a `Signature` header carries for our key version, or null.
 * @param {unknown} header @param {number} keyVersion
 */
function signatureOf(header, keyVersion) {
  const parsed = parseSignatureHeader(header);
  return parsed && (parsed.keyVersion === null || parsed.keyVersion === keyVersion) ? parsed.signature : null;
}

/**
 * `Request-Time` / `Response-Time`: ISO 8601 with a numeric offset, seconds precision, as the SuperQi
 * examples show (`2024-01-01T12:00:00-07:00`).
 * @param {Date | number} [date]
 * @param {number} [offsetMinutes] offset east of UTC to render the time in (default 0 → `+00:00`)
 */
export function requestTime(date = new Date(), offsetMinutes = 0) {
  const ms = typeof date === 'number' ? date : date.getTime();
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * Parses an ISO 8601 date-time that carries an offset (`Z` or `±HH:MM` / `±HHMM`); a local time without
 * offset is refused because its instant is ambiguous. Calendar fields are range checked (no Feb 30).
 * @param {unknown} value
 * @returns {number | null} epoch milliseconds
 */
export function parseIsoTime(value) {
  if (typeof value !== 'string') return null;
  const m = TIME_RE.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const offH = m[10] ? Number(m[10]) : 0;
  const offM = m[11] ? Number(m[11]) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(utc).getUTCDate() !== day) return null; // e.g. 2023-02-30
  const offset = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  return utc - offset;
}

/**
 * A fresh RSA 2048 key pair as PEM (public: spki, private: pkcs8), the format SuperQi's merchant portal
 * takes and OpenSSL reads.
 * @returns {{ publicKeyPem: string, privateKeyPem: string }}
 */
export function generateKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
