/**
 * `npm run demo`: the demo miniapp on ONE loopback HTTP server (PORT, default 4173).
 *
 *   /              /cart  /me      the miniapp's pages (demo-miniapp/app/index.html: in-app routes)
 *   /main.js, /styles.css, /img/…  the miniapp's files (demo-miniapp/app/)
 *   /wallet/…                      the simulated wallet that runs in the page (stands in for hylid-bridge)
 *   /kit/…                         the built kit (dist/, read only)
 *   /story.js                      what both demos share (demo-miniapp/miniprogram/lib/story.js)
 *   /api/auth/…  /sim/codes        the merchant backend (the kit's createAuthServer) and the simulated
 *                                  wallet OpenAPI (demo-miniapp/server/start-servers.mjs, mounted here)
 *   /sim/faults                    demo-only switch: make the NEXT code or applyToken answer fail
 *
 * Every page is served with a strict Content-Security-Policy: no inline script or style anywhere, which
 * the kit's elements must (and do) work under.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServers, DEFAULT_DATA_DIR } from './server/start-servers.mjs';
import { hostGuard } from './server/http-util.mjs';
import { createFaultSwitch } from './dev-faults.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const APP_DIR = join(HERE, 'app');
export const KIT_DIR = resolve(HERE, '..', 'dist');
/** Products, cart rule and texts both demos share: kept in the mini program, which cannot look outside its folder. */
const STORY_FILE = join(HERE, 'miniprogram', 'lib', 'story.js');
export const DEFAULT_PORT = 4173;

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** In-app routes: each serves the single page, which draws the route itself (history API). */
const APP_ROUTES = new Set(['/', '/cart', '/me']);

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.cts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

/**
 * Resolves `urlPath` (already without the mount prefix) inside `root`, or null when it would leave it,
 * names a hidden file, or is malformed. Never follows `..`, encoded or not.
 * @param {string} root
 * @param {string} urlPath
 */
export function safeJoin(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return null;
  const full = resolve(root, ...parts);
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : null;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function sendText(res, status, text, extra = {}) {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(text);
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string | null} file
 */
async function sendFile(req, res, file) {
  if (!file) return sendText(res, 404, 'Not found\n');
  let info;
  try {
    info = await stat(file);
  } catch {
    return sendText(res, 404, 'Not found\n');
  }
  if (!info.isFile()) return sendText(res, 404, 'Not found\n');
  const type = CONTENT_TYPES[/** @type {keyof typeof CONTENT_TYPES} */ (extname(file).toLowerCase())] ?? 'application/octet-stream';
  const body = await readFile(file);
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Starts the demo: the merchant backend and simulated wallet OpenAPI (start-servers.mjs) and the page
 * server that mounts them. Everything listens on 127.0.0.1.
 * @param {{
 *   port?: number,             // 0 = a free port
 *   dataDir?: string,          // keys, token key and SQLite database (default demo-miniapp/data/;
 *                              // DATABASE_URL=postgres://… keeps sessions in PostgreSQL instead)
 *   quiet?: boolean,           // no backend log lines
 *   env?: Record<string, string | undefined>,
 * }} [options]
 */
export async function startDemo({ port = DEFAULT_PORT, dataDir = DEFAULT_DATA_DIR, quiet = false, env = process.env } = {}) {
  if (!existsSync(join(KIT_DIR, 'index.js')) || !existsSync(join(KIT_DIR, 'components.js'))) {
    throw Object.assign(new Error('The kit is not built (dist/ is missing): run `npm run build` first (`npm run demo` does).'), { code: 'KIT_NOT_BUILT' });
  }
  const servers = await startServers({ dataDir, env, ...(quiet ? { logger: null } : {}) });
  const faults = createFaultSwitch({ servers, dataDir, env });
  const hostAllowed = hostGuard({ bindHost: '127.0.0.1' });

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    // Loopback names only: a page elsewhere cannot reach this server through DNS rebinding.
    if (!hostAllowed(req)) {
      req.resume();
      return sendText(res, 421, 'This demo answers on 127.0.0.1 only.\n');
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // The servers' routes: the backend (/api/…) and the code minting of the simulated wallet.
    if (path === '/sim/faults' || path === '/sim/codes') {
      if (faults.handle(req, res, path)) return;
    }
    if (path.startsWith('/api/') || path === '/sim/codes' || path.startsWith('/sim/avatars/')) {
      if (servers.handler(req, res)) return;
      req.resume();
      return sendText(res, 404, 'Not found\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    }
    const done = (/** @type {Promise<void>} */ p) => p.catch(() => sendText(res, 500, 'Internal error\n'));
    if (path.startsWith('/kit/')) return void done(sendFile(req, res, safeJoin(KIT_DIR, path.slice('/kit/'.length))));
    if (path === '/story.js') return void done(sendFile(req, res, STORY_FILE));
    if (APP_ROUTES.has(path)) return void done(sendFile(req, res, join(APP_DIR, 'index.html')));
    return void done(sendFile(req, res, safeJoin(APP_DIR, path)));
  });

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${address.port}/`;
  let closing = null;

  return {
    url,
    port: address.port,
    server,
    /** The servers of start-servers.mjs (backend, wallet OpenAPI). */
    servers,
    /** Closes the page server and the servers behind it. */
    close() {
      closing ??= (async () => {
        await new Promise((done) => {
          server.close(() => done(undefined));
          server.closeAllConnections?.();
        });
        await servers.close();
      })();
      return closing;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const raw = process.env.PORT;
  const port = raw === undefined || raw === '' ? DEFAULT_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, not ${JSON.stringify(raw)}.`);
    process.exit(1);
  }
  let demo;
  try {
    demo = await startDemo({ port });
  } catch (error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    if (e.code === 'EADDRINUSE') console.error(`Port ${port} is in use: run with PORT=<another port> npm run demo.`);
    else console.error(e?.message ?? e);
    process.exit(1);
  }
  console.log(`miniapp-auth-kit demo: ${demo.url}`);
  console.log('  Open it in a browser (a phone-sized window shows it best). Ctrl+C stops it.');
  let stopping = false;
  const stop = (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo…`);
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
