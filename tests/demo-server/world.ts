/**
 * One test's world for the merchant backend tests: a wallet simulator and a backend over a temp
 * database, both on real loopback servers, a settable clock, a record of the backend's wallet calls and
 * of its log lines (by level). `closeWorlds()` (afterEach) closes and removes everything.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { levelLogger, loadServerModule, makeClock, postJson, readAnswer, removeDir, tempDir } from './helpers';
import type { RawAnswer } from './helpers';
import * as signingHelpers from './signing';

export const MINUTE = 60_000;
/** The token key of every world (hex). */
export const KEY = randomBytes(32).toString('hex');

let modules: { signing: any; walletModule: any; backendModule: any; merchant: KeyPair; walletKeys: KeyPair } | null = null;

interface KeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** The server modules and one merchant and one wallet key pair, shared by every world of a test file. */
export async function serverModules() {
  if (!modules) {
    const signing = signingHelpers;
    modules = {
      signing,
      walletModule: await loadServerModule('wallet-openapi.mjs'),
      backendModule: await loadServerModule('merchant-backend.mjs'),
      merchant: signing.generateKeyPair(),
      walletKeys: signing.generateKeyPair(),
    };
  }
  return modules;
}

export interface WalletCall {
  request: any;
  status: number;
  text: string;
}

export interface World {
  clock: ReturnType<typeof makeClock>;
  wallet: any;
  walletUrl: string;
  backend: any;
  url: string;
  /** Every backend started, to close them all after the test. */
  backends: any[];
  dir: string;
  dbPath: string;
  calls: WalletCall[];
  /** Every log line, whatever its level. */
  logs: string[];
  /** Log lines by level. */
  logged: { info: string[]; warn: string[]; error: string[] };
  /** The options every backend of this world gets (before the per-start overrides). */
  backendOptions(overrides?: Record<string, unknown>): Record<string, unknown>;
  startBackend(overrides?: Record<string, unknown>): Promise<{ backend: any; url: string }>;
}

const worlds: World[] = [];

/** A wallet simulator on a loopback port with its own settable clock (`options` go to `createWalletOpenApi`); the caller closes it. */
export async function startWallet(options: Record<string, unknown> = {}): Promise<{ wallet: any; url: string; clock: ReturnType<typeof makeClock> }> {
  const { walletModule, merchant, walletKeys } = await serverModules();
  const clock = makeClock();
  const wallet = walletModule.createWalletOpenApi({
    clientId: 'TEST_CLIENT',
    merchantPublicKeyPem: merchant.publicKeyPem,
    walletPrivateKeyPem: walletKeys.privateKeyPem,
    now: clock.now,
    ...options,
  });
  const { url } = await wallet.listen(0);
  return { wallet, url, clock };
}

export async function makeWorld(walletOptions: Record<string, unknown> = {}, backendOptions: Record<string, unknown> = {}): Promise<World> {
  const { backendModule, merchant, walletKeys } = await serverModules();
  const { wallet, url: walletUrl, clock } = await startWallet(walletOptions);
  const dir = tempDir('merchant-');
  const calls: WalletCall[] = [];
  const { logged, lines: logs, logger } = levelLogger();
  // Real fetch, recorded: the tests learn the tokens the wallet issued to look for them where they must not be.
  const fetchImpl = async (url: string, init: RequestInit) => {
    const response = await fetch(url, init);
    calls.push({ request: JSON.parse(String(init.body)), status: response.status, text: await response.clone().text() });
    return response;
  };
  const world: World = {
    clock,
    wallet,
    walletUrl,
    dir,
    dbPath: path.join(dir, 'merchant.sqlite'),
    calls,
    logs,
    logged,
    backend: null,
    url: '',
    backends: [],
    backendOptions: (overrides = {}) => ({
      walletBaseUrl: walletUrl,
      clientId: 'TEST_CLIENT',
      merchantPrivateKeyPem: merchant.privateKeyPem,
      walletPublicKeyPem: walletKeys.publicKeyPem,
      dbPath: world.dbPath,
      encryptionKey: KEY,
      now: clock.now,
      fetchImpl,
      logger,
      ...backendOptions,
      ...overrides,
    }),
    async startBackend(overrides = {}) {
      const backend = backendModule.createMerchantBackend(world.backendOptions(overrides));
      world.backends.push(backend);
      const { url } = await backend.listen(0);
      world.backend = backend;
      world.url = url;
      return { backend, url };
    },
  };
  worlds.push(world);
  await world.startBackend();
  return world;
}

/** For afterEach: closes every backend and wallet of the worlds made since, and removes their folders. */
export async function closeWorlds(): Promise<void> {
  for (const world of worlds.splice(0)) {
    for (const backend of world.backends) await backend.close();
    await world.wallet.close();
    removeDir(world.dir);
  }
}

/** `POST /api/auth/session` `{ authCode, scopes }`, with `Idempotency-Key: key` when given. */
export const session = (world: World, authCode: string, scopes: string[] = ['auth_base'], key?: string, url = world.url): Promise<RawAnswer> =>
  postJson(`${url}/api/auth/session`, { authCode, scopes }, key === undefined ? {} : { 'Idempotency-Key': key });
export const me = (world: World, sessionId: string): Promise<RawAnswer> => fetch(`${world.url}/api/me`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(readAnswer);
export const forceRefresh = (world: World, sessionId: string): Promise<RawAnswer> => postJson(`${world.url}/api/auth/refresh`, {}, { Authorization: `Bearer ${sessionId}` });
export const codeFor = (world: World, scopes: string[] = ['auth_base'], customerId?: string): string =>
  world.wallet.issueCode({ scopes, ...(customerId ? { customerId } : {}) }).authCode;
export const grants = (world: World, grantType: string): WalletCall[] => world.calls.filter((c) => c.request.grantType === grantType);
export const dbFiles = (world: World): string[] => [world.dbPath, `${world.dbPath}-wal`, `${world.dbPath}-shm`];
export const count = (world: World, table: string): number => world.backend.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;

/** A code no wallet issued (well-formed: it costs the backend a signed applyToken call). */
export const madeUp = (): string => `0000000001${randomBytes(16).toString('base64url')}`;

export function expectError(answer: { status: number; json: any }, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.json).toEqual({ error: { code, message: expect.any(String), retryable: expect.any(Boolean) } });
}
