/** An auth server over the fake wallet, and requests to its handler, for the handler-level tests. */
import { createAuthServer, type AuthServer } from '../../../server/auth/server';
import type { AuthServerOptions } from '../../../server/auth/options';
import { memoryStore } from '../../../server/store/memory';
import { createFakeWallet, newTokenKey, type FakeWallet } from './fake-wallet';

export interface TestAuth {
  auth: AuthServer;
  wallet: FakeWallet;
  /** `bearer`: the session this exchange adds to. */
  post(code: string, key?: string, scopes?: string[], address?: string, bearer?: string): Promise<{ status: number; body: any; headers: Headers }>;
  me(sessionId: string, scheme?: string): Promise<{ status: number; body: any; headers: Headers }>;
}

export const tokenKeys = (id = 'k1', key = newTokenKey()) => ({ current: id, keys: { [id]: key } });

export function testAuth(options: Partial<AuthServerOptions> = {}, wallet: FakeWallet = createFakeWallet()): TestAuth {
  const auth = createAuthServer({ wallet: wallet.client, store: memoryStore(), tokenKeys: tokenKeys(), logger: null, ...options });
  const read = async (response: Response) => ({ status: response.status, body: response.status === 204 ? null : await response.json(), headers: response.headers });
  return {
    auth,
    wallet,
    post: async (code, key, scopes = ['auth_base'], address = '198.51.100.7', bearer) =>
      read(await auth.handler(new Request('http://localhost/api/auth/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }), ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
        body: JSON.stringify({ authCode: code, scopes }),
      }), { clientAddress: address })),
    me: async (sessionId, scheme = 'Bearer') => read(await auth.handler(new Request('http://localhost/api/auth/me', { headers: { authorization: `${scheme} ${sessionId}` } }))),
  };
}
