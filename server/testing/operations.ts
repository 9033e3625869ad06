/**
 * The simulated wallet's OpenAPIs: the checks the gateway makes on every request (client, request
 * time, RSA256 signature over the raw body and the path, a JSON object body), then the operation.
 * Each returns an OpenAPI payload (`result` S / F / U); signing the answer is the simulator's job.
 *
 * Request problems and their codes (the Alipay+ gateway's conventions): no `Client-Id` →
 * PARAM_ILLEGAL, another → INVALID_AUTH_CLIENT; `Request-Time` missing or unreadable → PARAM_ILLEGAL,
 * further than the skew from the wallet's clock → ACCESS_DENIED; `Signature` missing, malformed, not
 * RSA256, another keyVersion, or not verifying → INVALID_SIGNATURE; a body that is not a JSON object,
 * a bad grantType or a missing field → PARAM_ILLEGAL. v2 applyToken answers the code refusals in the
 * v2 spelling (INVALID_AUTHCODE…), as the Alipay+ docs list them.
 */
import { decodeUtf8, toHex, utf8 } from '../openapi/bytes';
import type { CryptoEngine } from '../openapi/crypto-engine';
import type { RsaKey } from '../openapi/keys';
import { parseSignatureHeader, verify } from '../openapi/signing';
import { parseResponseTime } from '../openapi/time';
import { SUCCESS, failure, type GrantBook, type Payload } from './grants';
import { simulatedUser } from './users';

export interface IncomingCall {
  method: string;
  /** The full request path (a base path included): what the signature covers. */
  path: string;
  headers: { get(name: string): string | null };
  body: Uint8Array;
  /** The v2 (Alipay+) dialect of the API. */
  v2: boolean;
}

export interface OperationContext {
  clientId: string;
  authClientId: string;
  merchantKeys: RsaKey[];
  merchantKeyVersion: number;
  maxClockSkewMs: number;
  now: () => number;
  engine: CryptoEngine;
  book: GrantBook;
  stats: { authorizationCode: number; refreshToken: number };
}

const nonEmpty = (value: unknown, max = 512): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

async function checkRequest(call: IncomingCall, ctx: OperationContext): Promise<{ failure: Payload } | { request: Record<string, unknown> }> {
  const clientId = call.headers.get('client-id');
  if (!clientId) return { failure: failure('PARAM_ILLEGAL', 'Client-Id header is required') };
  if (clientId !== ctx.clientId) return { failure: failure('INVALID_AUTH_CLIENT', 'unknown Client-Id') };
  const time = call.headers.get('request-time');
  const sentAt = time === null || /^\d+$/.test(time) && time.length < 12 ? null : parseResponseTime(time);
  if (time === null || sentAt === null) return { failure: failure('PARAM_ILLEGAL', 'Request-Time must be ISO 8601 with an offset (or epoch milliseconds)') };
  if (Math.abs(ctx.now() - sentAt) > ctx.maxClockSkewMs) return { failure: failure('ACCESS_DENIED', 'Request-Time is outside the accepted window') };
  const header = parseSignatureHeader(call.headers.get('signature'));
  const versionOk = header && (header.keyVersion === null || header.keyVersion === ctx.merchantKeyVersion);
  const parts = { method: call.method, path: call.path, clientId, time, body: call.body };
  if (!header || !versionOk || !(await verify(ctx.engine, ctx.merchantKeys, parts, header.signature))) {
    return { failure: failure('INVALID_SIGNATURE', 'signature verification failed') };
  }
  const text = decodeUtf8(call.body);
  try {
    const value: unknown = text === null ? null : JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { request: value as Record<string, unknown> };
  } catch {
    // Refused below.
  }
  return { failure: failure('PARAM_ILLEGAL', 'body must be a JSON object') };
}

