/**
 * What a wallet failure means for the page: the answer the auth server gives (and the kit reads),
 * from the `WalletError`'s kind and action. A refused code answers its own code, so that the kit
 * fetches one fresh code; anything transient is a retryable 503; anything else is the merchant's to
 * fix (502, logged).
 */
import { WalletError } from '../openapi/errors';
import { SIGNED_REPEATS } from '../openapi/answer';
import { AuthServerError } from './answers';
import { StoreBusyError } from '../store/types';

const CODE_STATUS: Record<string, number> = { INVALID_CODE: 400, USED_CODE: 409, EXPIRED_CODE: 410 };

/** The answer to a code the wallet refused (also when remembered from an earlier refusal). */
export function codeRefusal(resultCode: string): AuthServerError {
  const status = CODE_STATUS[resultCode];
  return status ? new AuthServerError(status, resultCode, 'the wallet refused this code; get a new one') : new AuthServerError(502, 'BACKEND_ERROR', `the wallet refused the exchange (${resultCode})`, { retryable: false });
}

/**
 * Whether the wallet signed this outcome: a verified answer, or a signed refusal seen before (the same
 * verdict twice in one second; its signature checked, see SIGNED_REPEATS). An unsigned `F` could come
 * from anyone on the path to the wallet.
 */
const walletSigned = (error: WalletError): boolean => error.verified || SIGNED_REPEATS.has(error);

/** Whether the wallet itself said `action`: only its word may settle a code or refresh, end or drop a grant. */
export const walletSaid = (error: unknown, action: WalletError['action']): error is WalletError =>
  error instanceof WalletError && walletSigned(error) && error.action === action;

/** The result code to remember for this failure, when it settles the code for good. */
export function refusedCode(error: unknown): string | null {
  return walletSaid(error, 'NEW_AUTH_CODE') && error.kind === 'refused' && error.resultCode ? error.resultCode : null;
}

export interface FailureLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Any failure as the answer to give; unexpected ones are logged (without secrets: none reach here). */
export function toApiError(error: unknown, during: string, logger: FailureLogger): AuthServerError {
  if (error instanceof AuthServerError) return error;
  if (error instanceof StoreBusyError) return new AuthServerError(503, 'BACKEND_ERROR', 'the store is busy; try again');
  if (error instanceof WalletError) {
    if (error.retryable) return new AuthServerError(503, 'BACKEND_ERROR', 'the wallet is not answering now; try again');
    // Verified or not, a refused code only makes the kit get a fresh one (harmless); only a verified
    // refusal is remembered (refusedCode).
    if (error.action === 'NEW_AUTH_CODE' && error.resultCode) return codeRefusal(error.resultCode);
    if (!walletSigned(error) && error.kind === 'refused') {
      // Not the wallet's word (unsigned: a gateway's error, or someone on the path): the grant stays as
      // it is; a retry asks again.
      logger.warn(`${during}: ${error.message}; the answer could not be verified, so the grant was left as it is`);
      return new AuthServerError(503, 'BACKEND_ERROR', 'the wallet answer could not be verified; try again');
    }
    if (error.action === 'REAUTHORIZE') return new AuthServerError(401, 'REAUTH_REQUIRED', 'the wallet authorization has ended; authorize again');
    logger.error(`${during}: ${error.message}`);
    return new AuthServerError(502, 'BACKEND_ERROR', 'the wallet exchange failed', { retryable: false });
  }
  logger.error(`${during}: ${error instanceof Error ? `${error.name}: ${error.message}` : 'failed'}`);
  return new AuthServerError(500, 'BACKEND_ERROR', 'internal error', { retryable: true });
}
