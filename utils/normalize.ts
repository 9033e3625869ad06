/**
 * Normalises what a wallet hands to `success`, `fail`, `failed` or `complete` into one result or
 * one `AuthError`. Every field is untrusted input: wrong types, huge strings and hostile keys are
 * expected.
 */
import { AuthError, isTablePlatformCode, mapPlatformCode } from './errors';
import type { AuthCodeResult } from './types';
import { isScopeName } from './scopes';

const MAX_CODE_LENGTH = 4096;
const MAX_PLATFORM_CODE_LENGTH = 64;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function readCode(result: Record<string, unknown>): string | undefined {
  const raw = typeof result.authCode === 'string' ? result.authCode : typeof result.authcode === 'string' ? result.authcode : undefined;
  return raw && raw.length <= MAX_CODE_LENGTH && raw.trim() === raw ? raw : undefined;
}

function platformCodeOf(raw: unknown): string | number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && raw.length > 0 && raw.length <= MAX_PLATFORM_CODE_LENGTH) return raw;
  return undefined;
}

/** `authErrorScopes` as a clean map; accepts an object or a JSON string, drops anything odd. */
export function readErrorScopes(raw: unknown): Record<string, string> {
  let value = raw;
  if (typeof value === 'string') {
    if (value.length > 16384) return {};
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  const out: Record<string, string> = {};
  if (!isObject(value) || Array.isArray(value)) return out;
  for (const key of Object.keys(value)) {
    if (!isScopeName(key)) continue;
    const code = platformCodeOf(value[key]);
    out[key] = code === undefined ? '' : String(code);
  }
  return out;
}

function readSuccessScopes(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.filter(isScopeName).filter((s, i, all) => all.indexOf(s) === i);
}

/** A wallet code in `authErrorScopes` is a denial unless it is one of the table's other codes. */
export function isDenial(code: string): boolean {
  return !isTablePlatformCode(code) || mapPlatformCode(code) === 'USER_CANCELLED';
}

/** The error a failed call stands for. */
export function toAuthError(raw: unknown, requested: readonly string[]): AuthError {
  const result = isObject(raw) ? raw : {};
  const errorScopes = readErrorScopes(result.authErrorScopes);
  const failed = Object.keys(errorScopes);
  const scopes = failed.length > 0 ? failed : [...requested];
  const topCode = platformCodeOf(result.error);
  if (topCode !== undefined) {
    return new AuthError(mapPlatformCode(topCode), { platformCode: topCode, scopes });
  }
  if (failed.length > 0) {
    const first = errorScopes[failed[0] as string] as string;
    const denial = failed.find((s) => isDenial(errorScopes[s] as string));
    if (denial !== undefined) {
      const deniedScopes = failed.filter((s) => isDenial(errorScopes[s] as string));
      return new AuthError('USER_CANCELLED', { platformCode: errorScopes[denial] || undefined, scopes: deniedScopes });
    }
    return new AuthError(mapPlatformCode(first), { platformCode: first || undefined, scopes });
  }
  return new AuthError('UNKNOWN', { scopes });
}

/**
 * A success callback's result. A call can succeed for some scopes and fail for others; without a
 * code it is an error (`EMPTY_RESULT`, or the failure its `authErrorScopes` describe).
 */
export function toAuthCodeResult(raw: unknown, requested: readonly string[]): AuthCodeResult | AuthError {
  if (!isObject(raw)) return new AuthError('EMPTY_RESULT', { scopes: requested });
  const authCode = readCode(raw);
  const failedScopes = readErrorScopes(raw.authErrorScopes);
  if (authCode === undefined) {
    if (Object.keys(failedScopes).length > 0 || raw.error !== undefined) return toAuthError(raw, requested);
    return new AuthError('EMPTY_RESULT', { scopes: requested });
  }
  // A scope fails only when the wallet says so: some wallets list only part of authSuccessScopes.
  const reported = readSuccessScopes(raw.authSuccessScopes) ?? [];
  const grantedScopes = [...requested, ...reported.filter((s) => !requested.includes(s))].filter(
    (s) => !Object.prototype.hasOwnProperty.call(failedScopes, s),
  );
  return { authCode, grantedScopes, failedScopes };
}

/** True when a callback result carries a code (used for `complete`, which fires either way). */
export function hasAuthCode(raw: unknown): boolean {
  return isObject(raw) && readCode(raw) !== undefined;
}
