/**
 * Bytes without `Buffer`: UTF-8, base64 (standard and URL-encoded for the `Signature` header), hex.
 * `atob`/`btoa`, `TextEncoder`/`TextDecoder` exist in Node 20, browsers and every edge runtime.
 */

const encoder = new TextEncoder();

/** Node's Buffer where the runtime has one (a native base64, many times faster than btoa over a string). */
interface BufferLike {
  from(bytes: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64' | 'base64url'): string };
  from(text: string, encoding: 'base64' | 'base64url'): Uint8Array;
}
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

/** Bytes as base64 (`base64`) or base64url without padding (`base64url`). */
export function encodeBase64(bytes: Uint8Array, encoding: 'base64' | 'base64url'): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const text = btoa(binary);
  return encoding === 'base64' ? text : text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Base64 text already checked to be well-formed (standard or URL-safe, padded or not) as bytes. */
export function decodeBase64(text: string): Uint8Array {
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** UTF-8 decoding that refuses malformed bytes (an answer is either text or untrusted). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const toBase64 = (bytes: Uint8Array): string => encodeBase64(bytes, 'base64');

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 (padded) to bytes, or null when it is not exactly that. */
export function fromBase64(text: string): Uint8Array | null {
  return BASE64_RE.test(text) ? decodeBase64(text) : null;
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** A copy in an ArrayBuffer of its own (WebCrypto takes `BufferSource`; a view may share a larger pool). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
