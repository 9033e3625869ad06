/**
 * `WalletError`: the one error the wallet client rejects with. Its fields say what happened (`kind`)
 * and what the merchant's code should do next (`action`); its message and fields never hold an auth
 * code, a token, a key or a response body.
 */

export type WalletErrorKind = 'refused' | 'transient' | 'untrusted' | 'config' | 'request' | 'network' | 'timeout';

export type WalletErrorAction = 'NEW_AUTH_CODE' | 'REFRESH' | 'REAUTHORIZE' | 'RETRY_LATER' | 'FIX_CONFIG' | 'FIX_REQUEST' | 'INVESTIGATE';

export type ResultStatus = 'S' | 'F' | 'U';

export interface WalletErrorInit {
  kind: WalletErrorKind;
  action: WalletErrorAction;
  /** The OpenAPI concerned, e.g. `applyToken`. */
  api: string;
  resultStatus?: ResultStatus | null;
  /** The canonical code (an alias such as `INVALID_AUTHCODE` reads `INVALID_CODE`). */
  resultCode?: string | null;
  /** The code exactly as the wallet sent it, when it was a plain code. */
  walletResultCode?: string | null;
  httpStatus?: number | null;
  /** Whether the answer that carried the outcome was signed and verified. */
  verified?: boolean;
  /** What went wrong, in words that hold no secret (added after the kind and code). */
  detail?: string;
  cause?: unknown;
}

const RETRYABLE_KINDS: readonly WalletErrorKind[] = ['transient', 'timeout', 'network'];

export class WalletError extends Error {
  readonly kind: WalletErrorKind;
  readonly action: WalletErrorAction;
  /** True exactly for `transient`, `timeout` and `network`. */
  readonly retryable: boolean;
  readonly api: string;
  readonly resultStatus: ResultStatus | null;
  /** Canonical: compare it with the contract's names whatever the wallet's spelling. */
  readonly resultCode: string | null;
  /** The wallet's own spelling of `resultCode`. */
  readonly walletResultCode: string | null;
  readonly httpStatus: number | null;
  readonly verified: boolean;
  /** What failed underneath (a network error's code), when anything did; never a body. */
  declare readonly cause?: unknown;

  constructor(init: WalletErrorInit) {
    const code = init.resultCode ? ` ${init.resultCode}` : init.httpStatus ? ` HTTP ${init.httpStatus}` : '';
    super(`${init.api}: ${init.kind}${code}${init.detail ? ` (${init.detail})` : ''} → ${init.action}`);
    // Set by hand: the kit's TypeScript targets ES2020, whose Error takes no options.
    if (init.cause !== undefined) Object.defineProperty(this, 'cause', { value: init.cause, writable: true, configurable: true });
    this.name = 'WalletError';
    this.kind = init.kind;
    this.action = init.action;
    this.retryable = RETRYABLE_KINDS.includes(init.kind);
    this.api = init.api;
    this.resultStatus = init.resultStatus ?? null;
    this.resultCode = init.resultCode ?? null;
    this.walletResultCode = init.walletResultCode ?? init.resultCode ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.verified = init.verified ?? false;
  }
}
