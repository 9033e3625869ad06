/**
 * The merchant side of `applyToken` and `inquiryUserInfo`: signs the request, and trusts the answer only
 * when the wallet's `Signature` over `POST <path>\n<Client-Id>.<Response-Time>.<body>` verifies with the
 * wallet public key and the `Response-Time` is recent. (The official SuperQi demo backend skips this
 * check; without it anyone on the path can hand the backend tokens, or user data, of their choosing.)
 */
import { createHttpTransport } from './http-transport.mjs';
import { APPLY_TOKEN_PATH, INQUIRY_USER_INFO_PATH, formatSignatureHeader, parseIsoTime, requestTime, signAsync, signedContent, toPrivateKey, toPublicKey, verifySignatureHeaderAsync } from './signing.mjs';

const MAX_RESPONSE_CHARS = 256 * 1024;

/**
 * Why an OpenAPI call failed:
 * - `refused`: the wallet answered F (`resultCode` says why: INVALID_CODE, USED_REFRESH_TOKEN,
 *   INVALID_ACCESS_TOKEN, ACCESS_DENIED…)
 * - `transient`: U result, HTTP 5xx / 429, network error or timeout; the same call may succeed later
 * - `invalid-response`: an answer that cannot be trusted or read (unsigned, bad signature, stale
 *   Response-Time, other Client-Id, not JSON, success without a token / without user info)
 */
export class OpenApiError extends Error {
  /**
   * @param {'refused' | 'transient' | 'invalid-response'} kind
   * @param {string} message never contains codes or tokens
   * @param {{ resultCode?: string, status?: number }} [details]
   */
  constructor(kind, message, details = {}) {
    super(message);
    this.name = 'OpenApiError';
    this.kind = kind;
    this.resultCode = details.resultCode;
    this.status = details.status;
  }
}

/**
 * @typedef {{
 *   accessToken: string, accessTokenExpiresAt: number,
 *   refreshToken: string | null, refreshTokenExpiresAt: number | null,
 *   customerId: string | null,
 * }} TokenGrant
 * @typedef {{
 *   userId: string | null, fullName: string | null, avatar: string | null, mobilePhone: string | null,
 * }} UserInfo  what inquiryUserInfo answered (each null when absent: the token's scopes do not reach it)
 */

/**
 * @param {{
 *   baseUrl: string,
 *   clientId: string,
 *   merchantPrivateKeyPem: string | import('node:crypto').KeyObject,
 *   walletPublicKeyPem: string | import('node:crypto').KeyObject,
 *   keyVersion?: number,
 *   now?: () => number,
 *   fetchImpl?: typeof fetch,
 *   timeoutMs?: number,
 *   maxClockSkewMs?: number,
 * }} options
 */
