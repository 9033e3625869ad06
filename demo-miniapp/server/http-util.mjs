/** Small `node:http` helpers of the demo's servers: JSON answers, bodies within a limit, the Host guard, listen and close. */
import { createServer } from 'node:http';

/** @type {Record<number, Record<string, string>>} */
const DEFAULT_HEADERS = { 503: { 'Retry-After': '1' }, 401: { 'WWW-Authenticate': 'Bearer' } };

export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {boolean} [retryable] the same request may succeed later (default: 503)
   * @param {Record<string, string>} [headers] sent with the error answer (default: `Retry-After: 1`
   *   for 503, `WWW-Authenticate: Bearer` for 401)
   */
  constructor(status, code, message, retryable = status === 503, headers = { ...DEFAULT_HEADERS[status] }) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.headers = headers;
  }
}

/**
 * Reads the whole request body as UTF-8, refusing more than `limit` bytes (413) without buffering them.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<string>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`));
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Parses a JSON object body; anything else is a 400 with `code`.
 * @param {string} text
 * @param {string} code
 * @returns {Record<string, unknown>}
 */
export function parseJsonObject(text, code) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, code, 'body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, code, 'body must be a JSON object');
  return value;
}

/**
 * A request's body as a JSON object: 413 past `limit` bytes, 400 with `code` when it is not one.
 * @param {import('node:http').IncomingMessage} req @param {number} limit @param {string} code
 * @returns {Promise<Record<string, unknown>>}
 */
export async function readJsonObject(req, limit, code) {
  return parseJsonObject(await readBody(req, limit), code);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} body already serialised (the signed bytes must be the sent bytes)
 * @param {Record<string, string>} [headers]
 */
export function sendRaw(res, status, body, headers = {}) {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, value, headers) {
  sendRaw(res, status, JSON.stringify(value), headers);
}

/**
 * `{ "error": { code, message, ...extra } }`, the shape the kit's httpSubmitter reads.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [extra]
 * @param {Record<string, string>} [headers]
 */
export function sendError(res, status, code, message, extra = {}, headers = {}) {
  sendJson(res, status, { error: { code, message, ...extra } }, headers);
}

/**
 * A loopback host name: `localhost`, `127.x.x.x`, `::1` (bare, as `listen` takes it, or `[::1]`, as
 * URLs and Host headers write it).
 * @param {string} hostname
 */
export function isLoopbackHostname(hostname) {
  return /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(hostname);
}

/**
 * Who a server answers (the `Host` header), against DNS rebinding: a page on another site that makes
 * its own name resolve to 127.0.0.1 sends its own name as Host. A server bound to loopback answers
 * loopback names; any other binding needs the names it serves (`allowedHosts`). Ports are ignored.
 * @param {{ bindHost: string, allowedHosts?: readonly string[] }} options
 * @returns {(req: import('node:http').IncomingMessage) => boolean}
 */
export function hostGuard({ bindHost, allowedHosts }) {
  if (allowedHosts !== undefined && (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string' && /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/i.test(h)))) {
    throw new TypeError('allowedHosts must be an array of host names (no ports).');
  }
  const loopback = isLoopbackHostname(bindHost);
  if (!loopback && !allowedHosts?.length) throw new TypeError(`A server bound to ${bindHost} needs allowedHosts: the Host names it answers to.`);
  const names = new Set((allowedHosts ?? []).map((h) => h.toLowerCase()));
  return (req) => {
    const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(req.headers.host ?? '');
    const name = match ? /** @type {string} */ (match[1]).toLowerCase() : null;
    return name !== null && ((loopback && isLoopbackHostname(name)) || names.has(name));
  };
}

/**
 * A standalone API server: requests for a Host `hostGuard(hosts)` refuses get 421, paths `handler`
 * does not take get 404.
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean} handler
 * @param {{ bindHost: string, allowedHosts?: readonly string[] }} hosts
 */
export function createApiServer(handler, hosts) {
  const hostAllowed = hostGuard(hosts);
  return createServer((req, res) => {
    if (!hostAllowed(req)) {
      req.resume();
      return sendError(res, 421, 'MISDIRECTED_REQUEST', 'this server does not answer for that Host');
    }
    if (!handler(req, res)) sendError(res, 404, 'NOT_FOUND', 'no such route');
  });
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * A POST body must be declared JSON: a cross-site form cannot send that type without a CORS preflight.
 * @param {import('node:http').IncomingMessage} req
 */
export function bodyTypeAccepted(req) {
  return JSON_TYPE.test(req.headers['content-type'] ?? '');
}

/** The 415 answer to a POST whose body is not declared JSON. @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
export function refuseBodyType(req, res) {
  req.resume();
  sendError(res, 415, 'BAD_REQUEST', 'send Content-Type: application/json', { retryable: false });
}

/** Per server: open sockets and how many requests each is serving, so closing can be quick and graceful. */
/** @type {WeakMap<import('node:http').Server, { sockets: Map<import('node:net').Socket, number>, closing: boolean }>} */
const connections = new WeakMap();

/** @param {import('node:http').Server} server */
function trackConnections(server) {
  if (connections.has(server)) return;
  const state = { sockets: new Map(), closing: false };
  connections.set(server, state);
  server.on('connection', (socket) => {
    state.sockets.set(socket, 0);
    socket.on('close', () => state.sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    state.sockets.set(socket, (state.sockets.get(socket) ?? 0) + 1);
    res.on('close', () => {
      if (!state.sockets.has(socket)) return;
      const serving = /** @type {number} */ (state.sockets.get(socket)) - 1;
      state.sockets.set(socket, serving);
      if (state.closing && serving === 0) socket.destroy();
    });
  });
}

/**
 * Starts `server` on host:port and resolves with its base URL (port 0 picks a free port).
 * @param {import('node:http').Server} server
 * @param {number} port
 * @param {string} host
 * @returns {Promise<{ url: string, port: number }>}
 */
export function listenOn(server, port, host) {
  trackConnections(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({ url: `http://${shownHost}:${address.port}`, port: address.port });
    });
  });
}

/**
 * Closes a server started with `listenOn`: requests under way are answered, then every connection is
 * ended (idle keep-alive ones, and ones a client opened without sending anything, at once).
 * @param {import('node:http').Server | null} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
  if (!server || !server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    const state = connections.get(server);
    if (!state) return void server.closeIdleConnections();
    state.closing = true;
    for (const [socket, serving] of state.sockets) if (serving === 0) socket.destroy();
  });
}

