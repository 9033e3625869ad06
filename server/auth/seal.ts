/**
 * AES-256-GCM sealing of what the store keeps secret (wallet tokens, the replay copy of a session id).
 * A sealed value is `<keyId>.<iv>.<ciphertext+tag>` (base64url): the key id names the key of
 * `tokenKeys` it was sealed under, so keys rotate (a new `current`, old keys still open old rows). The
 * additional data binds a value to where it belongs (table, column, client, customer): moved to another
 * row or customer, it does not open.
 */
import { fromBase64, fromUtf8, randomBytes, toBase64Url, utf8 } from './bytes';
import { aesKey, gcmDecrypt, gcmEncrypt, sha256Bytes, type AesKey } from './primitives';

export interface TokenKeys {
  /** The id new values are sealed under. */
  current: string;
  /** Every key still in use: id → 32 random bytes (base64 or bytes). */
  keys: Record<string, string | Uint8Array>;
}

/** A sealed value that does not open: tampered with, moved to another row, or its key is gone. */
export class SealError extends Error {
  readonly code = 'TOKEN_UNREADABLE';
  constructor(detail: string) {
    super(`a stored secret does not open: ${detail}`);
    this.name = 'SealError';
  }
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const where = 'createAuthServer';

function keyBytes(id: string, value: unknown): Uint8Array {
  const bytes = typeof value === 'string' ? fromBase64(value.trim()) : value instanceof Uint8Array ? value : null;
  if (!bytes || bytes.length !== 32) throw new TypeError(`${where}: tokenKeys.keys.${id} must be 32 bytes (base64, e.g. \`openssl rand -base64 32\`, or bytes).`);
  // A placeholder (all zeros, a repeated pattern) is not a key.
  if (new Set(bytes).size < 16) throw new TypeError(`${where}: tokenKeys.keys.${id} is not random (too few distinct bytes): make one with \`openssl rand -base64 32\`.`);
  return bytes;
}

/** Checks `tokenKeys` (TypeErrors that name the key id, never the key) and imports every key. */
export function checkTokenKeys(value: unknown): { current: string; raw: Map<string, Uint8Array> } {
  const v = value as Partial<TokenKeys> | null;
  if (typeof v !== 'object' || v === null || typeof v.keys !== 'object' || v.keys === null) {
    throw new TypeError(`${where}: tokenKeys must be { current: id, keys: { [id]: 32-byte key } }.`);
  }
  const raw = new Map<string, Uint8Array>();
  for (const [id, key] of Object.entries(v.keys)) {
    if (!KEY_ID.test(id)) throw new TypeError(`${where}: tokenKeys key ids must be 1-32 letters, digits, _ or - (not ${JSON.stringify(id.slice(0, 32))}).`);
    raw.set(id, keyBytes(id, key));
  }
  if (typeof v.current !== 'string' || !raw.has(v.current)) throw new TypeError(`${where}: tokenKeys.current must name one of tokenKeys.keys.`);
  return { current: v.current, raw };
}

export interface Sealer {
  readonly currentKeyId: string;
  seal(plaintext: string, aad: string): Promise<string>;
  /** @throws SealError */
  open(sealed: string, aad: string): Promise<string>;
}

async function sealWith(key: AesKey, keyId: string, plaintext: string, aad: string): Promise<string> {
  const iv = randomBytes(12);
  return `${keyId}.${toBase64Url(iv)}.${toBase64Url(await gcmEncrypt(key, iv, utf8(plaintext), utf8(aad)))}`;
}

async function openWith(keyOf: (id: string) => AesKey | undefined, sealed: string, aad: string): Promise<string> {
  const [keyId = '', ivText = '', ctText = '', extra] = sealed.split('.');
  const key = keyOf(keyId);
  if (!key) throw new SealError(`key id ${JSON.stringify(keyId.slice(0, 32))} is not in tokenKeys`);
  const iv = fromBase64(ivText);
  const ct = fromBase64(ctText);
  if (extra !== undefined || !iv || iv.length !== 12 || !ct) throw new SealError('malformed');
  try {
    return fromUtf8(await gcmDecrypt(key, iv, ct, utf8(aad)));
  } catch {
    throw new SealError('authentication failed (tampered with, or moved to another row)');
  }
}

/** The sealer of `tokenKeys` (checked by `checkTokenKeys`). */
export function createSealer(keys: { current: string; raw: Map<string, Uint8Array> }): Sealer {
  const ready = new Map<string, AesKey>();
  for (const [id, raw] of keys.raw) ready.set(id, aesKey(raw));
  const keyOf = (id: string) => ready.get(id);
  return {
    currentKeyId: keys.current,
    seal: (plaintext, aad) => sealWith(keyOf(keys.current) as AesKey, keys.current, plaintext, aad),
    open: (sealed, aad) => openWith(keyOf, sealed, aad),
  };
}

/**
 * A one-off sealer whose key is derived from secrets the store never holds (the auth code and the
 * request's Idempotency-Key): the replay copy of a session id opens only for the request that comes
 * again with both, never from a copy of the database and the token keys.
 */
export async function derivedSealer(label: string, ...secrets: string[]): Promise<Sealer> {
  const key = aesKey(await sha256Bytes([label, ...secrets].join('\0')));
  const keyOf = (id: string) => (id === 'r' ? key : undefined);
  return { currentKeyId: 'r', seal: (plaintext, aad) => sealWith(key, 'r', plaintext, aad), open: (sealed, aad) => openWith(keyOf, sealed, aad) };
}
