/**
 * What a failed submission means, in one rule for `httpSubmitter`'s answers and for any submit
 * hook's rejection: a refused code (`CODE_REJECTED`: one fresh code follows) or `BACKEND_ERROR`,
 * retryable when transient. Nothing of the failure that contains the auth code is kept.
 */
import { readField } from './checks';
import { AuthError, isTransient, REFUSED_CODES } from './errors';

/** True when a string or key anywhere in a JSON-like value contains the code (the one rule for echoes). */
export function mentionsCode(value: unknown, code: string): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string' && v.includes(code)) return true;
    if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        if (key.includes(code)) return true;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** The kit's error for a backend failure: `code` and `retryable` as the backend (or hook) gave them. */
export function backendError(scopes: readonly string[], authCode: string, status: unknown, code: unknown, retryable: unknown): AuthError {
  const httpStatus = typeof status === 'number' && Number.isFinite(status) ? status : undefined;
  const init = { scopes, status: httpStatus };
  if (typeof code === 'string' && REFUSED_CODES.includes(code)) return new AuthError('CODE_REJECTED', { ...init, platformCode: code, detail: code });
  const platformCode = typeof code === 'number' || (typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) && !mentionsCode(code, authCode)) ? code : undefined;
  return new AuthError('BACKEND_ERROR', { ...init, platformCode, retryable: isTransient(retryable, platformCode, httpStatus), detail: httpStatus ? `HTTP ${httpStatus}` : undefined });
}

/** A submit hook's rejection, read defensively (getters may throw), as the kit's error. */
export function submitError(error: unknown, scopes: readonly string[], authCode: string): AuthError {
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
  const mapped = backendError(scopes, authCode, field('status'), code, field('retryable'));
  // The hook's own message is kept when it is the kit's (httpSubmitter) and safe.
  const message = field('message');
  if (own && typeof message === 'string' && !mentionsCode(message, authCode)) mapped.message = message;
  return mapped;
}
