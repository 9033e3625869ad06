/**
 * What a failed submission means, in one rule for `httpSubmitter`'s answers and for any submit
 * hook's rejection: a refused code (`CODE_REJECTED`: one fresh code follows) or `BACKEND_ERROR`,
 * retryable when transient. Nothing of the failure that contains the auth code is kept.
 */
import { readField } from './checks';
import { AuthError, isTransient, REFUSED_CODES } from './errors';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Percent-decoded, byte for byte (`%C3%A7` → two characters, as the code's UTF-8 below). */
const bytes = (s: string) => s.replace(/%([\da-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Base64 of a byte string, unpadded (the last characters may hold bits of nothing). */
function base64(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const n = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    for (let shift = 18; shift >= 0; shift -= 6) out += B64.charAt((n >> shift) & 63);
  }
  return out;
}

/**
 * What a backend's answer may carry of a code: the code, its UTF-8 bytes (met in a percent-decoded
 * string) and, for a code long enough that a match is no accident, the base64 and base64url of
 * those bytes at each of the three alignments (inside a longer base64 value: a JWT, a blob).
 */
function traces(code: string): string[] {
  const utf8 = bytes(encodeURIComponent(code));
  const out = [code, utf8];
  for (let k = 0; k < 3; k++) {
    const b64 = base64('\0'.repeat(k) + utf8).slice(Math.ceil((4 * k) / 3), Math.floor((4 * (k + utf8.length)) / 3));
    if (b64.length >= 16) out.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/**
 * True when a string or key anywhere in a JSON-like value carries one of the codes: as it is,
 * percent-encoded (once or twice) or in base64 (the one rule for echoes).
 */
export function mentionsCode(value: unknown, codes: readonly string[]): boolean {
  const found = ([] as string[]).concat(...codes.map(traces));
  const carries = (s: string) => [s, bytes(s), bytes(bytes(s))].some((form) => found.some((trace) => form.includes(trace)));
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string' && carries(v)) return true;
    if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        if (carries(key)) return true;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** The kit's error for a backend failure: `code` and `retryable` as the backend (or hook) gave them. */
export function backendError(scopes: readonly string[], codes: readonly string[], status: unknown, code: unknown, retryable: unknown): AuthError {
  const httpStatus = typeof status === 'number' && Number.isFinite(status) ? status : undefined;
  const init = { scopes, status: httpStatus };
  if (typeof code === 'string' && REFUSED_CODES.includes(code)) return new AuthError('CODE_REJECTED', { ...init, platformCode: code, detail: code });
  const platformCode = typeof code === 'number' || (typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) && !mentionsCode(code, codes)) ? code : undefined;
  return new AuthError('BACKEND_ERROR', { ...init, platformCode, retryable: isTransient(retryable, platformCode, httpStatus), detail: httpStatus ? `HTTP ${httpStatus}` : undefined });
}

/** A submit hook's rejection, read defensively (getters may throw), as the kit's error. */
export function submitError(error: unknown, scopes: readonly string[], codes: readonly string[]): AuthError {
  const field = (key: string) => readField(error, key);
  const platform = field('platformCode');
  const plain = field('code');
  const refused = [platform, plain].find((v) => typeof v === 'string' && REFUSED_CODES.includes(v));
  const code = refused ?? (typeof platform === 'string' || typeof platform === 'number' ? platform : plain);
  let own = false;
  try {
    own = error instanceof AuthError;
  } catch {
    // A revoked Proxy throws on the prototype lookup.
  }
  const mapped = backendError(scopes, codes, field('status'), code, field('retryable'));
  // The hook's own message is kept when it is the kit's (httpSubmitter) and safe.
  const message = field('message');
  if (own && typeof message === 'string' && !mentionsCode(message, codes)) mapped.message = message;
  return mapped;
}
