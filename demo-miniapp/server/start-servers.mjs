/**
 * The demo's server side, as a merchant wires the kit: `createAuthServer` (miniapp-auth-kit/server)
 * over `sqliteStore` (a file in the data directory; `DATABASE_URL=postgres://…` switches to
 * `postgresStore`), mounted with `toNodeHandler`; in simulation, the kit's wallet OpenAPI simulator
 * (miniapp-auth-kit/server/testing) on the same loopback server. The auth server reaches the wallet
 * over real HTTP at that server's URL, with real signatures.
 *
 * The page server (PORT, default 4173) mounts `handler` so that the page calls `/api/auth/…`,
 * `/sim/codes` and `/sim/avatars/…` on its own origin:
 *
 *   const demo = await startServers({ dataDir });
 *   http.createServer((req, res) => { if (!demo.handler(req, res)) servePage(req, res); });
 *
 * Run directly (`node demo-miniapp/server/start-servers.mjs`) it listens on DEMO_API_PORT (default: a
 * free port) and prints the URL.
 */
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAuthServer } from 'miniapp-auth-kit/server';
import { toNodeHandler } from 'miniapp-auth-kit/server/node';
import { loadDemoConfig, readDemoEnv, tokenKeysOf } from './keys.mjs';
import { createWalletOpenApi } from './wallet-openapi.mjs';
import { closeServer, createApiServer, isLoopbackHostname, listenOn } from './http-util.mjs';
import { makePrivateDir } from './private-files.mjs';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));
export const BASE_PATH = '/api/auth';

/** @typedef {{ info?(message: string): void, warn(message: string): void, error(message: string): void }} Logger */

/** @type {Logger} */
const consoleLogger = {
  info: (m) => console.log(`[merchant-backend] ${m}`),
  warn: (m) => console.warn(`[merchant-backend] WARNING: ${m}`),
  error: (m) => console.error(`[merchant-backend] ${m}`),
};

/**
 * The store the environment names, ready (its tables made): a file that is not a database is refused
 * here, with the store's own message, before any key is written.
 * @param {import('./keys.mjs').StoreChoice} choice
 */
async function openStore(choice) {
  if (choice.kind === 'postgres') {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: choice.url, max: 10 });
    // An idle connection the server ends is no crash of the demo: the next query reconnects.
    pool.on('error', () => undefined);
    const { postgresStore } = await import('miniapp-auth-kit/server/postgres');
    return { store: postgresStore({ pool, closePool: true }), where: `PostgreSQL (${new URL(choice.url).host}${new URL(choice.url).pathname})` };
  }
  makePrivateDir(dirname(choice.filename));
  const { sqliteStore } = await import('miniapp-auth-kit/server/sqlite');
  return { store: sqliteStore({ filename: choice.filename }), where: `SQLite (${choice.filename})` };
}

/**
 * @param {{
 *   port?: number,
 *   host?: string,
 *   dataDir?: string,
 *   env?: Record<string, string | undefined>,
 *   logger?: Logger | null,
 *   authOptions?: Partial<import('miniapp-auth-kit/server').AuthServerOptions>,
 *   walletOptions?: Partial<import('miniapp-auth-kit/server/testing').WalletOpenApiSimulatorOptions>,
 * }} [options] `authOptions`: more options of createAuthServer (e.g. `attemptLimit`);
 *   `walletOptions`: more options of the simulated wallet (e.g. `accessTokenTtlMs`)
 */
export async function startServers({ port = 0, host = '127.0.0.1', dataDir = DEFAULT_DATA_DIR, env = process.env, logger, authOptions = {}, walletOptions = {} } = {}) {
  if (!isLoopbackHostname(host)) throw new Error(`The demo servers listen on loopback only, not ${host}.`);
  const log = logger === undefined ? consoleLogger : logger;
  // Checked first, and the store opened, before anything is written to the data directory.
  const choice = readDemoEnv({ dataDir, env }).store;
  const { store, where } = await openStore(choice);
  /** @type {ReturnType<typeof createWalletOpenApi> | null} */
  let wallet = null;
  /** The auth server's routes, once it is made (until then nothing of the API is answered). */
  /** @type {((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean) | null} */
  let mounted = null;
  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  const handler = (req, res) => Boolean(wallet?.handler(req, res) || mounted?.(req, res));
  const server = createApiServer(handler, { bindHost: host });
  /** @type {import('miniapp-auth-kit/server').AuthServer | null} */
  let auth = null;
  try {
    await store.init();
    const config = loadDemoConfig({ dataDir, env, logger: log });
    wallet = config.simulated ? createWalletOpenApi({ ...walletOptions, clientId: config.clientId, merchantPublicKeyPem: config.merchantPublicKeyPem, walletPrivateKeyPem: config.walletPrivateKeyPem, merchantKeyVersion: config.keyVersion }) : null;
    const { url } = await listenOn(server, port, host);
    const tokenKeys = tokenKeysOf(config.tokenKey);
    auth = createAuthServer({
      // Every user of the demo is 127.0.0.1: one address, many people (the browser suites open dozens).
      attemptLimit: { perClient: 600 },
      ...authOptions,
      wallet: { baseUrl: config.walletBaseUrl ?? url, clientId: config.clientId, privateKey: config.merchantPrivateKeyPem, walletPublicKey: config.walletPublicKeyPem, keyVersion: config.keyVersion },
      store,
      tokenKeys,
      basePath: BASE_PATH,
      logger: log,
    });
    const nodeHandler = toNodeHandler(auth.handler, { basePath: BASE_PATH });
    mounted = (req, res) => {
      if (!(req.url ?? '').startsWith(`${BASE_PATH}/`)) return false;
      nodeHandler(req, res);
      return true;
    };
    log?.info?.(`Sessions and wallet tokens are kept in ${where}.`);
    const started = auth;
    return {
      /** Base URL of this server: wallet OpenAPI (simulated) and auth server. */
      url,
      walletBaseUrl: config.walletBaseUrl ?? url,
      /** Takes the demo's server routes (true), leaves the others to the page server (false). */
      handler,
      /** The simulated wallet OpenAPI (null when SUPERQI_BASE_URL points at a real one). */
      wallet,
      /** The kit's auth server (`exchangeCode`, `getSession`, `withAccessToken`, `logout`). */
      auth: started,
      server,
      clientId: config.clientId,
      /** Where sessions and tokens are kept: `SQLite (<file>)` or `PostgreSQL (<host>/<database>)`. */
      store: where,
      /** The id of the token key in use (a digest, never the key): the same in every process sharing the data. */
      tokenKeyId: tokenKeys.current,
      /** The SQLite file (null on PostgreSQL). */
      dbPath: choice.kind === 'sqlite' ? choice.filename : null,
      /** The public keys in use: the merchant's (to register with the wallet) and the wallet's. */
      keys: { merchantPublicKeyPem: config.merchantPublicKeyPem, walletPublicKeyPem: config.walletPublicKeyPem },
      async close() {
        await closeServer(server);
        await started.close();
      },
    };
  } catch (error) {
    await closeServer(server);
    await (auth ? auth.close() : store.close());
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const demo = await startServers({ port: Number(process.env.DEMO_API_PORT ?? 0) });
  console.log(`Wallet OpenAPI (simulated) and auth server on ${demo.url}`);
  console.log(`  POST ${demo.url}/sim/codes   POST ${demo.url}${BASE_PATH}/session   GET ${demo.url}${BASE_PATH}/me`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
