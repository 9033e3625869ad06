/**
 * The auth server in a runtime without node:crypto and Buffer (Workers, Deno, browsers): WebCrypto and
 * btoa/atob alone, and what it seals opens with node:crypto and Buffer and the other way round (one
 * store, instances on both).
 */
import { createFakeWallet, newTokenKey } from './support/fake-wallet';
import { memoryStore } from '../../server/store/memory';
import { randomBytes, randomId } from '../../server/auth/bytes';

type Server = typeof import('../../server/auth/server');

function loadWithout(nodeCrypto: boolean): Server {
  const p = process as unknown as { getBuiltinModule?: unknown };
  const g = globalThis as { Buffer?: unknown };
  const saved = p.getBuiltinModule;
  const savedBuffer = g.Buffer;
  if (!nodeCrypto) {
    p.getBuiltinModule = undefined;
    g.Buffer = undefined;
  }
  try {
    let mod!: Server;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require('../../server/auth/server');
    });
    return mod;
  } finally {
    p.getBuiltinModule = saved;
    g.Buffer = savedBuffer;
  }
}

it('WebCrypto and btoa alone: an exchange, /me and a replay; sealed values open across both implementations', async () => {
  const web = loadWithout(false);
  const node = loadWithout(true);
  const store = memoryStore();
  const wallet = createFakeWallet();
  const tokenKeys = { current: 'k1', keys: { k1: newTokenKey() } };
  const onWeb = web.createAuthServer({ wallet: wallet.client, store, tokenKeys, logger: null });
  const onNode = node.createAuthServer({ wallet: wallet.client, store, tokenKeys, logger: null });
  const code = wallet.issueCode('c1', ['USER_NAME']);
  const subtle = jest.spyOn(crypto.subtle, 'encrypt');
  await onNode.exchangeCode({ authCode: wallet.issueCode('c0'), scopes: ['auth_base'] });
  expect(subtle).not.toHaveBeenCalled();
  const btoa = jest.spyOn(globalThis, 'btoa');
  const first = await onWeb.exchangeCode({ authCode: code, scopes: ['USER_NAME'], idempotencyKey: 'key' });
  expect(subtle).toHaveBeenCalledTimes(3);
  expect(btoa).toHaveBeenCalled();
  subtle.mockRestore();
  btoa.mockRestore();
  // The replay copy sealed by WebCrypto opens with node:crypto, and the tokens too.
  expect((await onNode.exchangeCode({ authCode: code, scopes: ['USER_NAME'], idempotencyKey: 'key' })).sessionId).toBe(first.sessionId);
  expect(await onNode.withAccessToken(first.sessionId, async (token) => token.length)).toBe(40);
  const second = await onNode.exchangeCode({ authCode: wallet.issueCode('c2'), scopes: ['auth_base'], idempotencyKey: 'k2' });
  expect(await onWeb.withAccessToken(second.sessionId, async (token) => token.length)).toBe(40);
  const me = await onWeb.handler(new Request('http://x/api/auth/me', { headers: { authorization: `Bearer ${first.sessionId}` } }));
  expect(await me.json()).toEqual({ customerId: 'c1', scopes: ['USER_NAME'], user: { userId: 'c1', nickName: 'Zainab', userName: { fullName: 'Zainab Al-Hashimi' } } });
  await Promise.all([onWeb.close(), onNode.close()]);
});

it('random bytes come from a pool: each byte handed out once (no id or IV twice across refills), one CSPRNG call per 4 KiB', () => {
  const getRandomValues = jest.spyOn(crypto, 'getRandomValues');
  const ids = Array.from({ length: 1000 }, () => randomId());
  const ivs = Array.from({ length: 1000 }, () => randomBytes(12));
  expect(ids.every((id) => /^[A-Za-z0-9_-]{43}$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(1000);
  expect(new Set(ivs.map((iv) => Buffer.from(iv).toString('hex'))).size).toBe(1000);
  expect(ivs.every((iv) => iv.length === 12)).toBe(true);
  // 44 000 bytes: 11 pools (one more when the test starts on a partly used pool).
  expect(getRandomValues.mock.calls.length).toBeLessThanOrEqual(12);
  // More than a pool holds: straight from the CSPRNG.
  expect(randomBytes(10_000)).toHaveLength(10_000);
  getRandomValues.mockRestore();
});
