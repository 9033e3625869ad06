/**
 * An in-process wallet behind the `WalletClient` interface, for the handler-level tests that need a
 * failure at one exact call (a hang, a refusal, a transient error) or a count of calls by kind:
 * single-use expiring codes, rotating refresh tokens, expiring access tokens, user info by scope,
 * failures on demand, and a log of every call. The signed path (createWalletClient against the kit's
 * simulator, in process and over HTTP) is covered by wallet-client.test.ts, the multi-process tests
 * and the demo's.
 */
import { randomBytes } from 'node:crypto';
import { WalletError } from '../../../server/openapi/errors';
import type { ApplyTokenRequest, CallOptions, TokenGrant, UserInfo, WalletClient } from '../../../server/openapi/types';

type Api = 'applyToken' | 'inquiryUserInfo';
export interface FakeCall {
  api: Api;
  grantType?: string;
  /** What the wallet answered: SUCCESS, a result code, or the failure's kind. */
  outcome: string;
}

const REFUSAL_ACTIONS: Record<string, WalletError['action']> = {
  INVALID_CODE: 'NEW_AUTH_CODE', USED_CODE: 'NEW_AUTH_CODE', EXPIRED_CODE: 'NEW_AUTH_CODE',
  INVALID_REFRESH_TOKEN: 'REAUTHORIZE', USED_REFRESH_TOKEN: 'REAUTHORIZE', EXPIRED_REFRESH_TOKEN: 'REAUTHORIZE',
  INVALID_ACCESS_TOKEN: 'REFRESH', EXPIRED_ACCESS_TOKEN: 'REFRESH',
};

export function refused(api: Api, resultCode: string): WalletError {
  return new WalletError({ kind: 'refused', action: REFUSAL_ACTIONS[resultCode] ?? 'INVESTIGATE', api, resultStatus: 'F', resultCode, verified: true });
}
export const transient = (api: Api) => new WalletError({ kind: 'transient', action: 'RETRY_LATER', api, resultStatus: 'U', resultCode: 'UNKNOWN_EXCEPTION', verified: true });

export interface FakeWalletOptions {
  clientId?: string;
  accessTtlMs?: number;
  refreshTtlMs?: number;
  latencyMs?: number;
}

