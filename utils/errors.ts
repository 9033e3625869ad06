/** `AuthError`: the one error type the kit rejects with; the wallet's code table; what may be retried. */

export type AuthErrorCode =
  | 'USER_CANCELLED'
  | 'TIMEOUT'
  | 'SERVICE_ERROR'
  | 'PENDING_AGREEMENT'
  | 'NO_PERMISSION'
  | 'EMPTY_RESULT'
  | 'UNKNOWN'
  | 'NOT_IN_MINIAPP'
  | 'INVALID_SCOPE'
  | 'DENIED'
  | 'FIRST_SCREEN'
  | 'CODE_REJECTED'
  | 'BACKEND_ERROR'
  | 'ABORTED';

export const AUTH_ERROR_CODES = /* @__PURE__ */ Object.freeze([
  'USER_CANCELLED',
  'TIMEOUT',
  'SERVICE_ERROR',
  'PENDING_AGREEMENT',
  'NO_PERMISSION',
  'EMPTY_RESULT',
  'UNKNOWN',
  'NOT_IN_MINIAPP',
  'INVALID_SCOPE',
  'DENIED',
  'FIRST_SCREEN',
  'CODE_REJECTED',
  'BACKEND_ERROR',
  'ABORTED',
] as const) satisfies readonly AuthErrorCode[];

/** Codes a caller may simply try again. `BACKEND_ERROR` only when the failure was transient. */
const RETRYABLE: readonly AuthErrorCode[] = ['TIMEOUT', 'SERVICE_ERROR', 'UNKNOWN', 'EMPTY_RESULT'];

export interface AuthErrorInit {
  /** The whole message (default: the code, platform code, `detail` and the scopes). */
  message?: string;
  /** A word the default message adds (`echo`, `not JSON`…): where the failure came from. */
  detail?: string;
  retryable?: boolean;
  platformCode?: string | number;
  scopes?: readonly string[];
  /** HTTP status of a backend answer, when there was one. */
  status?: number;
  /** "Not now" on the kit's consent sheet: the wallet was not asked (see `isConsentDismissed`). */
  dismissed?: true;
  cause?: unknown;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly retryable: boolean;
  readonly platformCode?: string | number;
  readonly scopes: string[];
  readonly status?: number;
  /** `true` on a `USER_CANCELLED` for "Not now" on the kit's consent sheet (absent otherwise). */
  readonly dismissed?: true;

  constructor(code: AuthErrorCode, init: AuthErrorInit = {}) {
    const scopes = [...(init.scopes ?? [])];
    // Short and structured: the code, where it came from (the wallet's or backend's own code, a
    // detail word), and the scopes. `explain(error)` (miniapp-auth-kit/explain) says more.
    const parts = [code, init.platformCode, init.detail, scopes[0] && `[${scopes.join(' ')}]`];
    super(init.message ?? parts.filter((part) => part || part === 0).join(' '));
    this.name = 'AuthError';
    this.code = code;
    this.retryable = init.retryable ?? RETRYABLE.includes(code);
    this.scopes = scopes;
    // Only the fields that have a value: `'status' in error` tells a backend answer.
    for (const key of ['platformCode', 'status', 'cause', 'dismissed'] as const) if (init[key] !== undefined) (this as Record<string, unknown>)[key] = init[key];
  }
}

/** The kit's error for `scopes`, with nothing more to say. */
export const scopeError = (code: AuthErrorCode, scopes: readonly string[]): AuthError => new AuthError(code, { scopes });

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}

/*
 * The two cancellations that are not refusals, read from the error alone (by its fields, not by
 * `instanceof`: an error from another copy of the kit reads the same).
 */

/**
 * "Not now" on the kit's own consent sheet (`<consent-prompt>`, or any presenter's `dismiss()`):
 * the wallet was never asked and nothing was recorded. A refusal in the wallet is a
 * `USER_CANCELLED` without this mark, and is recorded as denied.
 */
export function isConsentDismissed(error: unknown): boolean {
  const e = error as { code?: unknown; dismissed?: unknown } | null;
  return e?.code === 'USER_CANCELLED' && e.dismissed === true;
}

/**
 * The wallet's page was closed without a choice (wallet error 10, the core's `EMPTY_RESULT` with
 * `platformCode` 10): a cancellation, not a refusal, and nothing was recorded. A success without a
 * code is `EMPTY_RESULT` too, but without that platform code: a real failure.
 */
export function isWalletClosed(error: unknown): boolean {
  const e = error as { code?: unknown; platformCode?: unknown } | null;
  // 10 is the one wallet code the table maps to EMPTY_RESULT.
  return e?.code === 'EMPTY_RESULT' && tableCode(e.platformCode) === 'EMPTY_RESULT';
}

/** The wallet error code table of PLATFORM.md (seed 002 plus codes seen on other wallets). */
const PLATFORM_CODES = {
  // No prototype: `__proto__` or `constructor` find nothing.
  __proto__: null,
  3: 'UNKNOWN',
  1000: 'UNKNOWN',
  1001: 'USER_CANCELLED',
  11: 'USER_CANCELLED',
  1002: 'SERVICE_ERROR',
  1005: 'SERVICE_ERROR',
  12: 'SERVICE_ERROR',
  1003: 'TIMEOUT',
  2001: 'PENDING_AGREEMENT',
  4: 'NO_PERMISSION',
  15: 'NO_PERMISSION',
  40006: 'NO_PERMISSION',
  10: 'EMPTY_RESULT',
} as unknown as Record<string, AuthErrorCode>;

/** The table's code for a raw wallet code (number or numeric string), if it has one. */
export function tableCode(raw: unknown): AuthErrorCode | undefined {
  return PLATFORM_CODES[typeof raw === 'number' || typeof raw === 'string' ? String(raw).trim() : ''];
}

/** Maps a raw wallet code to a kit code; anything outside the table is `UNKNOWN`. */
export function mapPlatformCode(raw: unknown): AuthErrorCode {
  return tableCode(raw) ?? 'UNKNOWN';
}

/** Backend answers meaning "this code was refused": the kit gets one fresh code. */
export const REFUSED_CODES: readonly string[] = ['INVALID_CODE', 'USED_CODE', 'EXPIRED_CODE', 'CODE_REJECTED'];

/**
 * A backend failure worth trying again: the backend's own word, else the wallet's U results
 * passed through (PLATFORM.md), no answer at all, 5xx, 429 and 408.
 */
export function isTransient(flag: unknown, platformCode: unknown, status: number | undefined): boolean {
  if (typeof flag === 'boolean') return flag;
  return ['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT'].includes(platformCode as string) || status === undefined || status >= 500 || status === 429 || status === 408;
}
