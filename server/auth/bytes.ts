/**
 * Bytes, hashes and random ids (`globalThis.crypto` and primitives.ts): the auth server runs in Node 20+
 * and in fetch runtimes alike, so `miniapp-auth-kit/server` imports no `node:` module.
 */

import { decodeBase64, encodeBase64 } from '../openapi/bytes';
import { sha256Hex } from './primitives';

export { utf8 } from '../openapi/bytes';

const decoder = new TextDecoder('utf-8', { fatal: true });
/** @throws on malformed UTF-8 */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

export const toBase64Url = (bytes: Uint8Array): string => encodeBase64(bytes, 'base64url');

/** Standard or URL-safe base64, padded or not; null when it is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, '');
  const bare = compact.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || bare.length % 4 === 1 || (bare !== compact && compact.length % 4 !== 0)) return null;
  return decodeBase64(compact);
}

/*
 * Random bytes from a pool the CSPRNG fills 4 KiB at a time (as Node's randomUUID does): one call per
 * about fifty exchanges instead of four per exchange (a session id, three IVs), which showed in the
 * exchange's profile. Each byte is handed out once and wiped from the pool as it goes.
 */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let taken = 0;

export function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(length));
  if (taken + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    taken = 0;
  }
  const out = pool.slice(taken, taken + length);
  pool.fill(0, taken, taken + length);
  taken += length;
  return out;
}

/** A 256-bit random id, base64url (43 characters): session ids. */
export const randomId = (): string => toBase64Url(randomBytes(32));

/**
 * SHA-256 of `value` under a purpose label (`label\0value`): a code, an idempotency key and a
 * session id hash into separate spaces, so one can never stand for another.
 */
export const digest = (label: string, value: string): Promise<string> => sha256Hex(`${label}\0${value}`);

/** Constant-time comparison of two strings of the same kind (hashes). */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
