/**
 * What the simulated wallet remembers: the codes it issued (single use, expiring), the tokens it
 * issued for them (access tokens expiring, refresh tokens rotating on use), each grant's tokens
 * (cancelToken revokes the grant: every token issued from one code, across refreshes), and the
 * scopes each customer granted this client so far (a token carries all of them).
 */
import { toBase64, toHex } from '../openapi/bytes';
import { formatRequestTime } from '../openapi/time';

export interface Grant {
  customerId: string;
  scopes: string[];
  expiresAt: number;
  usedAt: number | null;
  /** The grant a refresh token belongs to (a code starts one). */
  grantId?: number;
}

export interface AccessGrant {
  customerId: string;
  scopes: string[];
  expiresAt: number;
  /** The grant it belongs to: revoked with every other token of it. */
  grantId: number;
}

export type Payload = Record<string, unknown>;

export const failure = (resultCode: string, resultMessage: string): Payload => ({ result: { resultCode, resultStatus: 'F', resultMessage } });
export const SUCCESS = { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } as const;

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Shaped like the seed's tokens (upper-case hex), 160 random bits. */
const newToken = () => `2810100${toHex(randomBytes(20)).toUpperCase()}`;
/** `0000000001…` like the codes in SuperQi's docs; 128 random bits. */
const newCode = () => `0000000001${toBase64(randomBytes(16)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;

export interface GrantBookOptions {
  now: () => number;
  codeTtlMs: number;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  defaultCustomerId: string;
  onIssue: () => void;
}

export type GrantBook = ReturnType<typeof createGrantBook>;

export function createGrantBook({ now, codeTtlMs, accessTokenTtlMs, refreshTokenTtlMs, defaultCustomerId, onIssue }: GrantBookOptions) {
  const codes = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessGrant>();
  const granted = new Map<string, Set<string>>();
  /** Each grant's tokens, access and refresh, for cancelToken. */
  const grants = new Map<number, string[]>();
  /** Access tokens cancelled: cancelling one again still succeeds. */
  const revoked = new Set<string>();
  let writes = 0;
  let grantIds = 0;

  /** Forgets long-expired entries now and then, so a load test does not grow memory without bound. */
  function sweep(): void {
    if (++writes % 512 !== 0) return;
    const cutoff = now() - codeTtlMs;
    for (const map of [codes, refreshTokens, accessTokens] as Array<Map<string, { expiresAt: number }>>) {
      for (const [key, value] of map) if (value.expiresAt < cutoff) map.delete(key);
    }
    for (const [id, tokens] of grants) if (!tokens.some((token) => accessTokens.has(token) || refreshTokens.has(token))) grants.delete(id);
  }

  function issueCode({ scopes, customerId = defaultCustomerId, ttlMs = codeTtlMs }: { scopes: string[]; customerId?: string; ttlMs?: number }) {
    const authCode = newCode();
    const expiresAt = now() + ttlMs;
    codes.set(authCode, { customerId, scopes: [...new Set(scopes)], expiresAt, usedAt: null });
    onIssue();
    sweep();
    return { authCode, customerId, expiresAt };
  }

  function issueTokens({ customerId, scopes, grantId = ++grantIds }: Grant): Payload {
    const all = granted.get(customerId) ?? new Set<string>();
    for (const scope of scopes) all.add(scope);
    granted.set(customerId, all);
    const t = now();
    const accessToken = newToken();
    const refreshToken = newToken();
    accessTokens.set(accessToken, { customerId, scopes: [...all], expiresAt: t + accessTokenTtlMs, grantId });
    refreshTokens.set(refreshToken, { customerId, scopes: [...all], expiresAt: t + refreshTokenTtlMs, usedAt: null, grantId });
    grants.set(grantId, [...(grants.get(grantId) ?? []), accessToken, refreshToken]);
    sweep();
    return {
      result: SUCCESS,
      accessToken,
      accessTokenExpiryTime: formatRequestTime(t + accessTokenTtlMs),
      refreshToken,
      refreshTokenExpiryTime: formatRequestTime(t + refreshTokenTtlMs),
      customerId,
      extendInfo: null,
    };
  }

  /** Single use with expiry, for codes and refresh tokens alike (a refresh token rotates on use). */
  function redeem(store: Map<string, Grant>, key: string, codes: { invalid: string; used: string; expired: string }): Payload {
    const grant = store.get(key);
    if (!grant) return failure(codes.invalid, 'not issued');
    if (grant.usedAt !== null) return failure(codes.used, 'already used');
    if (now() >= grant.expiresAt) return failure(codes.expired, 'expired');
    grant.usedAt = now();
    return issueTokens(grant);
  }

  return {
    issueCode,
    redeemCode: (code: string, v2: boolean) =>
      redeem(codes, code, v2 ? { invalid: 'INVALID_AUTHCODE', used: 'USED_AUTHCODE', expired: 'EXPIRED_AUTHCODE' } : { invalid: 'INVALID_CODE', used: 'USED_CODE', expired: 'EXPIRED_CODE' }),
    redeemRefreshToken: (token: string) => redeem(refreshTokens, token, { invalid: 'INVALID_REFRESH_TOKEN', used: 'USED_REFRESH_TOKEN', expired: 'EXPIRED_REFRESH_TOKEN' }),
    /** What an access token grants (also when expired), or undefined. */
    accessToken: (token: string) => accessTokens.get(token),
    /** cancelToken: every token of the access token's grant stops working. Idempotent: false only for a token never issued. */
    revoke(token: string): boolean {
      const entry = accessTokens.get(token);
      if (!entry) return revoked.has(token);
      for (const issued of grants.get(entry.grantId) ?? []) {
        if (accessTokens.delete(issued)) revoked.add(issued);
        refreshTokens.delete(issued);
      }
      grants.delete(entry.grantId);
      return true;
    },
  };
}
