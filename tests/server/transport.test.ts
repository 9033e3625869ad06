/**
 * The transport: baseUrl rules (https, or http on loopback; a path prefix kept and signed), the
 * pluggable fetch and what it is handed, kept-alive connections, TLS checks that no switch or
 * environment variable turns off (run in child processes: their environment is the point), the
 * onCall hook, and the options that are refused.
 */
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import { join } from 'node:path';
import { createWalletClient } from '../../server';
import type { WalletCallEvent, WalletFetch } from '../../server';
import { createWalletOpenApiSimulator } from '../../server/testing';
import { CLIENT_ID, keys, opensslDir, walletError, world } from './helpers';

const base = () => ({ clientId: CLIENT_ID, privateKey: keys().merchant.privatePem, walletPublicKey: keys().wallet.publicPem });

describe('baseUrl', () => {
  it('https, or plain http on a loopback host only: TLS cannot be turned off', () => {
    for (const ok of ['https://open.superqi.example', 'https://gw.example/prefix/', 'http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9', 'http://wallet.localhost']) {
      expect(() => createWalletClient({ ...base(), baseUrl: ok })).not.toThrow();
    }
    for (const bad of ['http://open.superqi.example', 'http://10.0.0.8', 'ftp://x.example', 'not a url', '', 'https://user:pw@x.example', 'https://x.example/?a=1', 'https://x.example/#f']) {
      expect(() => createWalletClient({ ...base(), baseUrl: bad })).toThrow(/^createWalletClient: baseUrl /);
    }
  });

  it('a path prefix is kept and signed (the wallet checks the signature over the whole path)', async () => {
    const { exchange, sim } = world({ basePath: '/gateway/api' });
    await expect(exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
    expect(sim.calls.at(-1)).toMatchObject({ path: '/gateway/api/v1/authorizations/applyToken', resultCode: 'SUCCESS' });
    // Without the prefix the gateway has no such API: an unsigned 404, a configuration to fix.
    const { exchange: misrouted } = world({ basePath: '/gateway/api' }, { baseUrl: 'https://wallet.test' });
    expect(await walletError(misrouted())).toMatchObject({ kind: 'config', action: 'FIX_CONFIG', httpStatus: 404 });
  });
});

test('the options: unknown ones (a typo, a TLS switch) and bad values are TypeErrors naming them', () => {
  const options = { ...base(), baseUrl: 'https://x.example' };
  expect(() => createWalletClient({ ...options, rejectUnauthorized: false } as never)).toThrow('createWalletClient: unknown option "rejectUnauthorized".');
  expect(() => createWalletClient({ ...options, maxClockSkew: 1 } as never)).toThrow(/unknown option "maxClockSkew"/);
  const bad: Array<[string, unknown, RegExp]> = [
    ['clientId', '', /clientId/], ['clientId', 'a\nb', /clientId/], ['keyVersion', 1.5, /keyVersion/], ['profile', 'v3', /profile/], ['fetch', 'fetch', /fetch must be a function/],
    ['timeoutMs', 0, /timeoutMs/], ['maxClockSkewMs', 10, /maxClockSkewMs/], ['retries', 9, /retries/], ['onCall', {}, /onCall/], ['cryptoEngine', 'openssl', /cryptoEngine/], ['now', 5, /now/],
  ];
  for (const [name, value, message] of bad) expect(() => createWalletClient({ ...options, [name]: value } as never)).toThrow(message);
  expect(() => createWalletClient({ ...options, profile: 'alipayplus' })).toThrow(/appId/);
  expect(() => createWalletClient(null as never)).toThrow(/options must be an object/);
});

test('the fetch it is handed gets a string URL and a signed POST, in the profile\'s dialect', async () => {
  for (const profile of ['superqi', 'alipayplus'] as const) {
    const seen: Array<{ url: string; init: Parameters<WalletFetch>[1] }> = [];
    const sim = createWalletOpenApiSimulator({ clientId: CLIENT_ID, merchantPublicKey: keys().merchant.publicPem, walletPrivateKey: keys().wallet.privatePem });
    const fetch: WalletFetch = (url, init) => (seen.push({ url, init }), sim.fetch(url, init));
    const client = createWalletClient({ ...base(), baseUrl: 'https://wallet.test/', profile, appId: 'APP_1', customerBelongsTo: 'TNG', fetch });
    await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode });
    const [{ url, init }] = seen as [(typeof seen)[0]];
    expect(url).toBe(profile === 'superqi' ? 'https://wallet.test/v1/authorizations/applyToken' : 'https://wallet.test/v2/authorizations/applyToken');
    expect(init).toMatchObject({ method: 'POST', redirect: 'error', signal: expect.any(AbortSignal), headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Client-Id': CLIENT_ID } });
    expect(init.headers['Request-Time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(init.headers.Signature).toMatch(profile === 'superqi' ? /^algorithm=RSA256, keyVersion=1, signature=[A-Za-z0-9+/]+={0,2}$/ : /^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$/);
    const body = JSON.parse(init.body);
    expect(body).toEqual(
      profile === 'superqi'
        ? { grantType: 'AUTHORIZATION_CODE', authCode: expect.any(String), extendInfo: '{"customerBelongsTo":"TNG"}' }
        : { appId: 'APP_1', authClientId: CLIENT_ID, customerBelongsTo: 'TNG', grantType: 'AUTHORIZATION_CODE', authCode: expect.any(String) },
    );
  }
});

test('the default transport keeps its connection alive across calls; the global fetch works too', async () => {
  const sim = createWalletOpenApiSimulator({ clientId: CLIENT_ID, merchantPublicKey: keys().merchant.publicPem, walletPrivateKey: keys().wallet.privatePem });
  let connections = 0;
  const server = http.createServer((req, res) => void sim.nodeHandler(req, res)).on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const client = createWalletClient({ ...base(), baseUrl });
  try {
    const grant = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode });
    for (let i = 0; i < 5; i++) await client.inquiryUserInfo(grant.accessToken);
    expect(connections).toBe(1);
    const viaFetch = createWalletClient({ ...base(), baseUrl, fetch: globalThis.fetch });
    await expect(viaFetch.inquiryUserInfo(grant.accessToken)).resolves.toMatchObject({ userId: grant.customerId });
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('TLS is always checked', () => {
  const ssl = opensslDir();
  const { merchant, wallet } = keys();
  beforeAll(() => {
    ssl.openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1']);
  });
  afterAll(() => ssl.done());
  const child = (env: Record<string, string>) => {
    const out = execFileSync(process.execPath, [join(__dirname, 'fixtures', 'tls-child.mjs')], {
      env: { PATH: process.env.PATH, TLS_DIR: ssl.dir, MERCHANT_PRIVATE: merchant.privatePem, MERCHANT_PUBLIC: merchant.publicPem, WALLET_PRIVATE: wallet.privatePem, WALLET_PUBLIC: wallet.publicPem, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out);
  };

  it('a certificate the machine does not trust is refused, even with NODE_TLS_REJECT_UNAUTHORIZED=0', () => {
    const result = child({ NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    // Node's own default agent obeys the variable; the kit's does not.
    expect(result.nodeDefaultAccepts).toBe(true);
    expect(result.outcome).toMatchObject({ ok: false, kind: 'network' });
  });

  it('the same server is reached once its certificate is trusted (NODE_EXTRA_CA_CERTS)', () => {
    expect(child({ NODE_EXTRA_CA_CERTS: join(ssl.dir, 'cert.pem') }).outcome).toMatchObject({ ok: true, customerId: expect.any(String) });
  });
});

test('onCall: one event per attempt with timings and codes; a throwing hook changes nothing', async () => {
  const seen: WalletCallEvent[] = [];
  const { exchange, client, sim } = world({}, { onCall: (e) => void seen.push(e) });
  const grant = await exchange();
  sim.setFault({ type: 'HTTP_503', api: 'inquiryUserInfo', times: 1 });
  await client.inquiryUserInfo(grant.accessToken);
  await walletError(exchange('0000000001nosuchcode'));
  expect(seen.map((e) => [e.api, e.attempt, e.httpStatus, e.resultStatus, e.resultCode, e.verified, e.errorKind])).toEqual([
    ['applyToken', 1, 200, 'S', 'SUCCESS', true, null],
    ['inquiryUserInfo', 1, 503, null, null, false, 'transient'],
    ['inquiryUserInfo', 2, 200, 'S', 'SUCCESS', true, null],
    ['applyToken', 1, 200, 'F', 'INVALID_CODE', true, 'refused'],
  ]);
  for (const e of seen) {
    expect(Object.keys(e).sort()).toEqual(['api', 'attempt', 'durationMs', 'errorKind', 'httpStatus', 'path', 'resultCode', 'resultStatus', 'startedAt', 'timings', 'verified']);
    expect(e.durationMs).toBeGreaterThanOrEqual(e.timings.signMs);
    expect(e.timings.signMs).toBeGreaterThan(0);
  }
  const throwing = world({}, { onCall: () => { throw new Error('metrics down'); } });
  await expect(throwing.exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
});

test('a hostile server, on the default transport and on the global fetch: a redirect is not followed, an endless body is cut at 1 MiB, a trickling body ends at the deadline', async () => {
  let elsewhere = 0;
  const other = http.createServer((_, res) => void (elsewhere++, res.end('{}')));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const timers = new Set<NodeJS.Timeout>();
  const hostile = http.createServer((req, res) => {
    if (req.url?.startsWith('/redirect')) return void res.writeHead(307, { Location: `http://127.0.0.1:${(other.address() as { port: number }).port}/v1/authorizations/applyToken` }).end();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const big = req.url?.startsWith('/big');
    const timer = setInterval(() => res.write(big ? Buffer.alloc(64 * 1024, 32) : ' '), big ? 1 : 50);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(hostile.address() as { port: number }).port}`;
  try {
    for (const fetch of [undefined, globalThis.fetch]) {
      const client = (prefix: string) => createWalletClient({ ...base(), baseUrl: `${root}${prefix}`, timeoutMs: 400, ...(fetch ? { fetch } : {}) });
      const applyToken = (prefix: string) => walletError(client(prefix).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: 'X' }));
      expect(await applyToken('/redirect')).toMatchObject({ retryable: fetch ? true : false, kind: fetch ? 'network' : 'config' });
      expect(await applyToken('/big')).toMatchObject({ kind: 'untrusted', message: expect.stringMatching(/over 1 MiB/) });
      expect(await applyToken('/slow')).toMatchObject({ kind: 'timeout' });
    }
    expect(elsewhere).toBe(0);
  } finally {
    timers.forEach(clearInterval);
    for (const server of [hostile, other]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
});
