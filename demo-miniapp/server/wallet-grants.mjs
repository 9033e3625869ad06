/**
 * What the simulated wallet remembers: the codes it issued (single use, expiring), the tokens it issued
 * for them (access tokens expiring, refresh tokens rotating on use), and the scopes each customer has
 * granted this client so far (a token carries all of them). Answers are OpenAPI payloads.
 */
import { randomBytes } from 'node:crypto';
import { requestTime } from './signing.mjs';

/**
 * @typedef {{ customerId: string, scopes: string[], expiresAt: number, usedAt: number | null }} Grant
 */

/** @param {string} resultCode @param {string} resultMessage */
export function failure(resultCode, resultMessage) {
  return { result: { resultCode, resultStatus: 'F', resultMessage } };
}

function newToken() {
  // Shaped like the seed's tokens (upper-case hex), 160 random bits.
  return `2810100${randomBytes(20).toString('hex').toUpperCase()}`;
}

/**
 * @param {{
 *   now: () => number, codeTtlMs: number, accessTokenTtlMs: number, refreshTokenTtlMs: number,
 *   defaultCustomerId: string, stats: { codesIssued: number },
 * }} options
 */
export function createGrantBook({ now, codeTtlMs, accessTokenTtlMs, refreshTokenTtlMs, defaultCustomerId, stats }) {
  /** @type {Map<string, Grant>} */
  const codes = new Map();
  /** @type {Map<string, Grant>} */
  const refreshTokens = new Map();
  /** @type {Map<string, { customerId: string, scopes: string[], expiresAt: number }>} */
  const accessTokens = new Map();
  /** Scopes each customer has granted this client so far; a token carries all of them. */
  /** @type {Map<string, Set<string>>} */
  const grants = new Map();
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

  /** @param {Grant} grant the applyToken success payload for a redeemed grant */
  function issueTokens({ customerId, scopes }) {
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
   * Single use with expiry, for codes and refresh tokens alike (a refresh token rotates on use).
   * @param {Map<string, Grant>} store @param {string} key @param {'CODE' | 'REFRESH_TOKEN'} kind
   */
  function redeem(store, key, kind) {
    const grant = store.get(key);
    if (!grant) return failure(`INVALID_${kind}`, `${kind.toLowerCase()} is invalid`);
    if (grant.usedAt !== null) return failure(`USED_${kind}`, `${kind.toLowerCase()} was already used`);
    if (now() >= grant.expiresAt) return failure(`EXPIRED_${kind}`, `${kind.toLowerCase()} has expired`);
    grant.usedAt = now();
    return issueTokens(grant);
  }

  return {
    issueCode,
    /** applyToken with an authorization code: tokens, or INVALID_CODE / USED_CODE / EXPIRED_CODE. @param {string} code */
    redeemCode: (code) => redeem(codes, code, 'CODE'),
    /** applyToken with a refresh token: new tokens, or INVALID_/USED_/EXPIRED_REFRESH_TOKEN. @param {string} token */
    redeemRefreshToken: (token) => redeem(refreshTokens, token, 'REFRESH_TOKEN'),
    /** What an access token grants (also when expired), or undefined when unknown. @param {string} token */
    accessToken: (token) => accessTokens.get(token),
  };
}
