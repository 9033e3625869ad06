/**
 * What the merchant backend answers the miniapp when something fails: the wallet's refusals of a code
 * (the kit then gets one fresh code), transient wallet trouble (retryable 503), answers that cannot be
 * trusted and the wallet's other refusals (502), and internal errors (500). Log lines name what
 * failed, never a code or a token (a `WalletError`'s message holds neither).
 */
import { WalletError } from 'miniapp-auth-kit/server';
import { HttpError } from './http-util.mjs';

/** The wallet's refusals of a code, and the HTTP status each is answered with. */
/** @type {Record<string, number>} */
const CODE_REFUSALS = { INVALID_CODE: 400, USED_CODE: 409, EXPIRED_CODE: 410 };

/** @param {unknown} resultCode @returns {resultCode is string} */
export const isCodeRefusal = (resultCode) => typeof resultCode === 'string' && Object.hasOwn(CODE_REFUSALS, resultCode);

/**
 * The answer to a code the wallet refused (now or earlier).
 * @param {string} resultCode one of INVALID_CODE, USED_CODE, EXPIRED_CODE
 */
export function codeRefused(resultCode) {
  return new HttpError(CODE_REFUSALS[resultCode] ?? 400, resultCode, `the wallet refused the code (${resultCode})`);
}

/** The same code again, not from whoever sent it first (or past the replay window). */
export const codeUsed = () => new HttpError(409, 'USED_CODE', 'this code was used already');

/**
 * @param {{ warn(message: string): void, error(message: string): void }} logger
 */
export function createErrorMapper(logger) {
  /**
   * @param {unknown} error
   * @param {string} during for the log
   * @returns {HttpError}
   */
  return function toHttpError(error, during) {
    if (error instanceof HttpError) return error;
    if (error instanceof WalletError) {
      logger.warn(`${during} failed: ${error.message}`);
      const code = error.resultCode;
      if (error.action === 'NEW_AUTH_CODE' && isCodeRefusal(code)) return codeRefused(code);
      if (error.retryable) return new HttpError(503, 'BACKEND_ERROR', 'the wallet is unavailable; try again');
      return new HttpError(502, 'BACKEND_ERROR', error.kind === 'untrusted' ? 'the wallet answer could not be trusted' : `the wallet refused the request (${code ?? error.kind})`);
    }
    // Only the error's name (and a typed code): messages of other errors may carry anything.
    const typed = /** @type {{ code?: unknown }} */ (error)?.code;
    logger.error(`${during} failed: ${error instanceof Error ? error.name : 'error'}${typeof typed === 'string' ? ` (${typed})` : ''}`);
    return new HttpError(500, 'BACKEND_ERROR', 'internal error');
  };
}
