/**
 * The two primitives the auth server needs, SHA-256 and AES-256-GCM, from `node:crypto` when the
 * runtime has it (a few microseconds each) and from WebCrypto elsewhere (Workers, Deno, browsers;
 * tens of microseconds each in Node, where every call goes through the thread pool). `node:crypto` is
 * reached through `process.getBuiltinModule` (Node ≥ 20.16), not an import: the entry stays free of
 * `node:` imports for edge bundlers.
 */

import { nodeBuiltin } from '../openapi/crypto-engine';
import { concatBytes, toHex } from '../openapi/bytes';

/** What the auth server uses of Node's `crypto`, typed here so that no `node:` type is needed to build it. */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: string, encoding: 'utf8'): { digest(): Uint8Array; digest(encoding: 'hex'): string } };
  createCipheriv(algorithm: 'aes-256-gcm', key: Uint8Array, iv: Uint8Array): GcmCipher & { getAuthTag(): Uint8Array };
  createDecipheriv(algorithm: 'aes-256-gcm', key: Uint8Array, iv: Uint8Array): GcmCipher & { setAuthTag(tag: Uint8Array): void };
}
interface GcmCipher {
  setAAD(aad: Uint8Array): void;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

const nodeCrypto = nodeBuiltin<NodeCrypto>('node:crypto');

const encoder = new TextEncoder();

/** SHA-256 of `text` (UTF-8), hex. */
export async function sha256Hex(text: string): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(text, 'utf8').digest('hex');
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text) as BufferSource)));
}

/** SHA-256 of `text` (UTF-8), the raw 32 bytes (a derived key). */
export async function sha256Bytes(text: string): Promise<Uint8Array> {
  if (nodeCrypto) return new Uint8Array(nodeCrypto.createHash('sha256').update(text, 'utf8').digest());
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text) as BufferSource));
}

/** An AES-256 key ready for use (a node secret, or an imported CryptoKey). */
export interface AesKey {
  raw: Uint8Array;
  web?: Promise<CryptoKey>;
}

export function aesKey(raw: Uint8Array): AesKey {
  return nodeCrypto ? { raw } : { raw, web: crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']) };
}

/** AES-256-GCM: ciphertext with its 16-byte tag appended (the WebCrypto layout). */
export async function gcmEncrypt(key: AesKey, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  if (!key.web && nodeCrypto) {
    const cipher = nodeCrypto.createCipheriv('aes-256-gcm', key.raw, iv);
    cipher.setAAD(aad);
    return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
  }
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource }, await (key.web as Promise<CryptoKey>), plaintext as BufferSource));
}

/** @throws when the tag does not verify */
export async function gcmDecrypt(key: AesKey, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  if (!key.web && nodeCrypto) {
    if (sealed.length < 16) throw new Error('too short');
    const decipher = nodeCrypto.createDecipheriv('aes-256-gcm', key.raw, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return concatBytes(decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final());
  }
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource }, await (key.web as Promise<CryptoKey>), sealed as BufferSource));
}
