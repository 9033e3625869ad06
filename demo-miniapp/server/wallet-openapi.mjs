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
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { APPLY_TOKEN_PATH, INQUIRY_USER_INFO_PATH, formatSignatureHeader, parseIsoTime, requestTime, signAsync, signedContent, toPrivateKey, toPublicKey, verifySignatureHeaderAsync } from './signing.mjs';
import { closeServer, createApiServer, delay, hostGuard, isLoopback, listenOn, parseJsonObject, pathOf, readBody, sendError, sendJson, sendRaw } from './http-util.mjs';

export const SIM_CODES_PATH = '/sim/codes';
/** Prefix of the simulated users' avatars: `/sim/avatars/<n>.svg`. */
export const SIM_AVATARS_PREFIX = '/sim/avatars/';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TEN_YEARS = 3652 * DAY;
const SCOPE_RE = /^[A-Za-z0-9_]{1,64}$/;
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
 * @typedef {{ customerId: string, scopes: string[], expiresAt: number, usedAt: number | null }} Grant
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

  /** @type {Map<string, Grant>} */
  const codes = new Map();
  /** @type {Map<string, Grant>} */
  const refreshTokens = new Map();
  /** @type {Map<string, { customerId: string, scopes: string[], expiresAt: number }>} */
  const accessTokens = new Map();
  /** Scopes each customer has granted this client so far; a token carries all of them. */
  /** @type {Map<string, Set<string>>} */
  const grants = new Map();
  const stats = { applyToken: 0, authorizationCode: 0, refreshToken: 0, inquiryUserInfo: 0, codesIssued: 0, faults: 0 };
  let writes = 0;

  /** Forgets long-expired entries now and then so a load test does not grow memory without bound. */
  function sweep() {
    if (++writes % 512 !== 0) return;
    const cutoff = now() - codeTtlMs;
    for (const map of [codes, refreshTokens, accessTokens]) {
      for (const [key, value] of map) if (value.expiresAt < cutoff) map.delete(key);
    }
  }

  /**
   * Issues a single-use code as the wallet does after the user's consent.
   * @param {{ scopes: string[], customerId?: string, ttlMs?: number }} request
   */
  function issueCode({ scopes, customerId = defaultCustomerId, ttlMs = codeTtlMs }) {
    // `0000000001…` like the codes in the SuperQi docs; 128 random bits make it unguessable.
    const authCode = `0000000001${randomBytes(16).toString('base64url')}`;
    const expiresAt = now() + ttlMs;
    codes.set(authCode, { customerId, scopes: [...new Set(scopes)], expiresAt, usedAt: null });
    stats.codesIssued++;
    sweep();
    return { authCode, customerId, expiresAt };
  }

  /** @param {string} customerId @param {string[]} scopes */
  function issueTokens(customerId, scopes) {
    const granted = grants.get(customerId) ?? new Set();
    for (const scope of scopes) granted.add(scope);
    grants.set(customerId, granted);
    const t = now();
    const accessToken = newToken();
    const refreshToken = newToken();
    const all = [...granted];
    accessTokens.set(accessToken, { customerId, scopes: all, expiresAt: t + accessTokenTtlMs });
    refreshTokens.set(refreshToken, { customerId, scopes: all, expiresAt: t + refreshTokenTtlMs, usedAt: null });
    sweep();
    return {
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      accessToken,
      accessTokenExpiryTime: requestTime(t + accessTokenTtlMs),
      refreshToken,
      refreshTokenExpiryTime: requestTime(t + refreshTokenTtlMs),
      customerId,
      extendInfo: null,
    };
  }

  /**
   * The gateway checks every OpenAPI request gets (client, request time, signature) and the body as a
   * JSON object.
   * @param {import('node:http').IncomingMessage} req
   * @param {string} body
   * @returns {Promise<{ failure: object } | { request: Record<string, unknown> }>}
   */
  async function checkRequest(req, body) {
    const cid = header(req, 'client-id');
    if (!cid) return { failure: failure('PARAM_ILLEGAL', 'Client-Id header is required') };
    if (cid !== clientId) return { failure: failure('INVALID_AUTH_CLIENT', 'unknown Client-Id') };
    const time = header(req, 'request-time');
    const sentAt = parseIsoTime(time);
    if (sentAt === null) return { failure: failure('PARAM_ILLEGAL', 'Request-Time must be ISO 8601 with an offset') };
    if (Math.abs(now() - sentAt) > maxClockSkewMs) return { failure: failure('ACCESS_DENIED', 'Request-Time is outside the accepted window') };
    const signatureOk = await verifySignatureHeaderAsync({
      method: req.method ?? 'POST', path: pathOf(req), clientId: cid, time, body,
      header: req.headers.signature, publicKey: merchantKey, keyVersion: merchantKeyVersion,
    });
    if (!signatureOk) return { failure: failure('INVALID_SIGNATURE', 'signature verification failed') };
    try {
      return { request: parseJsonObject(body, 'PARAM_ILLEGAL') };
    } catch {
      return { failure: failure('PARAM_ILLEGAL', 'body must be a JSON object') };
    }
  }

  /**
   * Checks and executes one applyToken request; returns the response payload.
   * @param {import('node:http').IncomingMessage} req
   * @param {string} body
   */
  async function applyToken(req, body) {
    const checked = await checkRequest(req, body);
    if ('failure' in checked) return checked.failure;
    const { request } = checked;
    if (request.grantType === 'AUTHORIZATION_CODE') {
      if (!nonEmptyString(request.authCode)) return failure('PARAM_ILLEGAL', 'authCode is required');
      stats.authorizationCode++;
      return redeem(codes, request.authCode, 'CODE', (grant) => issueTokens(grant.customerId, grant.scopes));
    }
    if (request.grantType === 'REFRESH_TOKEN') {
      if (!nonEmptyString(request.refreshToken)) return failure('PARAM_ILLEGAL', 'refreshToken is required');
      stats.refreshToken++;
      return redeem(refreshTokens, request.refreshToken, 'REFRESH_TOKEN', (grant) => issueTokens(grant.customerId, grant.scopes));
    }
    return failure('PARAM_ILLEGAL', 'grantType must be AUTHORIZATION_CODE or REFRESH_TOKEN');
  }

  /**
   * Checks and executes one inquiryUserInfo request; returns the response payload. The user info holds
   * what the token's scopes reach: `userId` always (auth_base / USER_ID), `userName` with USER_NAME,
   * `avatar` with USER_AVATAR, `contactInfos` with USER_CONTACTINFO, `loginIdInfos` with USER_LOGIN_ID.
   * @param {import('node:http').IncomingMessage} req
   * @param {string} body
   */
  async function inquiryUserInfo(req, body) {
    const checked = await checkRequest(req, body);
    if ('failure' in checked) return checked.failure;
    const { accessToken } = checked.request;
    if (!nonEmptyString(accessToken)) return failure('PARAM_ILLEGAL', 'accessToken is required');
    const entry = accessTokens.get(accessToken);
    if (!entry) return failure('INVALID_ACCESS_TOKEN', 'access token is invalid');
    if (now() >= entry.expiresAt) return failure('EXPIRED_ACCESS_TOKEN', 'access token has expired');
    const scopes = new Set(entry.scopes);
    const user = simulatedUser(entry.customerId);
    return {
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      userInfo: {
        userId: entry.customerId,
        ...(scopes.has('USER_LOGIN_ID') ? { loginIdInfos: [{ loginIdType: 'MOBILE_PHONE', maskLoginId: user.maskedMobile, hashLoginId: user.hashLoginId }] } : {}),
        ...(scopes.has('USER_NAME') ? { userName: { fullName: user.fullName } } : {}),
        ...(scopes.has('USER_AVATAR') ? { avatar: user.avatar } : {}),
        ...(scopes.has('USER_CONTACTINFO') ? { contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: user.maskedMobile }] } : {}),
      },
    };
  }

  /**
   * Single use with expiry, for codes and refresh tokens alike (a refresh token rotates on use).
   * @param {Map<string, Grant>} store @param {string} key @param {'CODE' | 'REFRESH_TOKEN'} kind
   * @param {(grant: Grant) => object} onValid
   */
  function redeem(store, key, kind, onValid) {
    const grant = store.get(key);
    if (!grant) return failure(`INVALID_${kind}`, `${kind.toLowerCase()} is invalid`);
    if (grant.usedAt !== null) return failure(`USED_${kind}`, `${kind.toLowerCase()} was already used`);
    if (now() >= grant.expiresAt) return failure(`EXPIRED_${kind}`, `${kind.toLowerCase()} has expired`);
    grant.usedAt = now();
    return onValid(grant);
  }

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

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handleSimCodes(req, res) {
    // The page's simulated wallet stands in for the wallet app: only this machine may mint codes.
    if (!isLoopback(req.socket.remoteAddress)) {
      req.resume();
      return sendError(res, 403, 'ACCESS_DENIED', 'codes are issued to loopback clients only');
    }
    if (req.method !== 'POST') {
      req.resume();
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use POST', {}, { Allow: 'POST' });
    }
    let request;
    try {
      request = parseJsonObject(await readBody(req, 16 * 1024), 'PARAM_ILLEGAL');
    } catch {
      return sendError(res, 400, 'PARAM_ILLEGAL', 'body must be a JSON object');
    }
    const { scopes, customerId } = request;
    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > 32 || !scopes.every((s) => typeof s === 'string' && SCOPE_RE.test(s))) {
      return sendError(res, 400, 'PARAM_ILLEGAL', 'scopes must be a non-empty array of scope names');
    }
    if (customerId !== undefined && !(typeof customerId === 'string' && CUSTOMER_RE.test(customerId))) {
      return sendError(res, 400, 'PARAM_ILLEGAL', 'customerId must be 1-64 letters, digits, _ or -');
    }
    const { authCode } = issueCode({ scopes, ...(customerId === undefined ? {} : { customerId }) });
    sendJson(res, 200, { authCode });
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
    const route = Object.hasOwn(openApis, path) ? () => handleOpenApi(path, req, res) : path === SIM_CODES_PATH ? () => handleSimCodes(req, res) : null;
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
    issueCode,
    /**
     * Starts a standalone server (loopback by default; port 0 = a free port), answering loopback Host
     * names or `allowedHosts` (required when `host` is not loopback); others get 421.
     * @param {number} [port] @param {string} [host] @param {{ allowedHosts?: string[] }} [options]
     */
    async listen(port = 0, host = '127.0.0.1', { allowedHosts } = {}) {
      server = createApiServer(handler, hostGuard({ bindHost: host, ...(allowedHosts ? { allowedHosts } : {}) }));
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
      const entry = accessTokens.get(token);
      return entry && now() < entry.expiresAt ? { ...entry, scopes: [...entry.scopes] } : null;
    },
    /** Counters: applyToken calls, grants by type, inquiryUserInfo calls, codes issued, faults injected. */
    stats,
    defaultCustomerId,
  };
}

