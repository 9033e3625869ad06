/**
 * What a failed `submit` hook means for the kit: a refused code (one fresh code follows) or a
 * backend error. The hook's error is application input: its fields are read defensively (getters
 * may throw) and nothing of it that contains the auth code is kept.
 */
import { readField } from './checks';
import { AuthError, REFUSED_CODE_ERRORS } from './errors';

/** Wallet results a backend may pass through that are worth retrying (PLATFORM.md: U status). */
const RETRYABLE_PLATFORM = new Set(['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT']);

/** The refusal code (`INVALID_CODE`…) when the hook says the code was refused. */
export function refusedCode(error: unknown): string | undefined {
  for (const key of ['platformCode', 'code']) {
    const value = readField(error, key);
    if (typeof value === 'string' && REFUSED_CODE_ERRORS.includes(value)) return value;
  }
  return undefined;
}

/** True when `text` mentions the auth code. */
function mentions(text: unknown, authCode: string): boolean {
  return typeof text === 'string' && authCode.length > 0 && text.includes(authCode);
}

/** The error the kit reports for a failed submission: refused, or a backend error. */
export function submitError(error: unknown, scopes: readonly string[], authCode: string): AuthError {
  const refused = refusedCode(error);
  if (refused !== undefined) return new AuthError('CODE_REJECTED', { scopes, platformCode: refused });
  const status = readField(error, 'status');
  const code = readField(error, 'code');
  const platform = readField(error, 'platformCode');
  const raw = typeof platform === 'string' || typeof platform === 'number' ? platform : code;
  const platformCode = (typeof raw === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(raw) && !mentions(raw, authCode)) || typeof raw === 'number' ? raw : undefined;
  const flag = readField(error, 'retryable');
  const httpStatus = typeof status === 'number' && Number.isFinite(status) ? status : undefined;
  const retryable =
    typeof flag === 'boolean'
      ? flag
      : (typeof platformCode === 'string' && RETRYABLE_PLATFORM.has(platformCode)) ||
        httpStatus === undefined ||
        httpStatus >= 500 ||
        httpStatus === 429 ||
        httpStatus === 408;
  const message = readField(error, 'message');
  const init: ConstructorParameters<typeof AuthError>[1] = { retryable, scopes };
  // The hook's own message is kept when it is the kit's (httpSubmitter) and safe.
  let own = false;
  try {
    own = error instanceof AuthError;
  } catch {
    // A revoked Proxy throws on the prototype lookup.
  }
  if (own && typeof message === 'string' && !mentions(message, authCode)) init.message = message;
  if (httpStatus !== undefined) init.status = httpStatus;
  if (platformCode !== undefined) init.platformCode = platformCode as string | number;
  return new AuthError('BACKEND_ERROR', init);
}
