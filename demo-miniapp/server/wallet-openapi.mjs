/**
 * The simulated wallet OpenAPI: SuperQi's `POST /v1/authorizations/applyToken` and
 * `POST /v1/users/inquiryUserInfo`, with the checks the real gateway makes (client, request time, RSA256
 * signature, single-use expiring codes, rotating refresh tokens, expiring access tokens) and signed
 * responses, plus `POST /sim/codes` through which the simulated wallet in the demo page issues the codes
 * this server later accepts, and `GET /sim/avatars/<n>.svg`, the fake users' avatars (same origin as
 * the page once mounted, so the page can show them under its CSP).
 *
 * Result codes for request problems (the SuperQi docs list the codes but not which check yields which;
 * these are the Alipay+ gateway conventions):
 * - `Client-Id` missing → `PARAM_ILLEGAL`; not the configured client → `INVALID_AUTH_CLIENT`
 * - `Request-Time` missing or not ISO 8601 with offset → `PARAM_ILLEGAL`;
 *   further than `maxClockSkewMs` from the wallet's clock → `ACCESS_DENIED` (replay protection)
 * - `Signature` missing, malformed, not `RSA256`, another keyVersion, or not verifying → `INVALID_SIGNATURE`
 * - body not a JSON object, unknown `grantType`, missing `authCode` / `refreshToken` / `accessToken` → `PARAM_ILLEGAL`
 * - inquiryUserInfo: access token unknown → `INVALID_ACCESS_TOKEN`, past its expiry → `EXPIRED_ACCESS_TOKEN`
 * - another method than POST → `INVALID_API` (HTTP 405)
 * Business results are HTTP 200, like the real API; every response is signed with the wallet key.
 */
import { randomInt } from 'node:crypto';
import { createGrantBook, failure } from './wallet-grants.mjs';
import { createWalletOperations } from './wallet-operations.mjs';
import { SIM_AVATARS_PREFIX, serveAvatar } from './simulated-users.mjs';
import { isScopeList } from './scope-names.mjs';
import { APPLY_TOKEN_PATH, INQUIRY_USER_INFO_PATH, formatSignatureHeader, requestTime, signAsync, signedContent, toPrivateKey, toPublicKey } from './signing.mjs';
import { closeServer, createApiServer, delay, header, isLoopback, listenOn, pathOf, readBody, readJsonObject, sendError, sendJson, sendRaw } from './http-util.mjs';
import { bodyTypeAccepted, refuseBodyType } from './json-routes.mjs';

export const SIM_CODES_PATH = '/sim/codes';
export { SIM_AVATARS_PREFIX, avatarSvg, simulatedUser } from './simulated-users.mjs';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TEN_YEARS = 3652 * DAY;
const CUSTOMER_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * @typedef {'UNKNOWN_EXCEPTION' | 'REQUEST_TRAFFIC_EXCEED_LIMIT' | 'HTTP_500' | 'BAD_SIGNATURE' | 'NO_SIGNATURE'} FaultType
 * @typedef {'applyToken' | 'inquiryUserInfo'} ApiName
 * @typedef {{ type: FaultType, times?: number, probability?: number, api?: ApiName }} Fault
 *   `api`: the OpenAPI it hits (default `applyToken`; the other API is left alone);
 *   `times`: how many of its calls it hits (default: all); `probability`: chance per call (default 1).
 *   U results and HTTP 500 answer before the request is processed (the code is not consumed);
 *   BAD_SIGNATURE / NO_SIGNATURE spoil the signature of a processed answer (the code is consumed).
 *   `latencyMs` delays the answers of both APIs.
 */

/**
 * @param {{
 *   clientId: string,
 *   merchantPublicKeyPem: string | import('node:crypto').KeyObject,
 *   walletPrivateKeyPem: string | import('node:crypto').KeyObject,
 *   now?: () => number,
 *   codeTtlMs?: number,
 *   accessTokenTtlMs?: number,
 *   refreshTokenTtlMs?: number,
 *   maxClockSkewMs?: number,
 *   merchantKeyVersion?: number,
 *   latencyMs?: number,
 *   fault?: Fault | null,
 *   defaultCustomerId?: string,
 *   maxBodyBytes?: number,
 * }} options
 */