/** @param {string} resultCode @param {string} resultMessage */
function failure(resultCode, resultMessage) {
  return { result: { resultCode, resultStatus: 'F', resultMessage } };
}

/** @param {import('node:http').IncomingMessage} req @param {string} name */
function header(req, name) {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
}

/** @param {unknown} value @returns {value is string} */
function nonEmptyString(value) {
  return typeof value === 'string' && value.length > 0 && value.length <= 512;
}

function newToken() {
  // Shaped like the seed's tokens (upper-case hex), 160 random bits.
  return `2810100${randomBytes(20).toString('hex').toUpperCase()}`;
}

function newCustomerId() {
  return `100000${randomInt(1e9, 1e10 - 1)}${randomInt(1000, 9999)}`;
}

// The simulated users: a pleasant Iraqi name in Latin letters, an avatar and a masked Iraqi mobile
// number, all derived from the customer id (the same customer always looks the same, nothing is stored).
const FIRST_NAMES = ['Zainab', 'Ali', 'Fatima', 'Hussein', 'Maryam', 'Omar', 'Noor', 'Mustafa', 'Sara', 'Ahmed', 'Huda', 'Karrar', 'Rusul', 'Yousif', 'Aya', 'Haider'];
const LAST_NAMES = ['Al-Hashimi', 'Al-Rubaie', 'Al-Jubouri', 'Al-Saadi', 'Al-Tamimi', 'Al-Obaidi', 'Al-Khafaji', 'Al-Musawi', 'Al-Dulaimi', 'Al-Ani'];
/** Iraqi mobile prefixes (Korek 75x, Asiacell 77x, Zain 78x / 79x). */
const MOBILE_PREFIXES = ['750', '751', '770', '771', '772', '780', '781', '790'];
const AVATAR_COLOURS = ['#0f766e', '#1d4ed8', '#7c3aed', '#b45309', '#be123c', '#15803d', '#0369a1', '#a21caf'];
const AVATAR_COUNT = FIRST_NAMES.length * LAST_NAMES.length;
const AVATAR_RE = /^\/sim\/avatars\/(0|[1-9]\d{0,3})\.svg$/;

