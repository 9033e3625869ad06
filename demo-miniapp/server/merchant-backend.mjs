/**
 * The reference merchant backend: takes `{ authCode, scopes }` from the miniapp (the kit's
 * `httpSubmitter`), exchanges the code with the wallet's applyToken, keeps the wallet's tokens encrypted
 * in SQLite and answers with its OWN session only. The access and refresh tokens never leave the server;
 * auth codes and tokens are never logged nor stored in clear (codes only as SHA-256).
 *
 * Routes (JSON; errors are `{ "error": { code, message, retryable } }`):
 * - `POST /api/auth/session` `{ authCode, scopes }` → 200 `{ sessionId, customerId?, scopes, expiresAt }`
 *     The same code again (also concurrently) → the same session, exchanged once (within `replayWindowMs`).
 * - `GET  /api/me[?scope=USER_NAME+USER_AVATAR]` (Authorization: Bearer <sessionId>) → session info,
 *     refreshing expired tokens, and `profile: { name?, avatar?, phone? }` from the wallet's
 *     inquiryUserInfo (signed both ways), each field only when the scopes cover it (USER_NAME,
 *     USER_AVATAR, USER_CONTACTINFO); `{}` when they cover none (no wallet call); `null` when the wallet
 *     call fails (the rest is still answered). `scope` (space or comma separated) narrows the answer to
 *     the page's current grant: the customer's token also reaches what they allowed before a sign-out.
 * - `POST /api/auth/refresh`  (Bearer) → the same, forcing a refresh-token grant
 * - `POST /api/auth/logout`   (Bearer) → 204
 * Error codes: 400 BAD_REQUEST, 413 PAYLOAD_TOO_LARGE, 415 BAD_REQUEST, 405 METHOD_NOT_ALLOWED;
 * refused codes 400 INVALID_CODE, 409 USED_CODE, 410 EXPIRED_CODE (the kit fetches one fresh code);
 * 503 BACKEND_ERROR retryable (wallet U result, HTTP 5xx/429, unreachable, timeout);
 * 502 BACKEND_ERROR not retryable (wallet answer unsigned / badly signed / unreadable, or another F
 * result such as ACCESS_DENIED: a configuration problem); 500 BACKEND_ERROR (internal);
 * 401 SESSION_EXPIRED (no such session) and 401 REAUTH_REQUIRED (the wallet no longer accepts the
 * refresh token: authorize again).
 */
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createOpenApiClient, OpenApiError } from './openapi-client.mjs';
import { openMerchantStore } from './merchant-store.mjs';
import { createTokenCipher, parseTokenKey } from './token-crypto.mjs';
import { ENV, resolveTokenKey } from './keys.mjs';
import { HttpError, closeServer, delay, listenOn, parseJsonObject, pathOf, readBody, sendError, sendJson } from './http-util.mjs';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SCOPE_RE = /^[A-Za-z0-9_]{1,64}$/;
/** @type {Record<string, number>} */
const CODE_REFUSALS = { INVALID_CODE: 400, USED_CODE: 409, EXPIRED_CODE: 410 };
const REFRESH_REFUSALS = new Set(['INVALID_REFRESH_TOKEN', 'USED_REFRESH_TOKEN', 'EXPIRED_REFRESH_TOKEN']);

/**
 * @typedef {{ info?(message: string): void, warn(message: string): void, error(message: string): void }} Logger
 * @typedef {{ sessionId: string, customerId?: string, scopes: string[], expiresAt: number }} SessionView
 */

/** @type {Logger} */
const consoleLogger = {
  info: (m) => console.log(`[merchant-backend] ${m}`),
  warn: (m) => console.warn(`[merchant-backend] WARNING: ${m}`),
  error: (m) => console.error(`[merchant-backend] ${m}`),
};
/** @type {Logger} */
const silentLogger = { warn() {}, error() {} };

