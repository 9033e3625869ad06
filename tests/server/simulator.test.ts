/**
 * `miniapp-auth-kit/server/testing`: the simulator in each of its modes (fetch, fetch-API handler,
 * HTTP on loopback), as the wallet behaves (single-use expiring codes, rotating refresh tokens,
 * cancelToken, v2 checks), its test routes, fault bookkeeping, and the one-call `createTestWallet`.
 */
import * as http from 'node:http';
import { createWalletClient } from '../../server';
import { createTestWallet, createWalletOpenApiSimulator, generateKeyPair } from '../../server/testing';
import { CLIENT_ID, keys, makeClock, walletError, world } from './helpers';

const MINUTE = 60_000;

describe('three ways to reach it, one behaviour', () => {
  it('sim.fetch (no socket), sim.handle (Request → Response), sim.listen (loopback HTTP)', async () => {
    const { merchant, wallet } = keys();
    const sim = createWalletOpenApiSimulator({ clientId: CLIENT_ID, merchantPublicKey: merchant.publicPem, walletPrivateKey: wallet.privatePem });
    const options = { clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem };
    const { url } = await sim.listen();
    try {
      const viaFetch = createWalletClient({ ...options, baseUrl: 'https://wallet.test', fetch: sim.fetch });
      const viaHandle = createWalletClient({ ...options, baseUrl: 'https://wallet.test', fetch: (u, init) => sim.handle(new Request(u, init)) });
      const viaHttp = createWalletClient({ ...options, baseUrl: url });
      for (const client of [viaFetch, viaHandle, viaHttp]) {
        const grant = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode({ scopes: ['USER_NAME'], customerId: 'C7' }).authCode });
        expect(grant).toMatchObject({ customerId: 'C7', accessTokenExpiresAt: expect.any(Number) });
        expect((await client.inquiryUserInfo(grant.accessToken)).userName?.fullName).toMatch(/^[A-Z][a-z]+ Al-[A-Z][a-z]+$/);
      }
      viaHttp.close();
      expect(sim.stats).toMatchObject({ applyToken: 3, authorizationCode: 3, inquiryUserInfo: 3, codesIssued: 3 });
      await expect(sim.listen()).rejects.toThrow(/already listening/);
      await expect(createWalletOpenApiSimulator({ merchantPublicKey: merchant.publicPem, walletPrivateKey: wallet.privatePem }).listen({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    } finally {
      await sim.close();
    }
  });

  it('a dropped connection: fetch rejects as Node\'s fetch does; over HTTP the socket closes', async () => {
    const { sim, exchange } = world({ fault: { type: 'DROP' } });
    await expect(sim.fetch('https://wallet.test/v1/authorizations/applyToken', { method: 'POST', body: '{}' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    await expect(sim.handle(new Request('https://wallet.test/v1/users/inquiryUserInfo', { method: 'POST', body: '{}' }))).rejects.toThrow('fetch failed');
    const { url } = await sim.listen();
    try {
      await expect(fetch(`${url}/v1/authorizations/applyToken`, { method: 'POST', body: '{}' })).rejects.toThrow();
      expect(await walletError(exchange())).toMatchObject({ kind: 'network' });
    } finally {
      await sim.close();
    }
  });
});

describe('as the wallet behaves', () => {
  it('codes: single use, expiring; refresh tokens rotate; cancelToken revokes both, and again is still a success', async () => {
    const clock = makeClock();
    const { client, code, exchange, sim } = world({ now: clock.now, accessTokenTtlMs: 60 * MINUTE, refreshTokenTtlMs: 120 * MINUTE }, { now: clock.now });
    const authCode = code();
    const first = await exchange(authCode);
    expect(first.accessTokenExpiresAt).toBe(Math.floor((clock.now() + 60 * MINUTE) / 1000) * 1000);
    expect(await walletError(exchange(authCode))).toMatchObject({ resultCode: 'USED_CODE' });
    const late = code();
    clock.advance(10 * MINUTE);
    expect(await walletError(exchange(late))).toMatchObject({ resultCode: 'EXPIRED_CODE' });
    expect(await walletError(exchange('0000000001neverissued'))).toMatchObject({ resultCode: 'INVALID_CODE' });

    const refreshed = await client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: first.refreshToken! });
    expect(refreshed.refreshToken).not.toBe(first.refreshToken);
    expect(await walletError(client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: first.refreshToken! }))).toMatchObject({ resultCode: 'USED_REFRESH_TOKEN', action: 'REAUTHORIZE' });
    clock.advance(61 * MINUTE);
    expect(sim.inspectAccessToken(refreshed.accessToken)).toBeNull();
    expect(await walletError(client.inquiryUserInfo(refreshed.accessToken))).toMatchObject({ resultCode: 'EXPIRED_ACCESS_TOKEN', action: 'REFRESH' });

    const fresh = await exchange();
    await client.cancelToken(fresh.accessToken);
    await client.cancelToken(fresh.accessToken);
    expect(await walletError(client.inquiryUserInfo(fresh.accessToken))).toMatchObject({ resultCode: 'INVALID_ACCESS_TOKEN' });
    expect(await walletError(client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: fresh.refreshToken! }))).toMatchObject({ resultCode: 'INVALID_REFRESH_TOKEN' });
    expect(await walletError(client.cancelToken('2810100NEVERISSUED'))).toMatchObject({ resultCode: 'INVALID_ACCESS_TOKEN' });
  });

  it('cancelToken revokes the grant: every token of it, across refreshes, whichever access token is given', async () => {
    const { client, exchange, sim } = world();
    for (const cancel of ['latest', 'first'] as const) {
      const first = await exchange();
      const second = await client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: first.refreshToken! });
      const other = await exchange();
      await client.cancelToken(cancel === 'latest' ? second.accessToken : first.accessToken);
      for (const token of [first.accessToken, second.accessToken]) {
        expect({ cancel, token: token === first.accessToken ? 'first' : 'second', inspected: sim.inspectAccessToken(token) }).toEqual({ cancel, token: token === first.accessToken ? 'first' : 'second', inspected: null });
        expect(await walletError(client.inquiryUserInfo(token))).toMatchObject({ resultCode: 'INVALID_ACCESS_TOKEN' });
        // Idempotent on any token of the revoked grant.
        await expect(client.cancelToken(token)).resolves.toBeUndefined();
      }
      expect(await walletError(client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: second.refreshToken! }))).toMatchObject({ resultCode: 'INVALID_REFRESH_TOKEN' });
      // Another grant (another code) is untouched.
      await expect(client.inquiryUserInfo(other.accessToken)).resolves.toMatchObject({ userId: other.customerId });
    }
  });

  it('v2: appId required, authClientId checked, code refusals in the v2 spelling', async () => {
    const { exchange, sim } = world({ authClientId: 'AUTH_CLIENT_9' }, { profile: 'alipayplus', appId: 'APP', authClientId: 'AUTH_CLIENT_9' });
    await expect(exchange()).resolves.toMatchObject({ customerId: sim.defaultCustomerId });
    const wrong = world({ authClientId: 'AUTH_CLIENT_9' }, { profile: 'alipayplus', appId: 'APP' });
    expect(await walletError(wrong.exchange())).toMatchObject({ resultCode: 'INVALID_AUTH_CLIENT', kind: 'config' });
    expect(await walletError(world({}, { profile: 'alipayplus', appId: 'APP' }).exchange('0000000001none'))).toMatchObject({ walletResultCode: 'INVALID_AUTHCODE', resultCode: 'INVALID_CODE' });
  });

  it('checks the request as the gateway does: another key, another Client-Id, a stale Request-Time', async () => {
    const { stranger } = keys();
    expect(await walletError(world({}, { privateKey: stranger.privatePem }).exchange())).toMatchObject({ resultCode: 'INVALID_SIGNATURE', kind: 'config', verified: true });
    expect(await walletError(world({ clientId: 'OTHER' }).exchange())).toMatchObject({ resultCode: 'INVALID_AUTH_CLIENT', kind: 'config', verified: true });
    const clock = makeClock();
    // The wallet allows 1 minute, the client 5: a client clock 4 minutes slow is refused by the wallet, in an answer the client trusts.
    expect(await walletError(world({ now: clock.now, maxClockSkewMs: MINUTE }, { now: () => clock.now() - 4 * MINUTE }).exchange())).toMatchObject({ resultCode: 'ACCESS_DENIED', kind: 'config' });
    // 6 minutes slow: the wallet's answer itself is too far ahead of the client's clock to trust.
    expect(await walletError(world({ now: clock.now }, { now: () => clock.now() - 6 * MINUTE }).exchange())).toMatchObject({ kind: 'untrusted', message: expect.stringMatching(/ahead of this clock/) });
  });
});

