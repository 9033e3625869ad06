/**
 * The wallet's result codes and what each asks of the merchant (CONTRACT.md, "Server"). Wallets spell
 * some codes differently (Alipay+ v2 writes `INVALID_AUTHCODE` where SuperQi writes `INVALID_CODE`):
 * aliases map them to one canonical code. An unknown `F` is final (`refused`, INVESTIGATE); an
 * unknown `U` may be retried; `U` is transient whatever its code.
 */
import type { ResultStatus, WalletErrorAction, WalletErrorKind } from './errors';

type Meaning = readonly [WalletErrorKind, WalletErrorAction];

const NEW_CODE: Meaning = ['refused', 'NEW_AUTH_CODE'];
const REAUTHORIZE: Meaning = ['refused', 'REAUTHORIZE'];
const REFRESH: Meaning = ['refused', 'REFRESH'];
const TRANSIENT: Meaning = ['transient', 'RETRY_LATER'];
const CONFIG: Meaning = ['config', 'FIX_CONFIG'];
const REQUEST: Meaning = ['request', 'FIX_REQUEST'];
const INVESTIGATE: Meaning = ['refused', 'INVESTIGATE'];

/** Canonical codes (PLATFORM.md) and their meaning. */
export const RESULT_CODES: Readonly<Record<string, Meaning>> = {
  INVALID_CODE: NEW_CODE,
  USED_CODE: NEW_CODE,
  EXPIRED_CODE: NEW_CODE,
  INVALID_REFRESH_TOKEN: REAUTHORIZE,
  EXPIRED_REFRESH_TOKEN: REAUTHORIZE,
  USED_REFRESH_TOKEN: REAUTHORIZE,
  INVALID_ACCESS_TOKEN: REFRESH,
  EXPIRED_ACCESS_TOKEN: REFRESH,
  UNKNOWN_EXCEPTION: TRANSIENT,
  REQUEST_TRAFFIC_EXCEED_LIMIT: TRANSIENT,
  INVALID_SIGNATURE: CONFIG,
  KEY_NOT_FOUND: CONFIG,
  INVALID_AUTH_CLIENT: CONFIG,
  INVALID_API: CONFIG,
  ACCESS_DENIED: CONFIG,
  AUTH_CLIENT_UNSUPPORTED_GRANT_TYPE: CONFIG,
  PARAM_ILLEGAL: REQUEST,
  PROCESS_FAIL: INVESTIGATE,
};

/** Other spellings of the canonical codes, as wallets answer them. */
export const RESULT_CODE_ALIASES: Readonly<Record<string, string>> = {
  // Alipay+ mini program platform, v2 applyToken.
  INVALID_AUTHCODE: 'INVALID_CODE',
  USED_AUTHCODE: 'USED_CODE',
  EXPIRED_AUTHCODE: 'EXPIRED_CODE',
  INVALID_AUTH_CLIENT_STATUS: 'INVALID_AUTH_CLIENT',
  // Alipay+ common codes.
  INVALID_CLIENT_STATUS: 'INVALID_AUTH_CLIENT',
  NO_INTERFACE_DEF: 'INVALID_API',
  METHOD_NOT_SUPPORTED: 'INVALID_API',
  MEDIA_TYPE_NOT_ACCEPTABLE: 'PARAM_ILLEGAL',
  REPEAT_REQ_INCONSISTENT: 'PARAM_ILLEGAL',
};

export interface ResultMeaning {
  kind: WalletErrorKind;
  action: WalletErrorAction;
  /** The canonical code (the alias resolved), or the wallet's own code when it is not in the table. */
  resultCode: string;
}

/** A code as the wallet sent it, kept only when it is a plain code (it lands in errors and logs). */
export const cleanCode = (value: unknown): string | null => (typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : null);

/** What an `F` or `U` answer with `code` means. */
export function meaningOf(status: Exclude<ResultStatus, 'S'>, code: string | null): ResultMeaning {
  const upper = code?.toUpperCase() ?? null;
  const canonical = upper ? (RESULT_CODE_ALIASES[upper] ?? upper) : null;
  const resultCode = canonical ?? 'UNKNOWN';
  if (status === 'U') return { kind: 'transient', action: 'RETRY_LATER', resultCode };
  const known = canonical ? RESULT_CODES[canonical] : undefined;
  // F is final: a code the table calls transient, answered with F, is a refusal to look into.
  const [kind, action] = !known || known[0] === 'transient' ? INVESTIGATE : known;
  return { kind, action, resultCode };
}
