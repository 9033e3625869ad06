/**
 * What a failed submission means, in one rule for `httpSubmitter`'s answers and for any submit
 * hook's rejection: a refused code (`CODE_REJECTED`: one fresh code follows) or `BACKEND_ERROR`,
 * retryable when transient. Nothing of the failure that contains the auth code is kept.
 */
import { readField } from './checks';
import { AuthError, isTransient, REFUSED_CODES } from './errors';

/**
 * Percent-decoded byte for byte (`%C3%A7` → two characters; a stray `%` stays): the ES1 global
 * every engine has, unlike decodeURIComponent never throwing on the rest of the text.
 */
const bytes = unescape;

/**
 * True when a JSON-like value (its keys too) carries one of the codes: as it is (as JSON text
 * writes it) or percent-encoded, once or twice (met byte for byte: the code's UTF-8 against the
 * decoded text). The one rule for echoes.
 */
export function mentionsCode(value: unknown, codes: readonly string[]): boolean {
  const text = JSON.stringify(value) ?? '';
  const forms = [text, bytes(text), bytes(bytes(text))];
  return codes.some((code) => [JSON.stringify(code).slice(1, -1), bytes(encodeURIComponent(code))].some((trace) => forms.some((form) => form.includes(trace))));
}

/** A backend answer (or none) the kit cannot use, whatever the backend says: final, not retryable. */
export const unusableAnswer = (scopes: readonly string[], detail: string, status?: number): AuthError => new AuthError('BACKEND_ERROR', { scopes, status, retryable: false, detail });

/** The kit's error for a backend failure: `code` and `retryable` as the backend (or hook) gave them. */
export function backendError(scopes: readonly string[], codes: readonly string[], status: unknown, code: unknown, retryable: unknown): AuthError {
  const httpStatus = Number.isFinite(status) ? (status as number) : undefined;
  const init = { scopes, status: httpStatus };
  // (The list holds strings only: anything else is not in it.)
  if (REFUSED_CODES.includes(code as string)) return new AuthError('CODE_REJECTED', { ...init, platformCode: code as string });
  const platformCode = typeof code === 'number' || (typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) && !mentionsCode(code, codes)) ? code : undefined;
  return new AuthError('BACKEND_ERROR', { ...init, platformCode, retryable: isTransient(retryable, platformCode, httpStatus), });
}

/** A submit hook's rejection, read defensively (getters may throw), as the kit's error. */
export function submitError(error: unknown, scopes: readonly string[], codes: readonly string[]): AuthError {
  const field = (key: string) => readField(error, key);
  const platform = field('platformCode');
  const plain = field('code');
  const refused = [platform, plain].find((v) => REFUSED_CODES.includes(v as string));
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