export function createFakeWallet(options: FakeWalletOptions = {}) {
  const clientId = options.clientId ?? 'FAKE_CLIENT';
  const codes = new Map<string, { customerId: string; scopes: string[]; used: boolean; expiresAt: number }>();
  const refreshTokens = new Map<string, { customerId: string; used: boolean }>();
  const accessTokens = new Map<string, { customerId: string; expiresAt: number; revoked: boolean }>();
  const calls: FakeCall[] = [];
  const faults: Array<{ api: Api; error: () => Error }> = [];
  const holds: Array<{ api: Api; released: Promise<void> }> = [];
  let latencyMs = options.latencyMs ?? 0;
  const token = () => randomBytes(20).toString('hex').toUpperCase();

  function issueTokens(customerId: string): TokenGrant {
    const accessToken = token();
    const refreshToken = token();
    const accessTokenExpiresAt = Date.now() + (options.accessTtlMs ?? 3600_000);
    accessTokens.set(accessToken, { customerId, expiresAt: accessTokenExpiresAt, revoked: false });
    refreshTokens.set(refreshToken, { customerId, used: false });
    return { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt: Date.now() + (options.refreshTtlMs ?? 86_400_000), customerId };
  }

  async function enter(api: Api, signal?: AbortSignal): Promise<void> {
    const held = holds.findIndex((h) => h.api === api);
    if (held >= 0) await holds.splice(held, 1)[0]!.released;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (signal?.aborted) throw new WalletError({ kind: 'timeout', action: 'RETRY_LATER', api });
    const i = faults.findIndex((f) => f.api === api);
    if (i >= 0) {
      const [fault] = faults.splice(i, 1);
      throw fault!.error();
    }
  }

  function redeem(request: ApplyTokenRequest): TokenGrant {
    if (request.grantType === 'AUTHORIZATION_CODE') {
      const code = codes.get(request.authCode);
      if (!code) throw refused('applyToken', 'INVALID_CODE');
      if (code.used) throw refused('applyToken', 'USED_CODE');
      if (Date.now() >= code.expiresAt) throw refused('applyToken', 'EXPIRED_CODE');
      code.used = true;
      return issueTokens(code.customerId);
    }
    const entry = refreshTokens.get(request.refreshToken);
    if (!entry) throw refused('applyToken', 'INVALID_REFRESH_TOKEN');
    if (entry.used) throw refused('applyToken', 'USED_REFRESH_TOKEN');
    entry.used = true;
    return issueTokens(entry.customerId);
  }

  const client: WalletClient = {
    clientId,
    profile: 'superqi',
    async applyToken(request: ApplyTokenRequest, callOptions?: CallOptions) {
      const call: FakeCall = { api: 'applyToken', grantType: request.grantType, outcome: 'pending' };
      calls.push(call);
      try {
        await enter('applyToken', callOptions?.signal);
        const grant = redeem(request);
        call.outcome = 'SUCCESS';
        return grant;
      } catch (error) {
        call.outcome = error instanceof WalletError ? error.resultCode ?? error.kind : 'error';
        throw error;
      }
    },
    async inquiryUserInfo(accessToken: string, callOptions?: CallOptions): Promise<UserInfo> {
      const call: FakeCall = { api: 'inquiryUserInfo', outcome: 'pending' };
      calls.push(call);
      await enter('inquiryUserInfo', callOptions?.signal).catch((e) => {
        call.outcome = e.resultCode ?? e.kind;
        throw e;
      });
      const entry = accessTokens.get(accessToken);
      if (!entry || entry.revoked) throw ((call.outcome = 'INVALID_ACCESS_TOKEN'), refused('inquiryUserInfo', 'INVALID_ACCESS_TOKEN'));
      if (Date.now() >= entry.expiresAt) throw ((call.outcome = 'EXPIRED_ACCESS_TOKEN'), refused('inquiryUserInfo', 'EXPIRED_ACCESS_TOKEN'));
      call.outcome = 'SUCCESS';
      return userOf(entry.customerId);
    },
    async cancelToken(accessToken: string) {
      const entry = accessTokens.get(accessToken);
      if (entry) entry.revoked = true;
    },
    async call() {
      throw new WalletError({ kind: 'config', action: 'FIX_CONFIG', api: 'call', detail: 'not simulated' });
    },
    async checkKeys() {
      return { ok: true, problems: [] };
    },
  };

  return {
    client,
    calls,
    /** A code as the wallet hands it to the miniapp after consent. */
    issueCode(customerId = 'customer-1', scopes: string[] = ['auth_base'], ttlMs = 600_000): string {
      const code = `0000000001${randomBytes(16).toString('base64url')}`;
      codes.set(code, { customerId, scopes, used: false, expiresAt: Date.now() + ttlMs });
      return code;
    },
    /** The next call of `api` fails with `error()`. */
    failNext(api: Api, error: () => Error) {
      faults.push({ api, error });
    },
    /** The next call of `api` waits (as a process stuck mid-call would) until `release()`. */
    hold(api: Api): { release(): void } {
      let release!: () => void;
      holds.push({ api, released: new Promise<void>((r) => (release = r)) });
      return { release: () => release() };
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    /** Every access token issued to `customerId` stops working (as after a wallet-side expiry). */
    expireAccessTokens() {
      for (const entry of accessTokens.values()) entry.expiresAt = 0;
    },
    count: (api: Api, grantType?: string) => calls.filter((c) => c.api === api && (grantType === undefined || c.grantType === grantType)).length,
  };
}

export function userOf(customerId: string): UserInfo {
  return {
    userId: customerId,
    nickName: 'Zainab',
    userName: { fullName: 'Zainab Al-Hashimi' },
    avatar: 'https://example.com/a.png',
    gender: 'F',
    contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: '+964 770 000 1234' }],
    loginIdInfos: [{ loginIdType: 'MOBILE_PHONE', loginId: '+964 770 000 1234' }],
  };
}

export type FakeWallet = ReturnType<typeof createFakeWallet>;

/** 32 random bytes as base64: a token key. */
export const newTokenKey = () => randomBytes(32).toString('base64');