export function createOpenApiClient(options) {
  const { clientId, keyVersion = 1, now = Date.now, timeoutMs = 10_000, maxClockSkewMs = 5 * 60_000 } = options;
  const transport = options.fetchImpl ? null : createHttpTransport();
  const fetchImpl = options.fetchImpl ?? /** @type {typeof fetch} */ (/** @type {unknown} */ (transport));
  const merchantKey = toPrivateKey(options.merchantPrivateKeyPem);
  const walletKey = toPublicKey(options.walletPublicKeyPem);
  const base = options.baseUrl.replace(/\/+$/, '');
  const url = new URL(`${base}${APPLY_TOKEN_PATH}`);
  const userInfoUrl = new URL(`${base}${INQUIRY_USER_INFO_PATH}`);

  /**
   * One signed call; resolves with the answer's payload when it is a verified S / SUCCESS.
   * @param {URL} target
   * @param {object} request
   * @param {number} callTimeoutMs
   * @returns {Promise<any>}
   */
  async function call(target, request, callTimeoutMs) {
    // The signed path is the one actually requested (a real base URL may carry a path prefix).
    const path = target.pathname;
    const body = JSON.stringify(request);
    const time = requestTime(now());
    // The RSA work runs on the thread pool: the event loop keeps serving other requests meanwhile.
    const signature = await signAsync(signedContent({ method: 'POST', path, clientId, time, body }), merchantKey);
    let response;
    let text;
    try {
      response = await fetchImpl(target, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=UTF-8',
          'Client-Id': clientId,
          'Request-Time': time,
          Signature: formatSignatureHeader(signature, keyVersion),
        },
        body,
        signal: AbortSignal.timeout(callTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new OpenApiError('transient', timedOut ? 'wallet OpenAPI timed out' : 'wallet OpenAPI unreachable');
    }
    const status = response.status;
    if (status >= 500 || status === 429) throw new OpenApiError('transient', `wallet OpenAPI answered HTTP ${status}`, { status });
    if (status !== 200) throw new OpenApiError('invalid-response', `wallet OpenAPI answered HTTP ${status}`, { status });
    if (text.length > MAX_RESPONSE_CHARS) throw new OpenApiError('invalid-response', 'wallet answer too large', { status });

    const responseClientId = response.headers.get('client-id') ?? '';
    const responseTime = response.headers.get('response-time') ?? '';
    if (responseClientId !== clientId) throw new OpenApiError('invalid-response', 'wallet answer is for another Client-Id', { status });
    const sentAt = parseIsoTime(responseTime);
    if (sentAt === null || Math.abs(now() - sentAt) > maxClockSkewMs) throw new OpenApiError('invalid-response', 'wallet answer has a missing or stale Response-Time', { status });
    const signed = await verifySignatureHeaderAsync({
      method: 'POST', path, clientId, time: responseTime, body: text,
      header: response.headers.get('signature'), publicKey: walletKey, keyVersion,
    });
    if (!signed) throw new OpenApiError('invalid-response', 'wallet answer signature missing or invalid', { status });

    /** @type {any} */
    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new OpenApiError('invalid-response', 'wallet answer is not JSON', { status });
    }
    const result = payload && typeof payload === 'object' ? payload.result : undefined;
    const resultCode = typeof result?.resultCode === 'string' ? result.resultCode.slice(0, 64) : 'UNKNOWN';
    if (result?.resultStatus === 'U') throw new OpenApiError('transient', `wallet result U ${resultCode}`, { resultCode, status });
    if (result?.resultStatus === 'F') throw new OpenApiError('refused', `wallet result F ${resultCode}`, { resultCode, status });
    if (result?.resultStatus !== 'S' || resultCode !== 'SUCCESS') throw new OpenApiError('invalid-response', 'wallet answer has no valid result', { status });
    return payload;
  }

  /**
   * @param {{ grantType: 'AUTHORIZATION_CODE', authCode: string } | { grantType: 'REFRESH_TOKEN', refreshToken: string }} request
   * @returns {Promise<TokenGrant>}
   */
  async function applyToken(request) {
    const payload = await call(url, request, timeoutMs);
    const status = 200;
    const accessTokenExpiresAt = parseIsoTime(payload.accessTokenExpiryTime);
    if (typeof payload.accessToken !== 'string' || !payload.accessToken || accessTokenExpiresAt === null) {
      throw new OpenApiError('invalid-response', 'wallet success without a usable access token', { status });
    }
    const hasRefresh = typeof payload.refreshToken === 'string' && payload.refreshToken.length > 0;
    return {
      accessToken: payload.accessToken,
      accessTokenExpiresAt,
      refreshToken: hasRefresh ? payload.refreshToken : null,
      refreshTokenExpiresAt: hasRefresh ? parseIsoTime(payload.refreshTokenExpiryTime) : null,
      customerId: typeof payload.customerId === 'string' && payload.customerId ? payload.customerId : null,
    };
  }

  /**
   * The user's info, as far as the token's scopes reach (`userId` always; name, avatar, mobile number
   * with USER_NAME, USER_AVATAR, USER_CONTACTINFO).
   * @param {string} accessToken
   * @param {{ timeoutMs?: number }} [callOptions]
   * @returns {Promise<UserInfo>}
   */
  async function inquiryUserInfo(accessToken, callOptions = {}) {
    const payload = await call(userInfoUrl, { accessToken }, callOptions.timeoutMs ?? timeoutMs);
    const info = payload.userInfo;
    if (!info || typeof info !== 'object' || Array.isArray(info)) throw new OpenApiError('invalid-response', 'wallet success without user info', { status: 200 });
    const mobile = Array.isArray(info.contactInfos) ? info.contactInfos.find((/** @type {any} */ c) => c && c.contactType === 'MOBILE_PHONE') : undefined;
    return {
      userId: displayText(info.userId, 64),
      fullName: displayText(info.userName?.fullName, 128),
      avatar: displayText(info.avatar, 2048),
      mobilePhone: displayText(mobile?.contactNo, 64),
    };
  }

  return {
    applyToken,
    inquiryUserInfo,
    url: url.href,
    userInfoUrl: userInfoUrl.href,
    /** Ends the kept-alive connections to the wallet (none to end with an injected `fetchImpl`). */
    close: () => transport?.close(),
  };
}

/**
 * A short displayable string from the wallet, or null (absent, empty, too long, control characters).
 * @param {unknown} value @param {number} max
 */
function displayText(value, max) {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  // eslint-disable-next-line no-control-regex
  return trimmed.length > 0 && trimmed.length <= max && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed) ? trimmed : null;
}