export function createWalletOpenApi(options) {
  const {
    clientId,
    now = Date.now,
    codeTtlMs = 10 * MINUTE,
    accessTokenTtlMs = TEN_YEARS,
    maxClockSkewMs = 5 * MINUTE,
    merchantKeyVersion = 1,
    maxBodyBytes = 64 * 1024,
  } = options;
  // Seed 000: the refresh token outlives the access token by two days.
  const refreshTokenTtlMs = options.refreshTokenTtlMs ?? accessTokenTtlMs + 2 * DAY;
  const merchantKey = toPublicKey(options.merchantPublicKeyPem);
  const walletKey = toPrivateKey(options.walletPrivateKeyPem);
  const defaultCustomerId = options.defaultCustomerId ?? newCustomerId();
  let latencyMs = options.latencyMs ?? 0;
  /** @type {Fault | null} */
  let fault = options.fault ?? null;

  const stats = { applyToken: 0, authorizationCode: 0, refreshToken: 0, inquiryUserInfo: 0, codesIssued: 0, faults: 0 };
  const book = createGrantBook({ now, codeTtlMs, accessTokenTtlMs, refreshTokenTtlMs, defaultCustomerId, stats });

  const { applyToken, inquiryUserInfo } = createWalletOperations({ clientId, merchantKey, merchantKeyVersion, maxClockSkewMs, now, book, stats });

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {string} cid
   * @param {number} status
   * @param {object} payload
   * @param {'valid' | 'bad' | 'none'} signature
   * @param {string} path the API's path: the answer is signed over `POST <path>`
   */
  async function respond(res, cid, status, payload, signature = 'valid', path = APPLY_TOKEN_PATH) {
    const body = JSON.stringify(payload);
    const time = requestTime(now());
    /** @type {Record<string, string>} */
    const headers = { 'Client-Id': cid, 'Response-Time': time };
    if (signature !== 'none') {
      // A "bad" signature is a real RSA signature over other content: well-formed, just not this answer's.
      const content = signedContent({ method: 'POST', path, clientId: cid, time, body: signature === 'bad' ? `${body} ` : body });
      headers.Signature = formatSignatureHeader(await signAsync(content, walletKey));
    }
    sendRaw(res, status, body, headers);
  }

  /** @param {ApiName} api @returns {Fault | null} the fault that hits this call, counting it down */
  function takeFault(api) {
    if (!fault || (fault.api ?? 'applyToken') !== api || (fault.probability !== undefined && Math.random() >= fault.probability)) return null;
    const hit = fault;
    if (hit.times !== undefined && --hit.times <= 0) fault = null;
    stats.faults++;
    return hit;
  }

  /** The OpenAPIs by path: what each one runs once its body is read. */
  /** @type {Record<string, { api: ApiName, run(req: import('node:http').IncomingMessage, body: string): Promise<object> }>} */
  const openApis = {
    [APPLY_TOKEN_PATH]: { api: 'applyToken', run: applyToken },
    [INQUIRY_USER_INFO_PATH]: { api: 'inquiryUserInfo', run: inquiryUserInfo },
  };

  /**
   * @param {string} path one of `openApis`
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handleOpenApi(path, req, res) {
    const { api, run } = /** @type {(typeof openApis)[string]} */ (openApis[path]);
    stats[api]++;
    const cid = header(req, 'client-id');
    if (req.method !== 'POST') {
      req.resume();
      return respond(res, cid, 405, failure('INVALID_API', 'use POST'), 'valid', path);
    }
    let body;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch {
      return respond(res, cid, 200, failure('PARAM_ILLEGAL', 'body too large'), 'valid', path);
    }
    if (latencyMs > 0) await delay(latencyMs);
    const hit = takeFault(api);
    if (hit?.type === 'HTTP_500') return sendRaw(res, 500, '{"message":"Internal Server Error"}');
    if (hit?.type === 'UNKNOWN_EXCEPTION' || hit?.type === 'REQUEST_TRAFFIC_EXCEED_LIMIT') {
      return respond(res, cid, 200, { result: { resultCode: hit.type, resultStatus: 'U', resultMessage: 'simulated fault' } }, 'valid', path);
    }
    const signature = hit?.type === 'BAD_SIGNATURE' ? 'bad' : hit?.type === 'NO_SIGNATURE' ? 'none' : 'valid';
    await respond(res, cid, 200, await run(req, body), signature, path);
  }

  /**
   * Takes the request when it is one of this server's routes (returns true), else returns false so a
   * host server can route it elsewhere.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {boolean}
   */
  function handler(req, res) {
    const path = pathOf(req);
    if (path.startsWith(SIM_AVATARS_PREFIX)) {
      serveAvatar(req, res, path);
      return true;
    }
    const route = Object.hasOwn(openApis, path) ? () => handleOpenApi(path, req, res) : path === SIM_CODES_PATH ? () => handleSimCodes(req, res, book.issueCode) : null;
    if (!route) return false;
    route().catch(() => {
      const unknown = { result: { resultCode: 'UNKNOWN_EXCEPTION', resultStatus: 'U', resultMessage: 'internal error' } };
      if (!res.headersSent) respond(res, header(req, 'client-id'), 200, unknown, 'valid', Object.hasOwn(openApis, path) ? path : APPLY_TOKEN_PATH);
    });
    return true;
  }

  /** @type {import('node:http').Server | null} */
  let server = null;

  return {
    handler,
    issueCode: book.issueCode,
    /**
     * Starts a standalone server (loopback by default; port 0 = a free port), answering loopback Host
     * names or `allowedHosts` (required when `host` is not loopback); others get 421.
     * @param {number} [port] @param {string} [host] @param {{ allowedHosts?: string[] }} [options]
     */
    async listen(port = 0, host = '127.0.0.1', { allowedHosts } = {}) {
      server = createApiServer(handler, { bindHost: host, allowedHosts });
      return listenOn(server, port, host);
    },
    close: () => closeServer(server),
    /** @param {Fault | null} next */
    setFault(next) {
      fault = next ? { ...next } : null;
    },
    /** @param {number} ms added before every applyToken and inquiryUserInfo answer */
    setLatency(ms) {
      latencyMs = ms;
    },
    /** What the wallet knows about an access token (for tests and the demo's inspector); null when unknown or expired. */
    inspectAccessToken(/** @type {string} */ token) {
      const entry = book.accessToken(token);
      return entry && now() < entry.expiresAt ? { ...entry, scopes: [...entry.scopes] } : null;
    },
    /** Counters: applyToken calls, grants by type, inquiryUserInfo calls, codes issued, faults injected. */
    stats,
    defaultCustomerId,
  };
}

