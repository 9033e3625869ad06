/**
 * createAuthServer on issue 16's real client: `wallet` is a WalletClient or the client's options (the
 * server then makes the client, and closes it with itself). Every exchange here is signed and verified
 * against the kit's wallet OpenAPI simulator, in process and over real HTTP.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAuthServer } from '../../server/auth/server';
import { createWalletClient } from '../../server/openapi/client';
import { createTestWallet, type TestWallet } from '../../server/testing';
import { sqliteStore } from '../../server/store/sqlite';
import { tokenKeys } from './support/auth';
import { waitUntil } from '../support/wait-until';

let tw: TestWallet;
beforeAll(async () => {
  tw = await createTestWallet({ clientId: 'OPTIONS_CLIENT' });
});

const session = (auth: ReturnType<typeof createAuthServer>, authCode: string, scopes = ['auth_base', 'USER_NAME']) =>
  auth.handler(new Request('http://localhost/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: JSON.stringify({ authCode, scopes }) }), { clientAddress: '127.0.0.1' });
const me = (auth: ReturnType<typeof createAuthServer>, sessionId: string) => auth.handler(new Request('http://localhost/api/auth/me', { headers: { authorization: `Bearer ${sessionId}` } }));

it.each([
  ['the client options', () => tw.clientOptions],
  ['a WalletClient', () => createWalletClient(tw.clientOptions)],
])('wallet as %s: a signed exchange, then /me through the wallet’s inquiryUserInfo', async (_, wallet) => {
  const auth = createAuthServer({ wallet: wallet(), tokenKeys: tokenKeys(), logger: null });
  const { authCode, customerId } = tw.simulator.issueCode({ scopes: ['auth_base', 'USER_NAME'] });
  const opened = await session(auth, authCode);
  expect(opened.status).toBe(200);
  const { sessionId } = await opened.json();
  const answer = await me(auth, sessionId);
  expect(await answer.json()).toEqual({ customerId, scopes: ['auth_base', 'USER_NAME'], user: { userId: customerId, userName: { fullName: expect.any(String) } } });
  await auth.close();
});

it('options a client refuses are a TypeError naming the option, before anything is made', () => {
  expect(() => createAuthServer({ wallet: { ...tw.clientOptions, privateKey: 'not a key' }, tokenKeys: tokenKeys(), logger: null })).toThrow(/privateKey/);
  expect(() => createAuthServer({ wallet: { ...tw.clientOptions, baseUrl: 'http://wallet.example' }, tokenKeys: tokenKeys(), logger: null })).toThrow(/baseUrl/);
  // @ts-expect-error neither a client nor its options
  expect(() => createAuthServer({ wallet: 'https://wallet.example', tokenKeys: tokenKeys(), logger: null })).toThrow(/wallet must be a WalletClient .* or its options/);
  // A client is not made when another option is wrong (no connection pool left behind).
  expect(() => createAuthServer({ wallet: tw.clientOptions, tokenKeys: { current: 'k', keys: {} }, logger: null })).toThrow(/tokenKeys/);
});

it('on the signed path, the wallet\'s tokens reach no answer, no log line and no byte of the SQLite files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mak-signed-secrets-'));
  // Access tokens of 30 s, inside the refresh margin: every use refreshes, so refresh tokens are issued and stored too.
  const short = await createTestWallet({ accessTokenTtlMs: 30_000, merchantKeys: tw.merchantKeys, walletKeys: tw.walletKeys });
  const tokens: string[] = [];
  const lines: string[] = [];
  // The client's fetch, recording every token the wallet hands out (only the test sees them).
  const recording = async (url: string, init: Parameters<typeof short.simulator.fetch>[1]) => {
    const answer = await short.simulator.fetch(url, init);
    const text = await answer.clone().text();
    for (const [, token] of text.matchAll(/"(?:accessToken|refreshToken)":"([^"]+)"/g)) tokens.push(token as string);
    return answer;
  };
  const auth = createAuthServer({
    wallet: { ...short.clientOptions, fetch: recording },
    store: sqliteStore({ filename: join(dir, 'auth.sqlite') }),
    tokenKeys: tokenKeys(),
    logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
  });
  const answers: string[] = [];
  try {
    for (const scopes of [['auth_base'], ['auth_base', 'USER_NAME', 'USER_AVATAR']]) {
      const opened = await session(auth, short.simulator.issueCode({ scopes }).authCode, scopes);
      const { sessionId } = JSON.parse(await opened.clone().text());
      answers.push(await opened.text(), await (await me(auth, sessionId)).text(), await (await me(auth, sessionId)).text());
    }
  } finally {
    await auth.close();
  }
  expect(tokens.length).toBeGreaterThanOrEqual(8);
  const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
  for (const token of tokens) {
    for (const text of [...answers, ...lines]) expect(text).not.toContain(token);
    for (const bytes of files) expect(bytes.includes(Buffer.from(token))).toBe(false);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('over HTTP', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!tw.simulator.nodeHandler(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const connections = () => new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));

  it('a client the server made from options is closed with it (its kept-alive connection ends); a client passed in is the caller’s', async () => {
    // Node's own transport (no injected fetch): kept-alive connections to the simulator.
    const { fetch: _inProcess, ...rest } = tw.clientOptions;
    const options = { ...rest, baseUrl: url };
    const made = createAuthServer({ wallet: options, tokenKeys: tokenKeys(), logger: null });
    expect((await session(made, tw.simulator.issueCode().authCode)).status).toBe(200);
    expect(await connections()).toBe(1);
    await made.close();
    await waitUntil(async () => (await connections()) === 0, 'the kept-alive connection ends');

    const client = createWalletClient(options);
    const given = createAuthServer({ wallet: client, tokenKeys: tokenKeys(), logger: null });
    expect((await session(given, tw.simulator.issueCode().authCode)).status).toBe(200);
    await given.close();
    // Still the caller's: it goes on working, on its kept-alive connection.
    await expect(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: tw.simulator.issueCode().authCode })).resolves.toMatchObject({ customerId: expect.any(String) });
    expect(await connections()).toBe(1);
    client.close();
    await waitUntil(async () => (await connections()) === 0, 'the kept-alive connection ends');
  });
});

