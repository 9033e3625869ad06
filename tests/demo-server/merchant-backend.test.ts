/**
 * The reference merchant backend against the wallet simulator, both on real loopback servers: code
 * exchange, error mapping, response signature checks, refresh, persistence and encryption.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { filesContain, postJson, readAnswer, signedApplyToken } from './helpers';
import { KEY, MINUTE, closeWorlds, codeFor, dbFiles, expectError, forceRefresh, grants, makeWorld, me, serverModules, session } from './world';

let signing: any;
let backendModule: any;
let merchant: { publicKeyPem: string; privateKeyPem: string };
let walletKeys: { publicKeyPem: string; privateKeyPem: string };

beforeAll(async () => {
  ({ signing, backendModule, merchant, walletKeys } = await serverModules());
});

afterEach(closeWorlds);

describe('POST /api/auth/session', () => {
  it('exchanges the code and returns only its own session: no token or code in the answer, the database or the logs', async () => {
    const world = await makeWorld();
    const authCode = codeFor(world, ['auth_base', 'USER_NAME'], '10000011193988041234');
    const answer = await session(world, authCode, ['auth_base', 'USER_NAME']);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      customerId: '10000011193988041234',
      scopes: ['auth_base', 'USER_NAME'],
      expiresAt: world.clock.now() + 30 * 24 * 60 * MINUTE,
    });

    // The request the backend made: exact headers were checked by the wallet (it answered SUCCESS).
    expect(grants(world, 'AUTHORIZATION_CODE')).toHaveLength(1);
    const issued = JSON.parse(world.calls[0]!.text);
    expect(issued.result.resultCode).toBe('SUCCESS');
    const secrets = [issued.accessToken, issued.refreshToken, authCode];

    const profile = await me(world, answer.json.sessionId);
    expect(profile.status).toBe(200);
    expect(profile.json).toEqual({
      customerId: '10000011193988041234',
      scopes: ['auth_base', 'USER_NAME'],
      expiresAt: answer.json.expiresAt,
      accessTokenExpiresAt: signing.parseIsoTime(issued.accessTokenExpiryTime),
      refreshTokenExpiresAt: signing.parseIsoTime(issued.refreshTokenExpiryTime),
      refreshed: false,
      // USER_NAME: the name from the wallet's inquiryUserInfo (user-info.test.ts covers the profile).
      profile: { name: expect.stringMatching(/^[A-Z][a-z]+ Al-[A-Z][a-z]+$/) },
    });

    for (const secret of secrets) {
      expect(answer.text).not.toContain(secret);
      expect(profile.text).not.toContain(secret);
      expect(filesContain(dbFiles(world), secret)).toBe(false);
      expect(world.logs.join('\n')).not.toContain(secret);
    }
    expect(filesContain(dbFiles(world), answer.json.sessionId)).toBe(false); // only its hash is stored
    await world.backend.close();
    for (const secret of [...secrets, answer.json.sessionId]) expect(filesContain(dbFiles(world), secret)).toBe(false);
    expect(fs.statSync(world.dbPath).size).toBeGreaterThan(0);
  });

  it('uses WAL mode and creates its tables on start', async () => {
    const world = await makeWorld();
    expect(world.backend.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = world.backend.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r: any) => r.name);
    expect(tables).toEqual(['customer_tokens', 'exchanged_codes', 'refused_codes', 'sessions']);
  });

  it('maps refused codes to the contract codes: INVALID_CODE 400, USED_CODE 409, EXPIRED_CODE 410', async () => {
    const world = await makeWorld();
    expectError(await session(world, '0000000001NoSuchCode0000000000000'), 400, 'INVALID_CODE');

    const stolen = codeFor(world);
    const direct = await signedApplyToken(signing, { baseUrl: world.walletUrl, privateKeyPem: merchant.privateKeyPem, now: world.clock.now, body: { grantType: 'AUTHORIZATION_CODE', authCode: stolen } });
    expect(direct.json.result.resultCode).toBe('SUCCESS');
    expectError(await session(world, stolen), 409, 'USED_CODE');

    const stale = codeFor(world);
    world.clock.advance(10 * MINUTE);
    expectError(await session(world, stale), 410, 'EXPIRED_CODE');
    expect(world.backend.db.prepare('SELECT COUNT(*) AS n FROM exchanged_codes').get().n).toBe(0);
  });

  it('rejects a wallet answer with a forged or missing signature, storing nothing', async () => {
    const world = await makeWorld();
    for (const type of ['BAD_SIGNATURE', 'NO_SIGNATURE']) {
      world.wallet.setFault({ type, times: 1 });
      const answer = await session(world, codeFor(world));
      expectError(answer, 502, 'BACKEND_ERROR');
      expect(answer.json.error.retryable).toBe(false);
    }
    expect(world.calls.map((c) => JSON.parse(c.text).result.resultCode)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(world.backend.db.prepare('SELECT COUNT(*) AS n FROM customer_tokens').get().n).toBe(0);
    expect(world.backend.db.prepare('SELECT COUNT(*) AS n FROM sessions').get().n).toBe(0);
  });

  it('rejects answers signed with a key that is not the wallet key', async () => {
    const impostor = signing.generateKeyPair();
    const world = await makeWorld({ walletPrivateKeyPem: impostor.privateKeyPem });
    expectError(await session(world, codeFor(world)), 502, 'BACKEND_ERROR');
  });

  it('maps transient wallet failures to a retryable 503 BACKEND_ERROR, and a retry of the same code then works', async () => {
    const world = await makeWorld();
    const authCode = codeFor(world);
    for (const type of ['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT', 'HTTP_500']) {
      world.wallet.setFault({ type, times: 1 });
      const answer = await session(world, authCode);
      expectError(answer, 503, 'BACKEND_ERROR');
      expect(answer.json.error.retryable).toBe(true);
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    const retried = await session(world, authCode);
    expect(retried.status).toBe(200);
    expect(retried.json.sessionId).toEqual(expect.any(String));
  });

  it('maps an unreachable or slow wallet to 503 BACKEND_ERROR', async () => {
    const world = await makeWorld({ latencyMs: 400 });
    const { url: slowUrl } = await world.startBackend({ requestTimeoutMs: 100 });
    expectError(await postJson(`${slowUrl}/api/auth/session`, { authCode: codeFor(world), scopes: [] }), 503, 'BACKEND_ERROR');
    await world.backend.close();
    const { url: deadUrl } = await world.startBackend({ walletBaseUrl: 'http://127.0.0.1:1' });
    expectError(await postJson(`${deadUrl}/api/auth/session`, { authCode: codeFor(world), scopes: [] }), 503, 'BACKEND_ERROR');
  });

  it('refuses bad requests with 4xx and the error shape', async () => {
    const world = await makeWorld();
    const url = `${world.url}/api/auth/session`;
    expectError(await postJson(url, '{"authCode":'), 400, 'BAD_REQUEST');
    expectError(await postJson(url, '[]'), 400, 'BAD_REQUEST');
    expectError(await postJson(url, { scopes: ['auth_base'] }), 400, 'BAD_REQUEST');
    expectError(await postJson(url, { authCode: '' }), 400, 'BAD_REQUEST');
    expectError(await postJson(url, { authCode: 'x', scopes: 'auth_base' }), 400, 'BAD_REQUEST');
    expectError(await postJson(url, { authCode: 'x', scopes: ['<script>'] }), 400, 'BAD_REQUEST');
    expectError(await postJson(url, { authCode: 'x'.repeat(20_000) }), 413, 'PAYLOAD_TOO_LARGE');
    const plain = await fetch(url, { method: 'POST', body: JSON.stringify({ authCode: codeFor(world) }) }).then(readAnswer);
    expectError(plain, 415, 'BAD_REQUEST');
    expectError(await fetch(url).then(readAnswer), 405, 'METHOD_NOT_ALLOWED');
    expect(world.wallet.stats.applyToken).toBe(0);
  });
});

describe('sessions and refresh', () => {
  it('refreshes an expired access token on GET /api/me with the REFRESH_TOKEN grant, once for concurrent calls', async () => {
    const world = await makeWorld({ accessTokenTtlMs: 60 * MINUTE, refreshTokenTtlMs: 120 * MINUTE });
    const { sessionId } = (await session(world, codeFor(world))).json;
    const first = JSON.parse(world.calls[0]!.text);
    expect((await me(world, sessionId)).json.refreshed).toBe(false);

    world.clock.advance(61 * MINUTE);
    const answers = await Promise.all(Array.from({ length: 5 }, () => me(world, sessionId)));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    expect(answers.some((a) => a.json.refreshed === true)).toBe(true);
    expect(grants(world, 'REFRESH_TOKEN')).toHaveLength(1);
    expect(grants(world, 'REFRESH_TOKEN')[0]!.request).toEqual({ grantType: 'REFRESH_TOKEN', refreshToken: first.refreshToken });
    const second = JSON.parse(world.calls[1]!.text);
    expect(answers[0]!.json.accessTokenExpiresAt).toBe(signing.parseIsoTime(second.accessTokenExpiryTime));
    expect(answers[0]!.json.accessTokenExpiresAt).toBeGreaterThan(world.clock.now());

    expect((await me(world, sessionId)).json.refreshed).toBe(false);
    expect(await world.backend.accessTokenFor(sessionId)).toBe(second.accessToken);
    expect(world.wallet.inspectAccessToken(second.accessToken)).not.toBeNull();
    // The wallet rotated the refresh token: the old one is spent.
    const replayed = await signedApplyToken(signing, { baseUrl: world.walletUrl, privateKeyPem: merchant.privateKeyPem, now: world.clock.now, body: { grantType: 'REFRESH_TOKEN', refreshToken: first.refreshToken } });
    expect(replayed.json.result.resultCode).toBe('USED_REFRESH_TOKEN');
    for (const secret of [first.accessToken, first.refreshToken, second.accessToken, second.refreshToken]) {
      expect(filesContain(dbFiles(world), secret)).toBe(false);
    }
  });

  it('POST /api/auth/refresh forces a refresh', async () => {
    const world = await makeWorld();
    const { sessionId } = (await session(world, codeFor(world))).json;
    const answer = await forceRefresh(world, sessionId);
    expect(answer.status).toBe(200);
    expect(answer.json.refreshed).toBe(true);
    expect(world.wallet.stats.refreshToken).toBe(1);
  });

  it('answers 401 REAUTH_REQUIRED when the refresh token has expired or the wallet refuses it', async () => {
    const world = await makeWorld({ accessTokenTtlMs: 60 * MINUTE, refreshTokenTtlMs: 120 * MINUTE });
    const expired = (await session(world, codeFor(world, ['auth_base'], 'C1'))).json.sessionId;
    world.clock.advance(121 * MINUTE);
    expectError(await me(world, expired), 401, 'REAUTH_REQUIRED');
    expect(world.wallet.stats.refreshToken).toBe(0);

    const spent = (await session(world, codeFor(world, ['auth_base'], 'C2'))).json.sessionId;
    const refreshToken = JSON.parse(world.calls[world.calls.length - 1]!.text).refreshToken;
    await signedApplyToken(signing, { baseUrl: world.walletUrl, privateKeyPem: merchant.privateKeyPem, now: world.clock.now, body: { grantType: 'REFRESH_TOKEN', refreshToken } });
    expectError(await forceRefresh(world, spent), 401, 'REAUTH_REQUIRED');
    expectError(await me(world, spent), 401, 'REAUTH_REQUIRED');

    // Authorizing again (a new code for the same customer) restores the session's customer.
    const renewed = await session(world, codeFor(world, ['auth_base'], 'C2'));
    expect((await me(world, renewed.json.sessionId)).status).toBe(200);
  });

  it('maps a transient failure of the refresh to 503 and keeps the session', async () => {
    const world = await makeWorld();
    const { sessionId } = (await session(world, codeFor(world))).json;
    world.wallet.setFault({ type: 'UNKNOWN_EXCEPTION', times: 1 });
    expectError(await forceRefresh(world, sessionId), 503, 'BACKEND_ERROR');
    expect((await forceRefresh(world, sessionId)).json.refreshed).toBe(true);
  });

  it('needs a live session: missing, unknown, expired and logged-out sessions get 401 SESSION_EXPIRED', async () => {
    const world = await makeWorld({}, { sessionTtlMs: 5 * MINUTE });
    expectError(await fetch(`${world.url}/api/me`).then(readAnswer), 401, 'SESSION_EXPIRED');
    expectError(await me(world, 'A'.repeat(43)), 401, 'SESSION_EXPIRED');
    const short = (await session(world, codeFor(world))).json.sessionId;
    world.clock.advance(5 * MINUTE);
    expectError(await me(world, short), 401, 'SESSION_EXPIRED');

    const live = (await session(world, codeFor(world))).json.sessionId;
    const out = await fetch(`${world.url}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${live}` } });
    expect(out.status).toBe(204);
    expectError(await me(world, live), 401, 'SESSION_EXPIRED');
  });

  it('merges the scopes a customer granted over several codes', async () => {
    const world = await makeWorld();
    await session(world, codeFor(world, ['auth_base'], 'C7'), ['auth_base']);
    const later = await session(world, codeFor(world, ['USER_NAME'], 'C7'), ['USER_NAME']);
    expect(later.json.scopes).toEqual(['auth_base', 'USER_NAME']);
    expect(world.backend.db.prepare('SELECT COUNT(*) AS n FROM customer_tokens').get().n).toBe(1);
  });
});

describe('persistence and encryption', () => {
  it('keeps sessions across a restart over the same database and decrypts the stored tokens', async () => {
    const world = await makeWorld();
    const authCode = codeFor(world);
    const key = randomUUID();
    const opened = (await session(world, authCode, ['auth_base'], key)).json;
    const issued = JSON.parse(world.calls[0]!.text);
    await world.backend.close();

    await world.startBackend();
    const profile = await me(world, opened.sessionId);
    expect(profile.status).toBe(200);
    expect(profile.json.customerId).toBe(opened.customerId);
    expect(await world.backend.accessTokenFor(opened.sessionId)).toBe(issued.accessToken);
    expect((await session(world, authCode, ['auth_base'], key)).json).toEqual(opened); // the replay survives too
    const refreshed = await forceRefresh(world, opened.sessionId); // the decrypted refresh token is accepted
    expect(refreshed.status).toBe(200);
    expect(grants(world, 'REFRESH_TOKEN')[0]!.request.refreshToken).toBe(issued.refreshToken);
  });

  it('refuses to start with another encryption key, and leaves the data intact', async () => {
    const world = await makeWorld();
    const opened = (await session(world, codeFor(world))).json;
    await world.backend.close();

    let failure: any;
    try {
      backendModule.createMerchantBackend({
        walletBaseUrl: world.walletUrl,
        clientId: 'TEST_CLIENT',
        merchantPrivateKeyPem: merchant.privateKeyPem,
        walletPublicKeyPem: walletKeys.publicKeyPem,
        dbPath: world.dbPath,
        encryptionKey: randomBytes(32),
        logger: null,
      });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeDefined();
    expect(failure.code).toBe('TOKEN_KEY_MISMATCH');
    expect(failure.message).toMatch(/MERCHANT_TOKEN_KEY/);

    await world.startBackend();
    expect((await me(world, opened.sessionId)).status).toBe(200);
  });

  it('detects tampered ciphertexts: a token copied to another row does not decrypt', async () => {
    const world = await makeWorld();
    const a = (await session(world, codeFor(world, ['auth_base'], 'CA'))).json.sessionId;
    await session(world, codeFor(world, ['auth_base'], 'CB'));
    world.backend.db.prepare("UPDATE customer_tokens SET access_token = (SELECT access_token FROM customer_tokens WHERE customer_id = 'CB') WHERE customer_id = 'CA'").run();
    await expect(world.backend.accessTokenFor(a)).rejects.toThrow();
    const blob: Buffer = world.backend.db.prepare("SELECT access_token FROM customer_tokens WHERE customer_id = 'CB'").get().access_token;
    expect(blob[0]).toBe(1);
    expect(blob.length).toBe(1 + 12 + 16 + JSON.parse(world.calls[1]!.text).accessToken.length);
  });

  it('takes MERCHANT_TOKEN_KEY from the environment, else generates a development key next to the database, said as information', async () => {
    const world = await makeWorld();
    await world.backend.close();
    const keyFile = path.join(world.dir, 'merchant-token.key');
    fs.rmSync(world.dbPath, { force: true });

    await world.startBackend({ encryptionKey: undefined, env: { MERCHANT_TOKEN_KEY: Buffer.from(KEY, 'hex').toString('base64') } });
    const opened = (await session(world, codeFor(world))).json;
    expect(fs.existsSync(keyFile)).toBe(false);
    await world.backend.close();
    // Same key as hex: the tokens decrypt.
    await world.startBackend({ encryptionKey: undefined, env: { MERCHANT_TOKEN_KEY: KEY } });
    expect((await me(world, opened.sessionId)).status).toBe(200);
    await world.backend.close();

    for (const file of dbFiles(world)) fs.rmSync(file, { force: true });
    world.logs.length = 0;
    await world.startBackend({ encryptionKey: undefined, env: {} });
    expect(fs.existsSync(keyFile)).toBe(true);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(world.logged.info.join('\n')).toMatch(/Generated a demo token encryption key in .*merchant-token\.key.*MERCHANT_TOKEN_KEY/);
    expect(world.logged.warn).toEqual([]);
    const devSession = (await session(world, codeFor(world))).json;
    await world.backend.close();
    await world.startBackend({ encryptionKey: undefined, env: {} }); // reuses the file
    expect((await me(world, devSession.sessionId)).status).toBe(200);

    expect(() =>
      backendModule.createMerchantBackend({
        walletBaseUrl: world.walletUrl, clientId: 'TEST_CLIENT', merchantPrivateKeyPem: merchant.privateKeyPem,
        walletPublicKeyPem: walletKeys.publicKeyPem, dbPath: ':memory:', env: { MERCHANT_TOKEN_KEY: 'too-short' }, logger: null,
      }),
    ).toThrow(/32 bytes/);
  });
});