/**
 * An avatar the page may load: a same-origin path (the simulated wallet's `/sim/avatars/…`) or an
 * https URL; nothing that could be a script or another scheme.
 * @param {string} value
 */
function isSafeImageUrl(value) {
  if (/^\/(?!\/)[A-Za-z0-9._~\/-]*$/.test(value)) return !value.split('/').includes('..');
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** @param {string} value */
const sha256 = (value) => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * @param {{
 *   walletBaseUrl: string,
 *   clientId: string,
 *   merchantPrivateKeyPem: string | import('node:crypto').KeyObject,
 *   walletPublicKeyPem: string | import('node:crypto').KeyObject,
 *   dbPath: string,
 *   encryptionKey?: string | Uint8Array,
 *   keyVersion?: number,
 *   env?: Record<string, string | undefined>,
 *   now?: () => number,
 *   fetchImpl?: typeof fetch,
 *   logger?: Logger | null,
 *   sessionTtlMs?: number,
 *   replayWindowMs?: number,
 *   refreshMarginMs?: number,
 *   requestTimeoutMs?: number,
 *   maxBodyBytes?: number,
 *   profileTimeoutMs?: number,
 * }} options
 */
export function createMerchantBackend(options) {
  const {
    dbPath,
    now = Date.now,
    env = process.env,
    sessionTtlMs = 30 * DAY,
    replayWindowMs = 10 * MINUTE,
    refreshMarginMs = MINUTE,
    requestTimeoutMs = 10_000,
    maxBodyBytes = 16 * 1024,
  } = options;
  // The profile is an extra of /api/me: a slow wallet may not hold the whole answer back for long.
  const profileTimeoutMs = options.profileTimeoutMs ?? Math.min(requestTimeoutMs, 5_000);
  const logger = options.logger === undefined ? consoleLogger : options.logger ?? silentLogger;
  const inMemory = dbPath === ':memory:' || dbPath === '';
  if (!inMemory) mkdirSync(dirname(dbPath), { recursive: true });
  const key =
    options.encryptionKey !== undefined
      ? parseTokenKey(options.encryptionKey)
      : resolveTokenKey({ value: env[ENV.tokenKey], keyFile: inMemory ? null : join(dirname(dbPath), 'merchant-token.key'), logger });
  const wallet = createOpenApiClient({
    baseUrl: options.walletBaseUrl,
    clientId: options.clientId,
    merchantPrivateKeyPem: options.merchantPrivateKeyPem,
    walletPublicKeyPem: options.walletPublicKeyPem,
    keyVersion: options.keyVersion ?? 1,
    now,
    timeoutMs: requestTimeoutMs,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
  // Opened last: nothing after it can fail and leave the database open.
  const store = openMerchantStore(dbPath, createTokenCipher(key));
  // Code records outlive the replay window so that a late repeat is answered USED_CODE locally.
  const codeRetentionMs = Math.max(replayWindowMs, DAY);
  store.prune(now(), codeRetentionMs);
  const pruneTimer = setInterval(() => store.prune(now(), codeRetentionMs), 60 * MINUTE);
  pruneTimer.unref();

  /** Exchanges under way in this process, by code hash: concurrent repeats share one. */
  /** @type {Map<string, Promise<SessionView>>} */
  const exchanges = new Map();
  /** Refreshes under way, by token row. */
  /** @type {Map<number, Promise<void>>} */
  const refreshes = new Map();

  /** @param {string} authCode @param {string[]} scopes @returns {Promise<SessionView>} */
  function exchange(authCode, scopes) {
    const codeHash = sha256(authCode);
    let pending = exchanges.get(codeHash);
    if (!pending) {
      pending = exchangeOnce(authCode, codeHash, scopes).finally(() => exchanges.delete(codeHash));
      exchanges.set(codeHash, pending);
    }
    return pending;
  }

  /** @param {string} authCode @param {string} codeHash @param {string[]} scopes @returns {Promise<SessionView>} */
  async function exchangeOnce(authCode, codeHash, scopes) {
    // The claim row makes the exchange single even across processes sharing the database.
    const giveUpAt = Date.now() + requestTimeoutMs + 5_000;
    for (;;) {
      const record = store.findCode(codeHash);
      if (record?.state === 'done') return replay(record);
      if (!record) {
        if (store.claimCode(codeHash, now())) break;
        continue;
      }
      // Pending in another process. A claim older than any exchange can take was left by a crash.
      if (now() - record.claimedAt > requestTimeoutMs + 5_000) {
        store.releaseCode(codeHash);
        continue;
      }
      if (Date.now() > giveUpAt) throw new HttpError(503, 'BACKEND_ERROR', 'this code is being exchanged elsewhere; try again');
      await delay(50);
    }
    try {
      const grant = await wallet.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode });
      const sessionId = randomBytes(32).toString('base64url');
      const t = now();
      const expiresAt = t + sessionTtlMs;
      const stored = store.completeExchange({ codeHash, grant, scopes, sessionId, sessionIdHash: sha256(sessionId), sessionExpiresAt: expiresAt, t });
      logger.info?.(`code ${codeHash.slice(0, 8)} exchanged; session opened for customer ${grant.customerId ?? '(none)'}`);
      return view(sessionId, grant.customerId, stored.scopes, expiresAt);
    } catch (error) {
      store.releaseCode(codeHash);
      throw toHttpError(error, 'applyToken (AUTHORIZATION_CODE)');
    }
  }

  /**
   * A code this backend exchanged already: the same session again while the replay window lasts.
   * @param {{ sessionId: string | null, doneAt: number | null }} record
   */
  function replay(record) {
    const session = record.sessionId && record.doneAt !== null && now() - record.doneAt <= replayWindowMs ? store.findSession(sha256(record.sessionId), now()) : undefined;
    if (!session || !record.sessionId) throw new HttpError(409, 'USED_CODE', 'this code was used already');
    return view(record.sessionId, session.customerId, session.scopes, session.expiresAt);
  }

  /** @param {string} sessionId @param {string | null} customerId @param {string[]} scopes @param {number} expiresAt @returns {SessionView} */
  function view(sessionId, customerId, scopes, expiresAt) {
    // customerId is the wallet's id of the user for this merchant, not a credential: the page may show it.
    return { sessionId, ...(customerId ? { customerId } : {}), scopes, expiresAt };
  }

  /**
   * @param {unknown} error
   * @param {string} during for the log
   * @returns {HttpError}
   */
  function toHttpError(error, during) {
    if (error instanceof HttpError) return error;
    if (error instanceof OpenApiError) {
      // OpenApiError messages never carry codes or tokens: safe to log.
      logger.warn(`${during} failed: ${error.message}`);
      const code = error.resultCode;
      if (error.kind === 'refused' && code && code in CODE_REFUSALS) return new HttpError(CODE_REFUSALS[code] ?? 400, code, `the wallet refused the code (${code})`);
      if (error.kind === 'transient') return new HttpError(503, 'BACKEND_ERROR', 'the wallet is unavailable; try again');
      return new HttpError(502, 'BACKEND_ERROR', error.kind === 'refused' ? `the wallet refused the request (${code})` : 'the wallet answer could not be trusted');
    }
    logger.error(`${during} failed: ${error instanceof Error ? error.name : 'error'}`);
    return new HttpError(500, 'BACKEND_ERROR', 'internal error');
  }

  /** @param {import('node:http').IncomingMessage} req */
  function authenticate(req) {
    const match = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(req.headers.authorization ?? '');
    if (!match) throw new HttpError(401, 'SESSION_EXPIRED', 'send Authorization: Bearer <sessionId>');
    return sessionById(/** @type {string} */ (match[1]));
  }

  /** @param {string} sessionId */
  function sessionById(sessionId) {
    const idHash = sha256(sessionId);
    const session = store.findSession(idHash, now());
    if (!session) throw new HttpError(401, 'SESSION_EXPIRED', 'unknown or expired session');
    return { idHash, session };
  }

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

  /** @param {import('./merchant-store.mjs').SessionRecord} session */
  async function refresh(session) {
    const { refreshToken } = store.readTokens(session.tokenId);
    if (!refreshToken || (session.refreshExpiresAt !== null && now() >= session.refreshExpiresAt)) {
      store.markReauth(session.tokenId);
      throw reauthRequired();
    }
    try {
      store.replaceTokens(session.tokenId, await wallet.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken }), now());
    } catch (error) {
      if (error instanceof OpenApiError && error.kind === 'refused' && error.resultCode && REFRESH_REFUSALS.has(error.resultCode)) {
        // Another instance rotated the token meanwhile: its new tokens stand.
        if (error.resultCode === 'USED_REFRESH_TOKEN' && store.readTokens(session.tokenId).refreshToken !== refreshToken) return;
        logger.warn(`refresh refused by the wallet (${error.resultCode}); the user must authorize again`);
        store.markReauth(session.tokenId);
        throw reauthRequired();
      }
      throw toHttpError(error, 'applyToken (REFRESH_TOKEN)');
    }
  }

  const reauthRequired = () => new HttpError(401, 'REAUTH_REQUIRED', 'the wallet authorization has ended; authorize again');

  /** @param {import('node:http').IncomingMessage} req */
  async function readJson(req) {
    const type = req.headers['content-type'];
    // A JSON content type makes a cross-site form post impossible (it needs a CORS preflight).
    if (type !== undefined && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
      req.resume();
      throw new HttpError(415, 'BAD_REQUEST', 'send Content-Type: application/json');
    }
    return parseJsonObject(await readBody(req, maxBodyBytes), 'BAD_REQUEST');
  }

  /** @type {Record<string, { method: string, run(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> }>} */
  const routes = {
    '/api/auth/session': {
      method: 'POST',
      async run(req, res) {
        const { authCode, scopes = [] } = await readJson(req);
        if (typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 512) {
          throw new HttpError(400, 'BAD_REQUEST', 'authCode must be a non-empty string');
        }
        if (!Array.isArray(scopes) || scopes.length > 32 || !scopes.every((s) => typeof s === 'string' && SCOPE_RE.test(s))) {
          throw new HttpError(400, 'BAD_REQUEST', 'scopes must be an array of scope names');
        }
        // The scopes are the miniapp's word: applyToken does not list them. The wallet enforces the
        // token's real reach when the token is used.
        sendJson(res, 200, await exchange(authCode, [...new Set(/** @type {string[]} */ (scopes))]));
      },
    },
    '/api/me': { method: 'GET', run: async (req, res) => sessionInfo(req, res, false, true, requestedScopes(req)) },
    '/api/auth/refresh': { method: 'POST', run: (req, res) => sessionInfo(req, res, true, false) },
    '/api/auth/logout': {
      method: 'POST',
      async run(req, res) {
        req.resume();
        store.deleteSession(authenticate(req).idHash);
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
      },
    },
  };

  /**
   * The `scope` query parameter of GET /api/me: the scopes the page holds now (space or comma
   * separated), or null when absent.
   * @param {import('node:http').IncomingMessage} req
   * @returns {string[] | null}
   */
  function requestedScopes(req) {
    const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.get('scope');
    if (raw === null) return null;
    const scopes = raw.split(/[\s,]+/).filter(Boolean);
    if (raw.length > 2048 || scopes.length > 32 || !scopes.every((s) => SCOPE_RE.test(s))) {
      throw new HttpError(400, 'BAD_REQUEST', 'scope must list scope names, space or comma separated');
    }
    return scopes;
  }

  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {boolean} force refresh the tokens even when the access token is still valid
   * @param {boolean} withProfile add `profile` (asks the wallet's inquiryUserInfo)
   * @param {string[] | null} [only] answer for these of the session's scopes only (the page's current grant)
   */
  async function sessionInfo(req, res, force, withProfile, only = null) {
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

  /**
   * The user's name, avatar and (masked) phone from the wallet's inquiryUserInfo, each only when this
   * session's scopes cover it (the wallet in turn answers only what the token's scopes reach). Nothing
   * is cached: the access token is decrypted for the call and dropped, the answer goes to the caller.
   * @param {import('./merchant-store.mjs').SessionRecord} session
   * @returns {Promise<{ name?: string, avatar?: string, phone?: string } | null>} null when the wallet call failed
   */
  async function profileOf(session) {
    const wants = { name: session.scopes.includes('USER_NAME'), avatar: session.scopes.includes('USER_AVATAR'), phone: session.scopes.includes('USER_CONTACTINFO') };
    if (!wants.name && !wants.avatar && !wants.phone) return {};
    try {
      const { accessToken } = store.readTokens(session.tokenId);
      const info = await wallet.inquiryUserInfo(accessToken, { timeoutMs: profileTimeoutMs });
      if (session.customerId && info.userId !== null && info.userId !== session.customerId) {
        logger.warn('inquiryUserInfo answered for another user; profile left out');
        return null;
      }
      const avatar = info.avatar !== null && isSafeImageUrl(info.avatar) ? info.avatar : null;
      return {
        ...(wants.name && info.fullName !== null ? { name: info.fullName } : {}),
        ...(wants.avatar && avatar !== null ? { avatar } : {}),
        ...(wants.phone && info.mobilePhone !== null ? { phone: info.mobilePhone } : {}),
      };
    } catch (error) {
      // OpenApiError messages never carry tokens; for anything else only the error's name is logged.
      logger.warn(`inquiryUserInfo failed; profile left out: ${error instanceof OpenApiError ? error.message : error instanceof Error ? error.name : 'error'}`);
      return null;
    }
  }

  /**
   * Routes its own paths and returns true; returns false for any other path, so a host server (the demo's
   * page server) can mount it and serve the rest itself.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {boolean}
   */
  function handler(req, res) {
    const route = routes[pathOf(req)];
    if (!route) return false;
    if (req.method !== route.method) {
      req.resume();
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `use ${route.method}`, { retryable: false }, { Allow: route.method });
      return true;
    }
    route.run(req, res).catch((error) => {
      const failure = toHttpError(error, 'request');
      /** @type {Record<string, string>} */
      const headers = failure.status === 503 ? { 'Retry-After': '1' } : failure.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      sendError(res, failure.status, failure.code, failure.message, { retryable: failure.retryable }, headers);
    });
    return true;
  }

  /** @type {import('node:http').Server | null} */
  let server = null;

  return {
    handler,
    /** The better-sqlite3 database (for inspection; the schema is merchant-store.mjs's). */
    db: store.db,
    /**
     * The wallet access token behind a session, refreshed when expired: for server-side calls to further
     * wallet OpenAPIs. Never send it to the miniapp.
     * @param {string} sessionId
     * @returns {Promise<string>}
     */
    async accessTokenFor(sessionId) {
      const { session } = sessionById(sessionId);
      await ensureFresh(session, false);
      return store.readTokens(session.tokenId).accessToken;
    },
    /** Start a standalone server (loopback by default; port 0 = a free port). */
    async listen(port = 0, host = '127.0.0.1') {
      server = createServer((req, res) => {
        if (!handler(req, res)) sendError(res, 404, 'NOT_FOUND', 'no such route');
      });
      return listenOn(server, port, host);
    },
    /** Stops the server, lets exchanges under way finish, closes the database. Safe to call twice. */
    async close() {
      clearInterval(pruneTimer);
      await closeServer(server);
      await Promise.allSettled([...exchanges.values(), ...refreshes.values()]);
      if (store.db.open) store.close();
    },
  };
}