/**
 * `POST /sim/codes` `{ scopes, customerId? }` → `{ authCode }`: the page's simulated wallet gets its
 * codes here. Loopback clients only; the body must be declared JSON (415), like every JSON route here.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {(request: { scopes: string[], customerId?: string }) => { authCode: string }} issueCode
 */
async function handleSimCodes(req, res, issueCode) {
  // The page's simulated wallet stands in for the wallet app: only this machine may mint codes.
  if (!isLoopback(req.socket.remoteAddress)) {
    req.resume();
    return sendError(res, 403, 'ACCESS_DENIED', 'codes are issued to loopback clients only');
  }
  if (req.method !== 'POST') {
    req.resume();
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use POST', {}, { Allow: 'POST' });
  }
  if (!bodyTypeAccepted(req)) return refuseBodyType(req, res);
  let request;
  try {
    request = await readJsonObject(req, 16 * 1024, 'PARAM_ILLEGAL');
  } catch {
    return sendError(res, 400, 'PARAM_ILLEGAL', 'body must be a JSON object');
  }
  const codeRequest = simCodeRequest(request);
  if (typeof codeRequest === 'string') return sendError(res, 400, 'PARAM_ILLEGAL', codeRequest);
  sendJson(res, 200, { authCode: issueCode(codeRequest).authCode });
}

/**
 * The body of a `/sim/codes` request, checked: `{ scopes, customerId? }`, or what is wrong with it.
 * @param {Record<string, unknown>} body
 * @returns {{ scopes: string[], customerId?: string } | string}
 */
export function simCodeRequest({ scopes, customerId }) {
  if (!isScopeList(scopes) || scopes.length === 0) {
    return 'scopes must be a non-empty array of scope names';
  }
  if (customerId !== undefined && !(typeof customerId === 'string' && CUSTOMER_RE.test(customerId))) return 'customerId must be 1-64 letters, digits, _ or -';
  return { scopes, ...(customerId === undefined ? {} : { customerId: /** @type {string} */ (customerId) }) };
}

function newCustomerId() {
  return `100000${randomInt(1e9, 1e10 - 1)}${randomInt(1000, 9999)}`;
}
