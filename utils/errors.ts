/** `AuthError`: the one error type the kit rejects with, and the wallet code table. */

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

export const AUTH_ERROR_CODES: readonly AuthErrorCode[] = [
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
];

const MESSAGES: Record<AuthErrorCode, string> = {
  USER_CANCELLED: 'The user declined the authorization.',
  TIMEOUT: 'The wallet did not answer in time.',
  SERVICE_ERROR: 'The wallet service failed.',
  PENDING_AGREEMENT: 'The user has an agreement to accept in the wallet first.',
  NO_PERMISSION: 'This miniapp or page may not request these scopes.',
  EMPTY_RESULT: 'The wallet returned no authorization code.',
  UNKNOWN: 'The wallet reported an unknown error.',
  NOT_IN_MINIAPP: 'No wallet host (my.getAuthCode or AlipayJSBridge) is available.',
  INVALID_SCOPE: 'Invalid scope.',
  DENIED: 'The user declined these scopes earlier; ask again from a user gesture.',
  FIRST_SCREEN: 'A consent prompt was asked for before the user engaged with the page.',
  CODE_REJECTED: 'The backend refused the authorization code.',
  BACKEND_ERROR: 'The backend submission failed.',
  ABORTED: 'The authorization was aborted.',
};

/** Codes a caller may simply try again. `BACKEND_ERROR` only when the failure was transient. */
const RETRYABLE = new Set<AuthErrorCode>(['TIMEOUT', 'SERVICE_ERROR', 'UNKNOWN', 'EMPTY_RESULT']);

export interface AuthErrorInit {
  message?: string;
  retryable?: boolean;
  platformCode?: string | number;
  scopes?: readonly string[];
  /** HTTP status of a backend answer, when there was one. */
  status?: number;
  cause?: unknown;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly retryable: boolean;
  readonly platformCode?: string | number;
  readonly scopes: string[];
  readonly status?: number;

  constructor(code: AuthErrorCode, init: AuthErrorInit = {}) {
    super(init.message ?? MESSAGES[code]);
    // Keep instanceof working when compiled to ES5-style classes.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'AuthError';
    this.code = code;
    this.retryable = init.retryable ?? RETRYABLE.has(code);
    if (init.platformCode !== undefined) this.platformCode = init.platformCode;
    this.scopes = init.scopes ? [...init.scopes] : [];
    if (init.status !== undefined) this.status = init.status;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}

/** The wallet error code table of PLATFORM.md (seed 002 plus codes seen on other wallets). */
const PLATFORM_CODES: Record<string, AuthErrorCode> = {
  '3': 'UNKNOWN',
  '1000': 'UNKNOWN',
  '1001': 'USER_CANCELLED',
  '11': 'USER_CANCELLED',
  '1002': 'SERVICE_ERROR',
  '1005': 'SERVICE_ERROR',
  '12': 'SERVICE_ERROR',
  '1003': 'TIMEOUT',
  '2001': 'PENDING_AGREEMENT',
  '4': 'NO_PERMISSION',
  '15': 'NO_PERMISSION',
  '40006': 'NO_PERMISSION',
  '10': 'EMPTY_RESULT',
};

/** Maps a raw wallet code (number or numeric string) to a kit code; anything else is `UNKNOWN`. */
export function mapPlatformCode(raw: unknown): AuthErrorCode {
  const key = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return Object.prototype.hasOwnProperty.call(PLATFORM_CODES, key) ? (PLATFORM_CODES[key] as AuthErrorCode) : 'UNKNOWN';
}

/** True when the raw code is one of the table's codes (used to tell denials in `authErrorScopes`). */
export function isTablePlatformCode(raw: unknown): boolean {
  const key = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return Object.prototype.hasOwnProperty.call(PLATFORM_CODES, key);
}

/** Backend answers meaning "this code was refused": the kit gets one fresh code. */
export const REFUSED_CODE_ERRORS: readonly string[] = ['INVALID_CODE', 'USED_CODE', 'EXPIRED_CODE', 'CODE_REJECTED'];