/**
 * The fake user data of a customer (deterministic).
 * @param {string} customerId
 * @returns {{ fullName: string, avatar: string, avatarIndex: number, maskedMobile: string, hashLoginId: string }}
 */
export function simulatedUser(customerId) {
  const digest = createHash('sha256').update(`simulated-user:${customerId}`, 'utf8').digest();
  const avatarIndex = digest.readUInt32BE(0) % AVATAR_COUNT;
  const prefix = MOBILE_PREFIXES[/** @type {number} */ (digest[4]) % MOBILE_PREFIXES.length];
  const middle = String(digest.readUInt16BE(5) % 1000).padStart(3, '0');
  const last = String(digest.readUInt16BE(7) % 10000).padStart(4, '0');
  return {
    fullName: nameOf(avatarIndex).join(' '),
    avatar: `${SIM_AVATARS_PREFIX}${avatarIndex}.svg`,
    avatarIndex,
    maskedMobile: `+964 ${prefix} ••• ${last}`,
    hashLoginId: createHash('sha256').update(`+964${prefix}${middle}${last}`, 'utf8').digest('hex'),
  };
}

/** @param {number} index @returns {[string, string]} first and last name of avatar `index` */
function nameOf(index) {
  return [
    /** @type {string} */ (FIRST_NAMES[Math.floor(index / LAST_NAMES.length)]),
    /** @type {string} */ (LAST_NAMES[index % LAST_NAMES.length]),
  ];
}

