/**
 * The reference merchant backend: takes `{ authCode, scopes }` from the miniapp (the kit's
 * `httpSubmitter`), exchanges the code with the wallet's applyToken, keeps the wallet's tokens encrypted
 * in SQLite and answers with its OWN session only. The access and refresh tokens never leave the server;
 * auth codes and tokens are never logged nor stored in clear (codes only as SHA-256).
 *
 * Routes (JSON; errors are `{ "error": { code, message, retryable } }`):
 * - `POST /api/auth/session` `{ authCode, scopes }` (header `Idempotency-Key`, one random value per code)
 *     → 200 `{ sessionId, customerId?, scopes, expiresAt }`. The same code again with the same key (also
 *     concurrently, also through another process on the database) → the same session, exchanged once,
 *     within `replayWindowMs`; with another key or none → 409 USED_CODE (code-exchange.mjs).
 * - `GET  /api/me[?scope=USER_NAME+USER_AVATAR]` (Authorization: Bearer <sessionId>) → session info,
 *     refreshing expired tokens, and `profile: { name?, avatar?, phone? }` from the wallet's
 *     inquiryUserInfo (signed both ways), each field only when the scopes cover it (USER_NAME,
 *     USER_AVATAR, USER_CONTACTINFO); `{}` when they cover none (no wallet call); `null` when the wallet
 *     call fails (the rest is still answered). `scope` (space or comma separated) narrows the answer to
 *     the page's current grant: the customer's token also reaches what they allowed before a sign-out.
 * - `POST /api/auth/refresh`  (Bearer) → the same, forcing a refresh-token grant
 * - `POST /api/auth/logout`   (Bearer) → 204
 * Error codes: 400 BAD_REQUEST, 413 PAYLOAD_TOO_LARGE, 415 BAD_REQUEST (a POST body not declared JSON),
 * 405 METHOD_NOT_ALLOWED, 421 MISDIRECTED_REQUEST (standalone server, another Host);
 * refused codes 400 INVALID_CODE, 409 USED_CODE, 410 EXPIRED_CODE (the kit fetches one fresh code);
 * 429 TOO_MANY_ATTEMPTS + Retry-After (attempts per client address, attempt-limiter.mjs);
 * 503 BACKEND_ERROR retryable (wallet U result, HTTP 5xx/429, unreachable, timeout);
 * 502 BACKEND_ERROR not retryable (wallet answer unsigned / badly signed / unreadable, or another F
 * result such as ACCESS_DENIED: a configuration problem); 500 BACKEND_ERROR (internal);
 * 401 SESSION_EXPIRED (no such session) and 401 REAUTH_REQUIRED (the wallet no longer accepts the
 * refresh token: authorize again).
 */
import { dirname } from 'node:path';
import { openMerchantStore } from './merchant-store.mjs';
import { isInMemory } from './store-schema.mjs';
import { createTokenCipher } from './token-crypto.mjs';
import { resolveBackendOptions } from './backend-options.mjs';
import { createAttemptLimiter } from './attempt-limiter.mjs';
import { claimOwnerIsGone, newClaimOwner } from './claim-owner.mjs';
import { createCodeExchanger } from './code-exchange.mjs';
import { createTokenRefresher } from './token-refresh.mjs';
import { createProfileReader } from './profile.mjs';
import { createErrorMapper } from './wallet-errors.mjs';
import { makePrivateDir } from './private-files.mjs';
import { createJsonRouter } from './json-routes.mjs';
import { SESSION_ID_RE, createSessionReader, requestedScopes } from './session-reader.mjs';
import { isScopeList } from './scope-names.mjs';
import { HttpError, closeServer, createApiServer, listenOn, readJsonObject, sendJson } from './http-util.mjs';

/** Visible ASCII, no spaces: what a random value (UUID, base64url, hex) is written in. */
const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * @typedef {import('./backend-options.mjs').Logger} Logger
 * @typedef {import('./code-exchange.mjs').SessionView} SessionView
 */

/**
 * @param {import('./backend-options.mjs').BackendOptions} options
 */
