/**
 * The demo runner: one loopback server with the simulated wallet OpenAPI and the merchant backend,
 * key material generated into the data directory, a handler a page server can mount, clean shutdown.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
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

it('runs the whole exchange on 127.0.0.1, mountable on a page server, and restarts over the same data', async () => {
  const { logger } = levelLogger();
  const demo = await runner.startServers({ dataDir, env: {}, logger });
  let page: http.Server | undefined;
  try {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.walletBaseUrl).toBe(demo.url);
    expect(keyFiles().every((f) => fs.existsSync(f))).toBe(true);
    expect(fs.statSync(keyFiles()[0]!).mode & 0o777).toBe(0o600);

    // A page server that mounts the handler and serves everything else itself.
    page = http.createServer((req, res) => {
      if (!demo.handler(req, res)) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('page');
    });
    await new Promise<void>((resolve) => page!.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}`;

    expect(await fetch(`${pageUrl}/index.html`).then((r) => r.text())).toBe('page');
    const issued = await postJson(`${pageUrl}/sim/codes`, { scopes: ['auth_base', 'USER_NAME'] });
    expect(issued.status).toBe(200);
    const opened = await postJson(`${pageUrl}/api/auth/session`, { authCode: issued.json.authCode, scopes: ['auth_base', 'USER_NAME'] });
    expect(opened.status).toBe(200);
    expect(opened.json.customerId).toBe(demo.wallet.defaultCustomerId);
    expect(demo.wallet.stats.authorizationCode).toBe(1); // the backend called the wallet over HTTP, signed
    const profile = await fetch(`${pageUrl}/api/me`, { headers: { Authorization: `Bearer ${opened.json.sessionId}` } }).then(readAnswer);
    expect(profile.json.scopes).toEqual(['auth_base', 'USER_NAME']);
    expect((await fetch(`${demo.url}/nothing-here`)).status).toBe(404);

    const keysBefore = keyFiles().map((f) => fs.readFileSync(f, 'utf8'));
    await demo.close();
    await expect(fetch(`${demo.url}/api/me`)).rejects.toThrow();

    const again = await runner.startServers({ dataDir, env: {}, logger });
    try {
      expect(keyFiles().map((f) => fs.readFileSync(f, 'utf8'))).toEqual(keysBefore);
      const after = await fetch(`${again.url}/api/me`, { headers: { Authorization: `Bearer ${opened.json.sessionId}` } }).then(readAnswer);
      expect(after.status).toBe(200);
      expect(after.json.customerId).toBe(opened.json.customerId);
    } finally {
      await again.close();
    }
  } finally {
    await demo.close();
    if (page) await new Promise((resolve) => page!.close(resolve));
  }
});

it('says once, as information, that it generated a demo token key, where it keeps it and how to set one; nothing on later starts', async () => {
  const { logged, logger } = levelLogger();
  const keyFile = path.join(dataDir, 'merchant-token.key');
  await (await runner.startServers({ dataDir, env: {}, logger })).close();
  expect(logged.warn).toEqual([]);
  expect(logged.error).toEqual([]);
  const about = logged.info.filter((m) => m.includes('MERCHANT_TOKEN_KEY'));
  expect(about).toHaveLength(1);
  expect(about[0]).toContain(keyFile);
  expect(about[0]).not.toMatch(/WARNING/i);
  expect(about[0]).not.toContain(fs.readFileSync(keyFile, 'utf8').trim());

  logged.info.length = 0;
  await (await runner.startServers({ dataDir, env: {}, logger })).close();
  expect(logged).toEqual({ info: [], warn: [], error: [] });
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

it('listens on loopback only, and needs full credentials to talk to a real wallet', async () => {
  await expect(runner.startServers({ dataDir, env: {}, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  await expect(runner.startServers({ dataDir, env: { SUPERQI_BASE_URL: 'https://openapi.example.com' } })).rejects.toThrow(
    /SUPERQI_CLIENT_ID, MERCHANT_PRIVATE_KEY, WALLET_PUBLIC_KEY, MERCHANT_TOKEN_KEY/,
  );
});

it('points the backend at another wallet OpenAPI from the environment (SUPERQI_BASE_URL and friends)', async () => {
  const signing = signingHelpers;
  const walletModule = await loadServerModule('wallet-openapi.mjs');
  const merchant = signing.generateKeyPair();
  const walletKeys = signing.generateKeyPair();
  // Stands in for the real SuperQi OpenAPI.
  const remote = walletModule.createWalletOpenApi({ clientId: '2022000000000001', merchantPublicKeyPem: merchant.publicKeyPem, walletPrivateKeyPem: walletKeys.privateKeyPem });
  const { url: remoteUrl } = await remote.listen(0);
  const walletKeyFile = path.join(dataDir, 'superqi-public.pem');
  fs.writeFileSync(walletKeyFile, walletKeys.publicKeyPem);
  const dbPath = path.join(dataDir, 'elsewhere', 'merchant.db');
  const demo = await runner.startServers({
    dataDir,
    logger: null,
    env: {
      SUPERQI_BASE_URL: remoteUrl,
      SUPERQI_CLIENT_ID: '2022000000000001',
      MERCHANT_PRIVATE_KEY: merchant.privateKeyPem.replace(/\n/g, '\\n'), // as a one-line env file value
      WALLET_PUBLIC_KEY_FILE: walletKeyFile,
      MERCHANT_TOKEN_KEY: randomBytes(32).toString('hex'),
      MERCHANT_DB_PATH: dbPath,
    },
  });
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
  } finally {
    await demo.close();
    await remote.close();
  }
});