/**
 * The SVG avatar `index`: the initials (of the first name and of the family name after `Al-`) on a
 * coloured disc. Presentation attributes only: no script, no style element.
 * @param {number} index
 */
export function avatarSvg(index) {
  const [first, last] = nameOf(index);
  const initials = `${first[0]}${last.replace(/^Al-/, '')[0]}`.replace(/[^A-Z]/g, '');
  const colour = AVATAR_COLOURS[index % AVATAR_COLOURS.length];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${initials}">` +
    `<circle cx="48" cy="48" r="48" fill="${colour}"/>` +
    `<text x="48" y="48" dy="0.35em" text-anchor="middle" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="38" font-weight="600" fill="#ffffff">${initials}</text>` +
    `</svg>\n`
  );
}

/**
 * `GET /sim/avatars/<n>.svg` (and HEAD): the avatar, `image/svg+xml`; 404 for another name under the
 * prefix, 405 for other methods.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} path
 */
function serveAvatar(req, res, path) {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use GET', {}, { Allow: 'GET, HEAD' });
  }
  const match = AVATAR_RE.exec(path);
  const index = match ? Number(match[1]) : -1;
  if (index < 0 || index >= AVATAR_COUNT) return sendError(res, 404, 'NOT_FOUND', 'no such avatar');
  const svg = avatarSvg(index);
  res.writeHead(200, {
    'Content-Type': 'image/svg+xml',
    'Content-Length': String(Buffer.byteLength(svg)),
    'Cache-Control': 'public, max-age=86400',
    'X-Content-Type-Options': 'nosniff',
    // Opened directly, the image may not run or load anything.
    'Content-Security-Policy': "default-src 'none'",
  });
  res.end(req.method === 'HEAD' ? undefined : svg);
}