describe('test routes and bookkeeping', () => {
  it('POST /sim/codes (JSON only, loopback only over HTTP) and GET /sim/avatars/<n>.svg', async () => {
    const { sim } = world();
    const post = (body: string, type = 'application/json') => sim.handle(new Request('http://sim/sim/codes', { method: 'POST', headers: { 'Content-Type': type }, body }));
    const issued = await post(JSON.stringify({ scopes: ['auth_base'], customerId: 'C1' }));
    expect(await issued.json()).toEqual({ authCode: expect.stringMatching(/^0000000001[A-Za-z0-9_-]{22}$/) });
    expect((await post('{"scopes":["a b"]}')).status).toBe(400);
    expect((await post('{"scopes":["auth_base"]}', 'text/plain')).status).toBe(415);
    const relabel = http.createServer((req, res) => {
      Object.defineProperty(req.socket, 'remoteAddress', { value: '192.0.2.7', configurable: true });
      sim.nodeHandler(req, res);
    });
    await new Promise<void>((resolve) => relabel.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(relabel.address() as { port: number }).port}/sim/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scopes":["auth_base"]}' });
      expect(answer.status).toBe(403);
    } finally {
      await new Promise((resolve) => relabel.close(resolve));
    }
    const avatar = await sim.handle(new Request('http://sim/sim/avatars/3.svg'));
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect((await sim.handle(new Request('http://sim/sim/avatars/999.svg'))).status).toBe(404);
    expect((await sim.handle(new Request('http://sim/elsewhere'))).status).toBe(404);
  });

  it('faults: times, api, probability; bad faults are TypeErrors; calls record no secret', async () => {
    const { sim, client, exchange } = world();
    const grant = await exchange();
    sim.setFault({ resultCode: 'PROCESS_FAIL', api: 'inquiryUserInfo', times: 1 });
    await exchange();
    expect(await walletError(client.inquiryUserInfo(grant.accessToken))).toMatchObject({ resultCode: 'PROCESS_FAIL' });
    await expect(client.inquiryUserInfo(grant.accessToken)).resolves.toBeTruthy();
    expect(sim.stats.faults).toBe(1);
    sim.setFault({ type: 'UNKNOWN_EXCEPTION', api: 'applyToken', probability: 0.5 });
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => exchange().then(() => 'S', () => 'U')));
    expect(outcomes).toContain('S');
    expect(outcomes).toContain('U');
    for (const bad of [{ type: 'EXPLODE' }, {}, { type: 'DROP', times: 0 }, { type: 'DROP', api: 'pay' }, { type: 'DROP', probability: 2 }]) {
      expect(() => sim.setFault(bad as never)).toThrow(TypeError);
    }
    expect(JSON.stringify(sim.calls)).not.toMatch(/2810100|0000000001/);
    expect(sim.calls[0]).toEqual({ api: 'applyToken', path: '/v1/authorizations/applyToken', httpStatus: 200, resultStatus: 'S', resultCode: 'SUCCESS', signed: true, fault: null });
  });

  it('createTestWallet: keys, simulator and client options in one call; generateKeyPair makes PEM pairs', async () => {
    const { simulator, clientOptions, merchantKeys } = await createTestWallet({ profile: 'alipayplus' });
    expect(merchantKeys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const client = createWalletClient(clientOptions);
    const grant = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: simulator.issueCode().authCode });
    expect(grant.customerId).toBe(simulator.defaultCustomerId);
    const pair = await generateKeyPair();
    expect((await createWalletClient({ ...clientOptions, privateKey: pair.privateKeyPem, walletPublicKey: pair.publicKeyPem }).checkKeys()).problems).toEqual([
      expect.stringMatching(/walletPublicKey is your own public key/),
    ]);
  });
});
