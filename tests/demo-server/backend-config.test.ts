/**
 * What `createMerchantBackend` itself accepts (issue 9, item 9), whoever calls it (not only the demo's
 * config loader): a real wallet only over https and only with a configured token key, no placeholder
 * token keys, clear TypeErrors for bad options; and the data files it creates are private (0600).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadServerModule, removeDir, tempDir } from './helpers';
import { closeWorlds, codeFor, dbFiles, makeWorld, serverModules, session } from './world';

let backendModule: any;
let base: Record<string, unknown>;
let dir: string;

beforeAll(async () => {
  const m = await serverModules();
  backendModule = m.backendModule;
  base = { clientId: 'TEST_CLIENT', merchantPrivateKeyPem: m.merchant.privateKeyPem, walletPublicKeyPem: m.walletKeys.publicKeyPem, logger: null, env: {} };
});
beforeEach(() => {
  dir = tempDir('backend-config-');
});
afterEach(async () => {
  await closeWorlds();
  removeDir(dir);
});

/** createMerchantBackend's error for these options (closing the backend when it starts after all). */
function refusal(options: Record<string, unknown>): Error | null {
  try {
    backendModule.createMerchantBackend({ ...base, dbPath: path.join(dir, 'merchant.sqlite'), ...options }).close();
    return null;
  } catch (error) {
    return error as Error;
  }
}

describe('a real wallet', () => {
  it('is refused without a configured token key (no development key is made for it)', () => {
    const error = refusal({ walletBaseUrl: 'https://openapi.example.com' });
    expect(error?.name).toBe('TypeError'); // the server modules run in Node's own context: another TypeError class
    expect(error?.message).toMatch(/MERCHANT_TOKEN_KEY/);
    expect(fs.readdirSync(dir)).toEqual([]);
    // With the key configured (option or environment) it starts.
    expect(refusal({ walletBaseUrl: 'https://openapi.example.com', encryptionKey: randomBytes(32) })).toBeNull();
    expect(refusal({ walletBaseUrl: 'https://openapi.example.com', env: { MERCHANT_TOKEN_KEY: randomBytes(32).toString('hex') } })).toBeNull();
  });

  it('is refused over plain http (loopback simulators excepted)', () => {
    const error = refusal({ walletBaseUrl: 'http://openapi.example.com', encryptionKey: randomBytes(32) });
    expect(error?.name).toBe('TypeError');
    expect(error?.message).toMatch(/https/);
    expect(refusal({ walletBaseUrl: 'http://10.0.0.8:8080', encryptionKey: randomBytes(32) })?.name).toBe('TypeError');
    for (const local of ['http://127.0.0.1:9', 'http://localhost:9', 'http://[::1]:9']) expect(refusal({ walletBaseUrl: local })).toBeNull();
  });
});

describe('the token key', () => {
  it.each([
    ['all zero', '00'.repeat(32)],
    ['one repeated byte', 'ab'.repeat(32)],
    ['a short pattern repeated', '0123456789abcdef'.repeat(4)],
    ['too short', randomBytes(16).toString('hex')],
    ['not a key', 'too-short'],
  ])('refuses %s, as an option and from MERCHANT_TOKEN_KEY', (_name, key) => {
    for (const options of [{ encryptionKey: key }, { env: { MERCHANT_TOKEN_KEY: key } }]) {
      const error = refusal({ walletBaseUrl: 'http://127.0.0.1:9', ...options });
      expect(error?.name).toBe('TypeError');
      expect(error?.message).toMatch(/token encryption key|MERCHANT_TOKEN_KEY/);
      expect(error?.message).not.toContain(key);
    }
  });

  it('the demo config loader refuses the same keys for a real wallet', async () => {
    const keys = await loadServerModule('keys.mjs');
    const env = {
      SUPERQI_BASE_URL: 'https://openapi.example.com', SUPERQI_CLIENT_ID: 'X', MERCHANT_PRIVATE_KEY: String(base.merchantPrivateKeyPem),
      WALLET_PUBLIC_KEY: String(base.walletPublicKeyPem), MERCHANT_TOKEN_KEY: '00'.repeat(32),
    };
    expect(() => keys.loadDemoConfig({ dataDir: dir, env })).toThrow(/MERCHANT_TOKEN_KEY/);
  });
});

describe('options', () => {
  it.each([
    ['no walletBaseUrl', { walletBaseUrl: undefined }, /walletBaseUrl/],
    ['a walletBaseUrl that is no URL', { walletBaseUrl: 'not a url' }, /walletBaseUrl/],
    ['an ftp walletBaseUrl', { walletBaseUrl: 'ftp://127.0.0.1/' }, /walletBaseUrl/],
    ['no clientId', { clientId: '' }, /clientId/],
    ['a merchant key that is no key', { merchantPrivateKeyPem: 'nope' }, /merchantPrivateKeyPem/],
    ['a wallet key that is no key', { walletPublicKeyPem: 42 }, /walletPublicKeyPem/],
    ['no dbPath', { dbPath: undefined }, /dbPath/],
    ['a negative sessionTtlMs', { sessionTtlMs: -1 }, /sessionTtlMs/],
    ['a replay window that is not a number', { replayWindowMs: '10m' }, /replayWindowMs/],
    ['a now that is not a function', { now: 5 }, /now/],
    ['a logger without warn', { logger: { info() {} } }, /logger/],
    ['an attemptLimit without a burst', { attemptLimit: { perMinute: 5 } }, /attemptLimit/],
    ['a clientAddress that is not a function', { clientAddress: 'x-forwarded-for' }, /clientAddress/],
  ])('refuses %s with a TypeError that names it', (_name, options, pattern) => {
    const error = refusal({ walletBaseUrl: 'http://127.0.0.1:9', ...options });
    expect(error?.name).toBe('TypeError');
    expect(error?.message).toMatch(pattern);
  });
});

describe('data files', () => {
  it('are created 0600: database, its WAL and shared memory, the development token key', async () => {
    const world = await makeWorld({}, { encryptionKey: undefined, env: {} });
    expect((await session(world, codeFor(world))).status).toBe(200); // the WAL and SHM files exist now
    const files = [...dbFiles(world), path.join(world.dir, 'merchant-token.key')];
    for (const file of files) expect({ file: path.basename(file), mode: (fs.statSync(file).mode & 0o777).toString(8) }).toEqual({ file: path.basename(file), mode: '600' });
  });

  it('a database left readable by an earlier version is made private at start', async () => {
    const world = await makeWorld();
    expect((await session(world, codeFor(world))).status).toBe(200);
    await world.backend.close();
    for (const file of dbFiles(world)) if (fs.existsSync(file)) fs.chmodSync(file, 0o644);
    await world.startBackend();
    for (const file of dbFiles(world)) if (fs.existsSync(file)) expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  });
});
