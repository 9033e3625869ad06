/**
 * The backend's own sessions, as the page reaches them: a bearer session id in, the session's answer
 * (`GET /api/me`, `POST /api/auth/refresh`) out, refreshing the wallet tokens behind it when due.
 */
import { sha256 } from './code-exchange.mjs';
import { isScopeList } from './scope-names.mjs';
import { HttpError, sendJson } from './http-util.mjs';

/** What a session id looks like (base64url of random bytes); anything else is no session. */
export const SESSION_ID_RE = /^[A-Za-z0-9_-]{20,128}$/;

/**
 * The `scope` query parameter of GET /api/me: the scopes the page holds now (space or comma
 * separated), or null when absent.
 * @param {import('node:http').IncomingMessage} req
 * @returns {string[] | null}
 */
export function requestedScopes(req) {
  const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.get('scope');
  if (raw === null) return null;
  const scopes = raw.split(/[\s,]+/).filter(Boolean);
  if (raw.length > 2048 || !isScopeList(scopes)) {
    throw new HttpError(400, 'BAD_REQUEST', 'scope must list scope names, space or comma separated');
  }
  return scopes;
}

/**
 * @param {{
 *   store: ReturnType<typeof import('./merchant-store.mjs').openMerchantStore>,
 *   now: () => number,
 *   ensureFresh: ReturnType<typeof import('./token-refresh.mjs').createTokenRefresher>['ensureFresh'],
 *   profileOf: ReturnType<typeof import('./profile.mjs').createProfileReader>,
 * }} deps
 */
export function createSessionReader({ store, now, ensureFresh, profileOf }) {
  /** @param {string} sessionId */
  function sessionById(sessionId) {
    const idHash = sha256(sessionId);
    const session = store.findSession(idHash, now());
    if (!session) throw new HttpError(401, 'SESSION_EXPIRED', 'unknown or expired session');
    return { idHash, session };
  }

  /** The session named by `Authorization: Bearer <sessionId>` (401 otherwise). @param {import('node:http').IncomingMessage} req */
  function authenticate(req) {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match || !SESSION_ID_RE.test(/** @type {string} */ (match[1]))) throw new HttpError(401, 'SESSION_EXPIRED', 'send Authorization: Bearer <sessionId>');
    return sessionById(/** @type {string} */ (match[1]));
  }

  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {boolean} force refresh the tokens even when the access token is still valid
   * @param {boolean} withProfile add `profile` (asks the wallet's inquiryUserInfo)
   * @param {string[] | null} [only] answer for these of the session's scopes only (the page's current grant)
   */
  async function answer(req, res, force, withProfile, only = null) {
    req.resume();
    const { idHash, session: before } = authenticate(req);
    const refreshed = await ensureFresh(before, force);
    const fresh = refreshed ? store.findSession(idHash, now()) ?? before : before;
    // The stored scopes add up everything the customer ever allowed; the page asks for its own grant.
    const session = only ? { ...fresh, scopes: fresh.scopes.filter((s) => only.includes(s)) } : fresh;
    sendJson(res, 200, {
      ...(session.customerId ? { customerId: session.customerId } : {}),
      scopes: session.scopes,
      expiresAt: session.expiresAt,
      accessTokenExpiresAt: session.accessExpiresAt,
      refreshTokenExpiresAt: session.refreshExpiresAt,
      refreshed,
      ...(withProfile ? { profile: await profileOf(session) } : {}),
    });
  }

  return { sessionById, authenticate, answer };
}