export function createMerchantBackend(options) {
  const config = resolveBackendOptions(options);
  // The kit's signed wallet client (miniapp-auth-kit/server), made (and its keys checked) by the options.
  const { now, logger, wallet } = config;
  if (!isInMemory(config.dbPath)) makePrivateDir(dirname(config.dbPath));
  const cipher = createTokenCipher(config.tokenKey);
  // Opened last: nothing after it can fail and leave the database open.
  const store = openMerchantStore(config.dbPath, cipher);
  const owner = newClaimOwner();
  // Claims of processes that died mid-exchange (kill -9, power cut) would otherwise hold their codes.
  store.clearClaimsOf(claimOwnerIsGone);
  store.prune(now(), config.codeLifetimeMs);
  const pruneTimer = setInterval(() => store.prune(now(), config.codeLifetimeMs), 60 * 60_000);
  pruneTimer.unref();

  const toHttpError = createErrorMapper(logger);
  const exchanger = createCodeExchanger({ store, applyToken: wallet.applyToken, toHttpError, owner, now, logger, replayWindowMs: config.replayWindowMs, requestTimeoutMs: config.requestTimeoutMs, sessionTtlMs: config.sessionTtlMs });
  const { ensureFresh, pending: refreshesUnderWay } = createTokenRefresher({ store, applyToken: wallet.applyToken, toHttpError, now, refreshMarginMs: config.refreshMarginMs, rotationWaitMs: config.requestTimeoutMs, logger });
  const profileOf = createProfileReader({ store, inquiryUserInfo: wallet.inquiryUserInfo, profileTimeoutMs: config.profileTimeoutMs, logger });
  const attempts = config.attemptLimit ? createAttemptLimiter({ ...config.attemptLimit, now }) : null;
  /** @type {(req: import('node:http').IncomingMessage, run: () => Promise<SessionView>) => Promise<SessionView>} */
  const asAttempt = (req, run) => (attempts ? attempts.attempt(String(config.clientAddress(req) ?? 'unknown'), run) : run());

  const sessions = createSessionReader({ store, now, ensureFresh, profileOf });

  /** @type {Record<string, import('./json-routes.mjs').Route>} */
  const routes = {
    '/api/auth/session': {
      method: 'POST',
      body: 'json',
      async run(req, res) {
        const idempotencyKey = idempotencyKeyOf(req);
        const { authCode, scopes } = exchangeRequest(await readJsonObject(req, config.maxBodyBytes, 'BAD_REQUEST'));
        sendJson(res, 200, await asAttempt(req, () => exchanger.exchange(authCode, scopes, idempotencyKey)));
      },
    },
    '/api/me': { method: 'GET', run: async (req, res) => sessions.answer(req, res, false, true, requestedScopes(req)) },
    '/api/auth/refresh': { method: 'POST', run: (req, res) => sessions.answer(req, res, true, false) },
    '/api/auth/logout': {
      method: 'POST',
      async run(req, res) {
        req.resume();
        store.deleteSession(sessions.authenticate(req).idHash);
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
      },
    },
  };

  const handler = createJsonRouter(routes, toHttpError);

  /** @type {import('node:http').Server | null} */
  let server = null;

  return {
    handler,
    /** The better-sqlite3 database (for inspection; the schema is store-schema.mjs's). */
    db: store.db,
    /** The id of the token encryption key (a digest, not the key): the same in every process sharing the database. */
    tokenKeyId: cipher.keyId,
    /**
     * The wallet access token behind a session, refreshed when expired: for server-side calls to further
     * wallet OpenAPIs. Never send it to the miniapp. Rejects (code TOKEN_UNREADABLE) when the stored
     * tokens do not decrypt for their customer, e.g. a row swapped between customers.
     * @param {string} sessionId
     * @returns {Promise<string>}
     */
    async accessTokenFor(sessionId) {
      if (typeof sessionId !== 'string' || !SESSION_ID_RE.test(sessionId)) throw new TypeError('accessTokenFor: sessionId must be a session id.');
      const { session } = sessions.sessionById(sessionId);
      await ensureFresh(session, false);
      return store.readTokens(session.tokenId).accessToken;
    },
    /**
     * Starts a standalone server (loopback by default; port 0 = a free port). It answers requests whose
     * Host is a loopback name, or one of `allowedHosts` (required when `host` is not loopback); others
     * get 421.
     * @param {number} [port] @param {string} [host] @param {{ allowedHosts?: string[] }} [options]
     */
    async listen(port = 0, host = '127.0.0.1', { allowedHosts } = {}) {
      server = createApiServer(handler, { bindHost: host, allowedHosts });
      return listenOn(server, port, host);
    },
    /** Stops the server, lets exchanges under way finish, closes the database. Safe to call twice. */
    async close() {
      clearInterval(pruneTimer);
      await closeServer(server);
      await Promise.allSettled([...exchanger.pending(), ...refreshesUnderWay()]);
      owner.retire();
      wallet.close();
      if (store.db.open) store.close();
    },
  };
}

/** @param {import('node:http').IncomingMessage} req @returns {string | undefined} */
function idempotencyKeyOf(req) {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_RE.test(key)) throw new HttpError(400, 'BAD_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  return key;
}

/**
 * The scopes are the miniapp's word: applyToken does not list them. The wallet enforces the token's
 * real reach when the token is used.
 * @param {Record<string, unknown>} body @returns {{ authCode: string, scopes: string[] }}
 */
function exchangeRequest({ authCode, scopes = [] }) {
  if (typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 512) {
    throw new HttpError(400, 'BAD_REQUEST', 'authCode must be a non-empty string');
  }
  if (!isScopeList(scopes)) {
    throw new HttpError(400, 'BAD_REQUEST', 'scopes must be an array of scope names');
  }
  return { authCode, scopes: [...new Set(/** @type {string[]} */ (scopes))] };
}
