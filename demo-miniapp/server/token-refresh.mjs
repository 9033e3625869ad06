/**
 * Keeping a session's wallet tokens fresh: when the access token has expired (or when asked), the
 * REFRESH_TOKEN grant, once at a time per token row; a refresh token the wallet no longer honours marks
 * the row for a new authorization.
 */
import { WalletError } from 'miniapp-auth-kit/server';
import { HttpError, delay } from './http-util.mjs';

const reauthRequired = () => new HttpError(401, 'REAUTH_REQUIRED', 'the wallet authorization has ended; authorize again');

/**
 * @param {{
 *   store: ReturnType<typeof import('./merchant-store.mjs').openMerchantStore>,
 *   applyToken: (request: { grantType: 'REFRESH_TOKEN', refreshToken: string }) => Promise<import('miniapp-auth-kit/server').TokenGrant>,
 *   toHttpError: (error: unknown, during: string) => HttpError,
 *   now: () => number,
 *   refreshMarginMs: number,
 *   rotationWaitMs: number,
 *   logger: { warn(message: string): void },
 * }} deps
 */
export function createTokenRefresher({ store, applyToken, toHttpError, now, refreshMarginMs, rotationWaitMs, logger }) {
  /** Refreshes under way, by token row. */
  /** @type {Map<number, Promise<void>>} */
  const refreshes = new Map();

  /**
   * Refreshes the wallet tokens behind a session when the access token has expired (or when forced).
   * @param {import('./merchant-store.mjs').SessionRecord} session
   * @param {boolean} force
   * @returns {Promise<boolean>} whether a refresh happened
   */
  async function ensureFresh(session, force) {
    if (session.reauthRequired) throw reauthRequired();
    if (!force && now() < session.accessExpiresAt - refreshMarginMs) return false;
    let pending = refreshes.get(session.tokenId);
    if (!pending) {
      pending = refresh(session).finally(() => refreshes.delete(session.tokenId));
      refreshes.set(session.tokenId, pending);
    }
    await pending;
    return true;
  }

  /**
   * Whether the row's refresh token changes from `used` within `rotationWaitMs`: another process's
   * refresh of the same row, whose wallet answer had not come back when this one was refused.
   * @param {number} tokenId @param {string} used
   */
  async function rotatedElsewhere(tokenId, used) {
    for (const deadline = Date.now() + rotationWaitMs; ; ) {
      if (store.readTokens(tokenId).refreshToken !== used) return true;
      if (Date.now() >= deadline) return false;
      await delay(50);
    }
  }

  /** @param {import('./merchant-store.mjs').SessionRecord} session */
  async function refresh(session) {
    const { refreshToken } = store.readTokens(session.tokenId);
    if (!refreshToken || (session.refreshExpiresAt !== null && now() >= session.refreshExpiresAt)) {
      store.markReauth(session.tokenId);
      throw reauthRequired();
    }
    try {
      store.replaceTokens(session.tokenId, await applyToken({ grantType: 'REFRESH_TOKEN', refreshToken }), now());
    } catch (error) {
      // INVALID_, USED_ or EXPIRED_REFRESH_TOKEN: the wallet no longer honours this refresh token.
      if (error instanceof WalletError && error.action === 'REAUTHORIZE') {
        // Another process rotated the token meanwhile: its new tokens stand (they may still be on their
        // way from the wallet: wait for them as long as one wallet request may take).
        if (error.resultCode === 'USED_REFRESH_TOKEN' && (await rotatedElsewhere(session.tokenId, refreshToken))) return;
        logger.warn(`refresh refused by the wallet (${error.resultCode}); the user must authorize again`);
        store.markReauth(session.tokenId);
        throw reauthRequired();
      }
      throw toHttpError(error, 'applyToken (REFRESH_TOKEN)');
    }
  }

  return { ensureFresh, pending: () => [...refreshes.values()] };
}
