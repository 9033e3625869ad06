/**
 * The exchange of an auth code for the user's tokens, once per code, also across processes sharing the
 * database; and what the same code gets when it comes again:
 * - the same request again (same `Idempotency-Key`), within the replay window: the session it opened,
 *   also while the first exchange is still under way (here or in another process);
 * - anything else (another key, no key, later): USED_CODE; a stored session is never handed to a
 *   request that cannot show the key the first one came with;
 * - a code the wallet refused: the same refusal, from memory, without another signed call.
 * A claim row in the database marks an exchange under way; claims whose owner is gone are cleared.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HttpError, delay } from './http-util.mjs';
import { claimOwnerIsGone } from './claim-owner.mjs';
import { codeRefused, codeUsed, isCodeRefusal } from './wallet-errors.mjs';

/** @param {string} value */
export const sha256 = (value) => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * @typedef {{ sessionId: string, customerId?: string, scopes: string[], expiresAt: number }} SessionView
 */

/**
 * @param {{
 *   store: ReturnType<typeof import('./merchant-store.mjs').openMerchantStore>,
 *   applyToken: (request: { grantType: 'AUTHORIZATION_CODE', authCode: string }) => Promise<import('miniapp-auth-kit/server').TokenGrant>,
 *   toHttpError: (error: unknown, during: string) => HttpError,
 *   owner: { id: string },
 *   now: () => number,
 *   replayWindowMs: number,
 *   requestTimeoutMs: number,
 *   sessionTtlMs: number,
 *   logger: { info?(message: string): void },
 * }} deps
 */
export function createCodeExchanger({ store, applyToken, toHttpError, owner, now, replayWindowMs, requestTimeoutMs, sessionTtlMs, logger }) {
  // An exchange cannot take longer than the wallet's time-out; a claim older than that (with some
  // margin) was left by a process that cannot be checked (another machine).
  const staleClaimMs = requestTimeoutMs + 5_000;
  /** Exchanges under way in this process, by code hash. */
  /** @type {Map<string, { idemHash: string | null, promise: Promise<SessionView> }>} */
  const underWay = new Map();

  /**
   * @param {string} authCode
   * @param {string[]} scopes
   * @param {string | undefined} idempotencyKey
   * @returns {Promise<SessionView>}
   */
  function exchange(authCode, scopes, idempotencyKey) {
    const codeHash = sha256(authCode);
    const idemHash = idempotencyKey === undefined ? null : sha256(idempotencyKey);
    const current = underWay.get(codeHash);
    if (current) {
      // The same request again shares the exchange; any other request for the code is refused.
      return idemHash !== null && current.idemHash === idemHash ? current.promise : Promise.reject(codeUsed());
    }
    const promise = exchangeOnce(authCode, codeHash, idemHash, scopes).finally(() => underWay.delete(codeHash));
    underWay.set(codeHash, { idemHash, promise });
    return promise;
  }

  /** @param {string} authCode @param {string} codeHash @param {string | null} idemHash @param {string[]} scopes */
  async function exchangeOnce(authCode, codeHash, idemHash, scopes) {
    const settled = await claim(codeHash, idemHash);
    if (settled) return settled;
    let grant;
    try {
      grant = await applyToken({ grantType: 'AUTHORIZATION_CODE', authCode });
    } catch (error) {
      const failure = toHttpError(error, 'applyToken (AUTHORIZATION_CODE)');
      // A refusal is final for this code: remembered, so that the same code costs no second call.
      if (isCodeRefusal(failure.code)) store.refuseCode(codeHash, failure.code, now(), owner.id);
      else store.releaseCode(codeHash, owner.id);
      throw failure;
    }
    try {
      const sessionId = randomBytes(32).toString('base64url');
      const t = now();
      const expiresAt = t + sessionTtlMs;
      const stored = store.completeExchange({ codeHash, idemHash, grant, scopes, sessionId, sessionIdHash: sha256(sessionId), sessionExpiresAt: expiresAt, t });
      logger.info?.(`code ${codeHash.slice(0, 8)} exchanged; session opened for customer ${grant.customerId ?? '(none)'}`);
      return view(sessionId, grant.customerId, stored.scopes, expiresAt);
    } catch (error) {
      store.releaseCode(codeHash, owner.id);
      throw error;
    }
  }

  /**
   * Claims the code for an exchange by this backend (resolves null), or settles the request from what
   * the database knows: a refusal, a stored session, another request's exchange.
   * @param {string} codeHash @param {string | null} idemHash
   * @returns {Promise<SessionView | null>}
   */
  async function claim(codeHash, idemHash) {
    const giveUpAt = Date.now() + staleClaimMs;
    for (;;) {
      const refusal = store.findRefusal(codeHash);
      if (refusal !== undefined) throw codeRefused(refusal);
      const record = store.findCode(codeHash);
      if (record?.state === 'done') return replay(record, idemHash);
      if (!record) {
        if (store.claimCode(codeHash, now(), idemHash, owner.id)) return null;
        continue;
      }
      // Under way elsewhere. A claim whose owner is gone will never be finished: cleared at once.
      if (claimOwnerIsGone(record.owner) || now() - record.claimedAt > staleClaimMs) {
        store.releaseCode(codeHash, record.owner);
        continue;
      }
      if (idemHash === null || record.idemHash !== idemHash) throw codeUsed();
      if (Date.now() > giveUpAt) throw new HttpError(503, 'BACKEND_ERROR', 'this code is being exchanged elsewhere; try again');
      await delay(50);
    }
  }

  /**
   * A code exchanged already: its session again for the same request within the replay window.
   * (The key hashes are compared, not the keys: nothing to learn from the time a comparison takes.)
   * @param {import('./merchant-store.mjs').CodeRecord} record @param {string | null} idemHash
   */
  function replay(record, idemHash) {
    const fresh = record.doneAt !== null && now() - record.doneAt <= replayWindowMs;
    const session = fresh && idemHash !== null && record.idemHash === idemHash && record.sessionId ? store.findSession(sha256(record.sessionId), now()) : undefined;
    if (!session || !record.sessionId) throw codeUsed();
    return view(record.sessionId, session.customerId, session.scopes, session.expiresAt);
  }

  return {
    exchange,
    /** Exchanges under way in this process (to let them finish on close). */
    pending: () => [...underWay.values()].map((e) => e.promise),
  };
}

/** @param {string} sessionId @param {string | null} customerId @param {string[]} scopes @param {number} expiresAt @returns {SessionView} */
function view(sessionId, customerId, scopes, expiresAt) {
  // customerId is the wallet's id of the user for this merchant, not a credential: the page may show it.
  return { sessionId, ...(customerId ? { customerId } : {}), scopes, expiresAt };
}
