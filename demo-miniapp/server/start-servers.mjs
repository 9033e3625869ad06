/**
 * Starts the demo's server side on loopback: the simulated wallet OpenAPI and the reference merchant
 * backend, both on one HTTP server (their paths do not overlap). The merchant backend reaches the wallet
 * over real HTTP at that server's URL, with real signatures.
 *
 * The page server (PORT, default 4173) mounts `handler` so that the page calls `/api/...`,
 * `/sim/codes` and `/sim/avatars/...` on its own origin:
 *
 *   const demo = await startServers({ dataDir });
 *   http.createServer((req, res) => { if (!demo.handler(req, res)) servePage(req, res); });
 *
 * Run directly (`node demo-miniapp/server/start-servers.mjs`) it listens on DEMO_API_PORT (default: a
 * free port) and prints the URL.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWalletOpenApi } from './wallet-openapi.mjs';
import { createMerchantBackend } from './merchant-backend.mjs';
import { loadDemoConfig } from './keys.mjs';
import { closeServer, createApiServer, isLoopbackHostname, listenOn } from './http-util.mjs';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/**
 * @param {{
 *   port?: number,
 *   host?: string,
 *   dataDir?: string,
 *   env?: Record<string, string | undefined>,
 *   logger?: import('./merchant-backend.mjs').Logger | null,
 *   now?: () => number,
 *   backendOptions?: Partial<import('./backend-options.mjs').BackendOptions>,
 * }} [options] `backendOptions`: more options of createMerchantBackend (e.g. `attemptLimit`)
 */
export async function startServers({ port = 0, host = '127.0.0.1', dataDir = DEFAULT_DATA_DIR, env = process.env, logger, now, backendOptions = {} } = {}) {
  if (!isLoopbackHostname(host)) throw new Error(`The demo servers listen on loopback only, not ${host}.`);
  const config = loadDemoConfig({ dataDir, env });
  const clock = now ? { now } : {};
  const wallet =
    config.simulated && config.walletPrivateKeyPem && config.merchantPublicKeyPem
      ? createWalletOpenApi({
          clientId: config.clientId,
          merchantPublicKeyPem: config.merchantPublicKeyPem,
          walletPrivateKeyPem: config.walletPrivateKeyPem,
          merchantKeyVersion: config.keyVersion,
          ...clock,
        })
      : null;
  /** @type {ReturnType<typeof createMerchantBackend> | null} */
  let backend = null;

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @returns {boolean} false when the path is not one of the demo server routes
   */
  const handler = (req, res) => Boolean(wallet?.handler(req, res) || backend?.handler(req, res));

  const server = createApiServer(handler, { bindHost: host });
  const { url } = await listenOn(server, port, host);
  try {
    backend = createMerchantBackend({
      ...backendOptions,
      walletBaseUrl: config.walletBaseUrl ?? url,
      clientId: config.clientId,
      merchantPrivateKeyPem: config.merchantPrivateKeyPem,
      walletPublicKeyPem: config.walletPublicKeyPem,
      keyVersion: config.keyVersion,
      dbPath: config.dbPath,
      env,
      ...(logger === undefined ? {} : { logger }),
      ...clock,
    });
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const started = /** @type {ReturnType<typeof createMerchantBackend>} */ (backend);

  return {
    /** Base URL of this server: wallet OpenAPI (simulated) and merchant backend. */
    url,
    walletBaseUrl: config.walletBaseUrl ?? url,
    handler,
    /** The simulated wallet OpenAPI (null when SUPERQI_BASE_URL points at a real one). */
    wallet,
    backend: started,
    server,
    clientId: config.clientId,
    dbPath: config.dbPath,
    /** The public keys in use: the merchant's (to register with the wallet) and the wallet's. */
    keys: { merchantPublicKeyPem: config.merchantPublicKeyPem, walletPublicKeyPem: config.walletPublicKeyPem },
    async close() {
      await closeServer(server);
      await started.close();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const demo = await startServers({ port: Number(process.env.DEMO_API_PORT ?? 0) });
  console.log(`Wallet OpenAPI (simulated) and merchant backend on ${demo.url}`);
  console.log(`  POST ${demo.url}/sim/codes   POST ${demo.url}/api/auth/session   GET ${demo.url}/api/me`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
