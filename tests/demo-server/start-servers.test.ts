/**
 * The demo's server side as `npm run demo` starts it (start-servers.mjs): createAuthServer over a SQLite
 * file in the data directory, mounted with toNodeHandler beside the kit's wallet OpenAPI simulator on
 * one loopback server; key material generated into the data directory; the environment of a real
 * wallet; clean shutdown. The auth server's own rules are tested in tests/server; here, the wiring.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { levelLogger, loadServerModule, postJson, readAnswer, removeDir, tempDir } from './helpers';
import * as signingHelpers from './signing';

let runner: any;
let dataDir: string;

beforeAll(async () => {
  runner = await loadServerModule('start-servers.mjs');
});
beforeEach(() => {
  dataDir = tempDir('demo-data-');
});
afterEach(() => removeDir(dataDir));

const keyFiles = () => ['merchant-private.pem', 'merchant-public.pem', 'wallet-private.pem', 'wallet-public.pem'].map((f) => path.join(dataDir, 'keys', f));
const me = (url: string, sessionId: string) => fetch(`${url}/api/auth/me`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(readAnswer);
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

it('runs the whole exchange on 127.0.0.1, mountable on a page server, private files, and restarts over the same data: sessions and refused codes kept', async () => {
  const demo = await runner.startServers({ dataDir, env: {}, logger: null });
  let page: http.Server | undefined;
  let sessionId: string;
  const madeUp = `0000000001${randomBytes(16).toString('base64url')}`;
  try {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.walletBaseUrl).toBe(demo.url);
    expect(demo.store).toBe(`SQLite (${path.join(dataDir, 'auth.sqlite')})`);

    // A page server that mounts the handler and serves everything else itself.
    page = http.createServer((req, res) => {
      if (!demo.handler(req, res)) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('page');
    });
    await new Promise<void>((resolve) => page!.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}`;

    expect(await fetch(`${pageUrl}/index.html`).then((r) => r.text())).toBe('page');
    expect(await fetch(`${pageUrl}/api/other`).then((r) => r.text())).toBe('page');
    const issued = await postJson(`${pageUrl}/sim/codes`, { scopes: ['auth_base', 'USER_NAME'] });
    expect(issued.status).toBe(200);
    const opened = await postJson(`${pageUrl}/api/auth/session`, { authCode: issued.json.authCode, scopes: ['auth_base', 'USER_NAME'] }, { 'Idempotency-Key': 'k1' });
    expect(opened.status).toBe(200);
    expect(opened.json).toEqual({ sessionId: expect.any(String), customerId: demo.wallet.defaultCustomerId, scopes: ['auth_base', 'USER_NAME'], expiresAt: expect.any(Number) });
    expect(demo.wallet.stats.authorizationCode).toBe(1); // the auth server called the wallet over HTTP, signed
    sessionId = opened.json.sessionId;
    expect((await me(pageUrl, sessionId)).json.scopes).toEqual(['auth_base', 'USER_NAME']);
    expect((await postJson(`${pageUrl}/api/auth/session`, { authCode: madeUp, scopes: [] })).json.error.code).toBe('INVALID_CODE');
    expect((await fetch(`${demo.url}/nothing-here`)).status).toBe(404);

    // Private files: keys, token key and database (and SQLite's files beside it) 0600, folders 0700.
    const files = [...keyFiles(), path.join(dataDir, 'merchant-token.key'), ...['', '-wal', '-shm'].map((s) => path.join(dataDir, `auth.sqlite${s}`))];
    expect(files.map((f) => [path.relative(dataDir, f), mode(f)])).toEqual(files.map((f) => [path.relative(dataDir, f), '600']));
    expect(mode(path.join(dataDir, 'keys'))).toBe('700');
  } finally {
    await demo.close();
    if (page) await new Promise((resolve) => page!.close(resolve));
  }
  const keysBefore = keyFiles().map((f) => fs.readFileSync(f, 'utf8'));
  await expect(fetch(`${demo.url}/api/auth/me`)).rejects.toThrow();

  const again = await runner.startServers({ dataDir, env: {}, logger: null });
  try {
    expect(keyFiles().map((f) => fs.readFileSync(f, 'utf8'))).toEqual(keysBefore);
    expect(again.tokenKeyId).toBe(demo.tokenKeyId);
    // The session opened before the restart, its tokens opening (the new simulator never issued them:
    // it refuses them, and the auth server asks for a new authorization; a token that does not open
    // would be a 500, a lost session SESSION_EXPIRED).
    const after = await me(again.url, sessionId!);
    expect({ status: after.status, code: after.json.error?.code }).toEqual({ status: 401, code: 'REAUTH_REQUIRED' });
    // The refused code is refused again from the store, without a wallet call.
    expect((await postJson(`${again.url}/api/auth/session`, { authCode: madeUp, scopes: [] })).json.error.code).toBe('INVALID_CODE');
    expect(again.wallet.stats.authorizationCode).toBe(0);
  } finally {
    await again.close();
  }
});

it('says once, as information, that it generated a demo token key, where it keeps it and how to set one; later starts say only where sessions are kept', async () => {
  const { logged, logger } = levelLogger();
  const keyFile = path.join(dataDir, 'merchant-token.key');
  await (await runner.startServers({ dataDir, env: {}, logger })).close();
  expect(logged.warn).toEqual([]);
  expect(logged.error).toEqual([]);
  const about = logged.info.filter((m) => m.includes('MERCHANT_TOKEN_KEY'));
  expect(about).toHaveLength(1);
  expect(about[0]).toContain(keyFile);
  expect(about[0]).not.toContain(fs.readFileSync(keyFile, 'utf8').trim());

  logged.info.length = 0;
  await (await runner.startServers({ dataDir, env: {}, logger })).close();
  expect(logged).toEqual({ info: [`Sessions and wallet tokens are kept in SQLite (${path.join(dataDir, 'auth.sqlite')}).`], warn: [], error: [] });
});

it('nothing secret in its logs: exchanges, refusals, untrusted answers and /me log no code, token or session id', async () => {
  const { lines, logger } = levelLogger();
  const demo = await runner.startServers({ dataDir, env: {}, logger });
  const secrets: string[] = [];
  try {
    for (const fault of [null, { type: 'BAD_SIGNATURE' }, { type: 'HTTP_500' }, { resultCode: 'ACCESS_DENIED' }]) {
      const { authCode } = demo.wallet.issueCode({ scopes: ['auth_base', 'USER_NAME'] });
      secrets.push(authCode);
      demo.wallet.setFault(fault);
      const answer = await postJson(`${demo.url}/api/auth/session`, { authCode, scopes: ['auth_base', 'USER_NAME'] }, { 'Idempotency-Key': `key-${secrets.length}` });
      demo.wallet.setFault(null);
      secrets.push(`key-${secrets.length}`);
      if (answer.status === 200) {
        secrets.push(answer.json.sessionId);
        await demo.auth.withAccessToken(answer.json.sessionId, async (token: string) => secrets.push(token));
        expect((await me(demo.url, answer.json.sessionId)).status).toBe(200);
      }
    }
  } finally {
    await demo.close();
  }
  // Something was logged (the exchange, the untrusted answer, the configuration refusal)…
  expect(lines.some((l) => /exchanged/.test(l))).toBe(true);
  expect(lines.some((l) => /applyToken/.test(l))).toBe(true);
  // …and none of it is a secret.
  for (const secret of secrets) expect(lines.join('\n')).not.toContain(secret);
});

it('answers a request under way before closing', async () => {
  const demo = await runner.startServers({ dataDir, env: {}, logger: null });
  demo.wallet.setLatency(300);
  const { authCode } = demo.wallet.issueCode({ scopes: ['auth_base'] });
  const pending = postJson(`${demo.url}/api/auth/session`, { authCode, scopes: ['auth_base'] });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  await demo.close();
  expect((await pending).status).toBe(200);
  expect(Date.now() - started).toBeLessThan(2000);
});

it('answers 421 to a Host that is not a loopback name (DNS rebinding)', async () => {
  const demo = await runner.startServers({ dataDir, env: {}, logger: null });
  try {
    const port = Number(new URL(demo.url).port);
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api/auth/me', headers: { Host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(421);
  } finally {
    await demo.close();
  }
});

it('listens on loopback only, needs full credentials to talk to a real wallet, and says what is wrong with a setting before writing anything', async () => {
  await expect(runner.startServers({ dataDir, env: {}, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  await expect(runner.startServers({ dataDir, env: { SUPERQI_BASE_URL: 'https://openapi.example.com' } })).rejects.toThrow(
    /SUPERQI_CLIENT_ID, MERCHANT_PRIVATE_KEY, WALLET_PUBLIC_KEY, MERCHANT_TOKEN_KEY/,
  );
  for (const placeholder of ['00'.repeat(32), 'ab'.repeat(32)]) {
    await expect(runner.startServers({ dataDir, env: { MERCHANT_TOKEN_KEY: placeholder } })).rejects.toThrow(/MERCHANT_TOKEN_KEY: .*placeholder/);
  }
  await expect(runner.startServers({ dataDir, env: { MERCHANT_TOKEN_KEY: 'short' } })).rejects.toThrow(/MERCHANT_TOKEN_KEY: .*32 bytes/);
  await expect(runner.startServers({ dataDir, env: { DATABASE_URL: 'mysql://db.example/shop' } })).rejects.toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
  expect(fs.readdirSync(dataDir)).toEqual([]);
});

it('a file that is not a database: refused with the store\'s own words, before any key is written', async () => {
  const dbPath = path.join(dataDir, 'auth.sqlite');
  fs.writeFileSync(dbPath, 'not a database, not at all, but long enough to look like a file of pages'.repeat(100));
  const error = await runner.startServers({ dataDir, env: {}, logger: null }).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'StoreError', message: expect.stringMatching(/not a SQLite database/) });
  expect(fs.readdirSync(dataDir)).toEqual(['auth.sqlite']);
});

it('points the auth server at another wallet OpenAPI from the environment (SUPERQI_BASE_URL and friends)', async () => {
  const signing = signingHelpers;
  const walletModule = await loadServerModule('wallet-openapi.mjs');
  const merchant = signing.generateKeyPair();
  const walletKeys = signing.generateKeyPair();
  // Stands in for the real SuperQi OpenAPI.
  const remote = walletModule.createWalletOpenApi({ clientId: '2022000000000001', merchantPublicKeyPem: merchant.publicKeyPem, walletPrivateKeyPem: walletKeys.privateKeyPem, merchantKeyVersion: 3 });
  const { url: remoteUrl } = await remote.listen(0);
  const walletKeyFile = path.join(dataDir, 'superqi-public.pem');
  fs.writeFileSync(walletKeyFile, walletKeys.publicKeyPem);
  const dbPath = path.join(dataDir, 'elsewhere', 'merchant.db');
  const env = {
    SUPERQI_BASE_URL: remoteUrl,
    SUPERQI_CLIENT_ID: '2022000000000001',
    MERCHANT_PRIVATE_KEY: merchant.privateKeyPem.replace(/\n/g, '\\n'), // as a one-line env file value
    WALLET_PUBLIC_KEY_FILE: walletKeyFile,
    MERCHANT_TOKEN_KEY: randomBytes(32).toString('base64'),
    SUPERQI_KEY_VERSION: '3',
    MERCHANT_DB_PATH: dbPath,
  };
  const demo = await runner.startServers({ dataDir, logger: null, env });
  try {
    expect(demo.wallet).toBeNull();
    expect(demo.walletBaseUrl).toBe(remoteUrl);
    expect((await postJson(`${demo.url}/sim/codes`, { scopes: ['auth_base'] })).status).toBe(404);
    const { authCode } = remote.issueCode({ scopes: ['auth_base'] });
    const opened = await postJson(`${demo.url}/api/auth/session`, { authCode, scopes: ['auth_base'] });
    expect(opened.status).toBe(200);
    expect(remote.stats.authorizationCode).toBe(1);
    expect(fs.existsSync(dbPath)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'keys'))).toBe(false); // no development keys were made
    expect(fs.existsSync(path.join(dataDir, 'merchant-token.key'))).toBe(false);
  } finally {
    await demo.close();
    await remote.close();
  }
  // Another key version than the wallet knows: the wallet refuses the signature (a configuration problem, 502).
  const wrongVersion = await runner.startServers({ dataDir, logger: null, env: { ...env, SUPERQI_KEY_VERSION: '1' } });
  await remote.listen(Number(new URL(remoteUrl).port));
  try {
    const { authCode } = remote.issueCode({ scopes: ['auth_base'] });
    const refused = await postJson(`${wrongVersion.url}/api/auth/session`, { authCode, scopes: ['auth_base'] });
    expect({ status: refused.status, code: refused.json.error.code, retryable: refused.json.error.retryable }).toEqual({ status: 502, code: 'BACKEND_ERROR', retryable: false });
  } finally {
    await wrongVersion.close();
    await remote.close();
  }
});

it('a wallet that cannot be reached: 503 BACKEND_ERROR, retryable (the kit tries again)', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const signing = signingHelpers;
  const merchant = signing.generateKeyPair();
  const walletKeys = signing.generateKeyPair();
  const demo = await runner.startServers({
    dataDir,
    logger: null,
    env: { SUPERQI_BASE_URL: `http://127.0.0.1:${closedPort}`, SUPERQI_CLIENT_ID: 'C', MERCHANT_PRIVATE_KEY: merchant.privateKeyPem, WALLET_PUBLIC_KEY: walletKeys.publicKeyPem, MERCHANT_TOKEN_KEY: randomBytes(32).toString('hex') },
  });
  try {
    const answer = await postJson(`${demo.url}/api/auth/session`, { authCode: '0000000001abcdefghijklmnop', scopes: ['auth_base'] });
    expect({ status: answer.status, code: answer.json.error.code, retryable: answer.json.error.retryable }).toEqual({ status: 503, code: 'BACKEND_ERROR', retryable: true });
  } finally {
    await demo.close();
  }
});