/** Checks a request, then runs `operation` on its body. */
async function checked(call: IncomingCall, ctx: OperationContext, operation: (request: Record<string, unknown>) => Payload | Promise<Payload>): Promise<Payload> {
  const result = await checkRequest(call, ctx);
  return 'failure' in result ? result.failure : operation(result.request);
}

function applyToken(call: IncomingCall, ctx: OperationContext): Promise<Payload> {
  return checked(call, ctx, (request) => {
    if (call.v2) {
      if (!nonEmpty(request.appId, 32)) return failure('PARAM_ILLEGAL', 'appId is required');
      if (request.authClientId !== ctx.authClientId) return failure('INVALID_AUTH_CLIENT', 'unknown authClientId');
    }
    if (request.grantType === 'AUTHORIZATION_CODE') {
      if (!nonEmpty(request.authCode)) return failure('PARAM_ILLEGAL', 'authCode is required');
      ctx.stats.authorizationCode++;
      return ctx.book.redeemCode(request.authCode, call.v2);
    }
    if (request.grantType === 'REFRESH_TOKEN') {
      if (!nonEmpty(request.refreshToken)) return failure('PARAM_ILLEGAL', 'refreshToken is required');
      ctx.stats.refreshToken++;
      return ctx.book.redeemRefreshToken(request.refreshToken);
    }
    return failure('PARAM_ILLEGAL', 'grantType must be AUTHORIZATION_CODE or REFRESH_TOKEN');
  });
}

/**
 * The user's info as far as the token's scopes reach: `userId` always, `userName` with USER_NAME,
 * `avatar` with USER_AVATAR, `contactInfos` with USER_CONTACTINFO, `loginIdInfos` with USER_LOGIN_ID.
 */
function inquiryUserInfo(call: IncomingCall, ctx: OperationContext): Promise<Payload> {
  return checked(call, ctx, async ({ accessToken, authClientId }) => {
    if (!nonEmpty(accessToken)) return failure('PARAM_ILLEGAL', 'accessToken is required');
    if (call.v2 && authClientId !== undefined && authClientId !== ctx.authClientId) return failure('INVALID_AUTH_CLIENT', 'unknown authClientId');
    const entry = ctx.book.accessToken(accessToken);
    if (!entry) return failure('INVALID_ACCESS_TOKEN', 'access token is invalid');
    if (ctx.now() >= entry.expiresAt) return failure('EXPIRED_ACCESS_TOKEN', 'access token has expired');
    const scopes = new Set(entry.scopes);
    const user = simulatedUser(entry.customerId);
    const hashLoginId = scopes.has('USER_LOGIN_ID') ? toHex(await ctx.engine.sha256(utf8(user.mobile))) : '';
    return {
      result: SUCCESS,
      userInfo: {
        userId: entry.customerId,
        ...(scopes.has('USER_LOGIN_ID') ? { loginIdInfos: [{ loginIdType: 'MOBILE_PHONE', maskLoginId: user.maskedMobile, hashLoginId }] } : {}),
        ...(scopes.has('USER_NAME') ? { userName: { fullName: user.fullName } } : {}),
        ...(scopes.has('USER_AVATAR') ? { avatar: user.avatar } : {}),
        ...(scopes.has('USER_CONTACTINFO') ? { contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: user.maskedMobile }] } : {}),
      },
    };
  });
}

/** Revokes the grant behind an access token; again on a cancelled token is still a success. */
function cancelToken(call: IncomingCall, ctx: OperationContext): Promise<Payload> {
  return checked(call, ctx, ({ accessToken }) => {
    if (!nonEmpty(accessToken)) return failure('PARAM_ILLEGAL', 'accessToken is required');
    return ctx.book.revoke(accessToken) ? { result: SUCCESS } : failure('INVALID_ACCESS_TOKEN', 'access token is invalid');
  });
}

export const OPERATIONS = { applyToken, inquiryUserInfo, cancelToken } as const;
export type ApiName = keyof typeof OPERATIONS;
