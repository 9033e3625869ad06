/**
 * The OpenAPI signature (PLATFORM.md, "The wallet OpenAPI in detail"): SHA-256 with RSA PKCS#1 v1.5
 * over `"<METHOD> <path>\n<Client-Id>.<time>.<body>"`, base64, carried in
 * `Signature: algorithm=RSA256, keyVersion=1, signature=<base64>`. Requests and answers are signed
 * alike; an answer's content is built from its raw bytes, never from re-serialised JSON.
 */
import { concatBytes, fromBase64, toBase64, utf8 } from './bytes';
import type { CryptoEngine } from './crypto-engine';
import type { RsaKey } from './keys';

export const ALGORITHM = 'RSA256';

export interface SignedParts {
  method: string;
  path: string;
  clientId: string;
  /** `Request-Time` or `Response-Time`, exactly as sent. */
  time: string;
  /** The body: its raw bytes, or text (encoded as UTF-8). */
  body: Uint8Array | string;
}

/** The exact bytes signed. */
export function signedContent({ method, path, clientId, time, body }: SignedParts): Uint8Array {
  const head = utf8(`${method.toUpperCase()} ${path}\n${clientId}.${time}.`);
  return concatBytes(head, typeof body === 'string' ? utf8(body) : body);
}

/** How a `Signature` header is written: SuperQi sends raw base64 with `, `; Alipay's SDKs URL-encode it and write no spaces. */
export interface HeaderStyle {
  urlEncode: boolean;
  separator: ', ' | ',';
}

export function formatSignatureHeader(signature: string, keyVersion: number, style: HeaderStyle = { urlEncode: false, separator: ', ' }): string {
  const value = style.urlEncode ? encodeURIComponent(signature) : signature;
  return [`algorithm=${ALGORITHM}`, `keyVersion=${keyVersion}`, `signature=${value}`].join(style.separator);
}

/**
 * A signature value as canonical standard base64, or null. URL-decoded only when it holds `%`:
 * form-decoding a raw value would turn its `+` into spaces. Re-encoded from its bytes: base64 has
 * spellings that differ only in ignored padding bits, and the replay guard must see one answer as one.
 */
export function normalizeSignature(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return null;
  let text = value;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  const bytes = fromBase64(text);
  return bytes ? toBase64(bytes) : null;
}

export interface ParsedSignatureHeader {
  algorithm: typeof ALGORITHM;
  keyVersion: number | null;
  signature: string;
}

/**
 * Parses `algorithm=RSA256, keyVersion=1, signature=…` in any order, spacing and name case, values
 * quoted or not, the signature raw or URL-encoded; strict on meaning: the algorithm must be RSA256,
 * no field may repeat (an ambiguous header is refused, not guessed at), keyVersion is an integer.
 */
export function parseSignatureHeader(value: unknown): ParsedSignatureHeader | null {
  if (typeof value !== 'string' || value.length > 8192) return null;
  const fields = new Map<string, string>();
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
  if (fields.get('algorithm')?.toUpperCase() !== ALGORITHM) return null;
  const signature = normalizeSignature(fields.get('signature'));
  if (!signature) return null;
  const rawVersion = fields.get('keyversion');
  if (rawVersion !== undefined && !/^\d{1,9}$/.test(rawVersion)) return null;
  return { algorithm: ALGORITHM, keyVersion: rawVersion === undefined ? null : Number(rawVersion), signature };
}

/** Signs the parts; standard base64. */
export async function sign(engine: CryptoEngine, key: RsaKey, parts: SignedParts): Promise<string> {
  return toBase64(await engine.sign(key, signedContent(parts)));
}

/** Whether `signature` (base64, raw or URL-encoded) verifies the parts with one of `keys`. Never throws. */
export async function verify(engine: CryptoEngine, keys: readonly RsaKey[], parts: SignedParts, signature: string): Promise<boolean> {
  const normalized = normalizeSignature(signature);
  const bytes = normalized ? fromBase64(normalized) : null;
  if (!bytes) return false;
  const content = signedContent(parts);
  for (const key of keys) {
    if (await engine.verify(key, content, bytes).catch(() => false)) return true;
  }
  return false;
}
