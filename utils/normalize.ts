/**
 * What a wallet hands to `success`, `fail`, `failed` or `complete`, made into one result or one
 * `AuthError`. Every field is untrusted input: wrong types, huge strings and hostile keys are
 * expected.
 */
import { isObject, isRecord } from './checks';
import { AuthError, mapPlatformCode, scopeError, tableCode } from './errors';
import { isScopeName } from './scope-names';
import type { AuthCodeResult } from './types';

type Raw = Record<string, unknown>;

/** A wallet error code as reported: a finite number or a short non-empty string. */
function platformCodeOf(raw: unknown): string | number | undefined {
  return Number.isFinite(raw) || (typeof raw === 'string' && raw && raw.length <= 64) ? (raw as string | number) : undefined;
}

/** `authErrorScopes` as a clean map; accepts an object or a JSON string, drops anything odd. */
export function readErrorScopes(value: unknown): Record<string, string> {
  if (typeof value === 'string') {
    try {
      value = value.length > 16384 ? 0 : JSON.parse(value);
    } catch {
      value = 0;
    }
  }
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const key of Object.keys(value)) if (isScopeName(key)) out[key] = String(platformCodeOf(value[key]) ?? '');
  return out;
}

/** A wallet code in `authErrorScopes` is a denial unless it is one of the table's other codes. */
export function isDenial(code: string): boolean {
  return (tableCode(code) ?? 'USER_CANCELLED') === 'USER_CANCELLED';
}

/**
 * What a callback's result stands for: a code (a call can succeed for some scopes and fail for
 * others), else the error, thrown. `success`: the callback that fired (undefined: `complete`,
 * either way).
 * @throws AuthError
 */
export function toOutcome(raw: unknown, requested: string[], success?: boolean): AuthCodeResult {
  const r: Raw = isObject(raw) ? raw : {};
  const rawCode = typeof r.authCode === 'string' ? r.authCode : r.authcode;
  // The code: a non-empty string of at most 4096 characters, without surrounding blanks.
  const authCode = typeof rawCode === 'string' && rawCode.length <= 4096 && rawCode.trim() === rawCode && rawCode;
  const failedScopes = readErrorScopes(r.authErrorScopes);
  const failed = Object.keys(failedScopes);
  // A code counts unless it came to `fail`; `success` without one is an empty result.
  if (authCode && success !== false) {
    // A scope fails only when the wallet says so: some wallets list only part of authSuccessScopes.
    const reported = Array.isArray(r.authSuccessScopes) ? r.authSuccessScopes.filter(isScopeName) : [];
    const grantedScopes = [...new Set(requested.concat(reported))].filter((s) => !failed.includes(s));
    return { authCode, grantedScopes, failedScopes };
  }
  if (success && !failed[0] && r.error === undefined) throw scopeError('EMPTY_RESULT', requested);
  const topCode = platformCodeOf(r.error);
  throw topCode !== undefined
    ? new AuthError(mapPlatformCode(topCode), { platformCode: topCode, scopes: failed[0] ? failed : requested })
    : !failed[0]
      ? scopeError('UNKNOWN', requested)
      : scopeFailure(failedScopes, failed);
}

/**
 * The error for scopes the wallet failed one by one (`authErrorScopes`): a refusal for those it
 * denied when there are any, else the wallet's own code for the rest.
 */
export function scopeFailure(failedScopes: Record<string, string>, failed: string[]): AuthError {
  const denied = failed.filter((s) => isDenial(failedScopes[s] as string));
  // (Scope names are never empty: `denied[0]` is whether any was denied.)
  const scopes = denied[0] ? denied : failed;
  const code = failedScopes[scopes[0] as string] as string;
  return new AuthError(denied[0] ? 'USER_CANCELLED' : mapPlatformCode(code), { platformCode: code || undefined, scopes });
}
