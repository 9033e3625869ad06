/**
 * The simulated wallet's OpenAPIs, `applyToken` and `inquiryUserInfo`: the checks the real gateway
 * makes on every request (client, request time, RSA256 signature, a JSON object body), then the
 * operation. Each answers an OpenAPI payload (`result` S / F / U); signing it is the caller's job.
 */
import { parseIsoTime, verifySignatureHeaderAsync } from './signing.mjs';
import { header, parseJsonObject, pathOf } from './http-util.mjs';
import { failure } from './wallet-grants.mjs';
import { simulatedUser } from './simulated-users.mjs';

/** @param {unknown} value @returns {value is string} */
function nonEmptyString(value) {
  return typeof value === 'string' && value.length > 0 && value.length <= 512;
}

/**
 * @param {{
 *   clientId: string, merchantKey: import('node:crypto').KeyObject, merchantKeyVersion: number, maxClockSkewMs: number,
 *   now: () => number, book: ReturnType<typeof import('./wallet-grants.mjs').createGrantBook>,
 *   stats: { authorizationCode: number, refreshToken: number },
 * }} deps
 */
export function createWalletOperations({ clientId, merchantKey, merchantKeyVersion, maxClockSkewMs, now, book, stats }) {
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
      return book.redeemCode(request.authCode);
    }
    if (request.grantType === 'REFRESH_TOKEN') {
      if (!nonEmptyString(request.refreshToken)) return failure('PARAM_ILLEGAL', 'refreshToken is required');
      stats.refreshToken++;
      return book.redeemRefreshToken(request.refreshToken);
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
    const entry = book.accessToken(accessToken);
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

  return { applyToken, inquiryUserInfo };
}
