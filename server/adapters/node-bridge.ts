/**
 * Node's request and response as the fetch handler's `Request` and `Response`, for every Node
 * framework adapter (node:http, Express, Connect, Fastify, Koa):
 * - the body: taken from a parser that already ran (an object → JSON, a string or bytes as they are),
 *   else read from the stream, at most the limit: past it the answer is 413 and the connection is
 *   closed instead of read to its end;
 * - the client's address: the socket's, or what `trustProxy` allows (clientAddressOf), with one
 *   warning when requests carry proxy headers that nothing trusts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { carriesForwarding, checkTrustProxy, clientAddressOf, type TrustProxy } from '../auth/client-address';
import { MAX_BODY_BYTES, tooLarge, type AuthRequest } from '../auth/requests';
import { errorAnswer, type Answer } from '../auth/answers';
import { answerOf, type FetchHandler } from '../auth/handler';

/** What the adapters need of a request: node's, with what Express, Connect or a body parser add. */
export type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown; _body?: boolean };

export interface NodeAdapterOptions {
  /** The auth server's basePath (default `/api/auth`): other paths go to `next()`. */
  basePath?: string;
  trustProxy?: TrustProxy;
  /** Where the proxy-header warning goes (default `console`). */
  logger?: { warn(message: string): void } | null;
}

export interface Bridge {
  basePath: string;
  handles(url: string | undefined): boolean;
  /** The handler's answer to `req` (its body taken from `parsedBody` when a framework read it). */
  answer(req: NodeRequest, parsedBody?: unknown): Promise<Answer>;
  serve(req: NodeRequest, res: ServerResponse, parsedBody?: unknown): Promise<void>;
}

const TooLarge = Symbol('too large');

/** The body a framework's parser already read (an object → JSON, a string or bytes as they are); undefined when none did. */
function parsedBytes(req: NodeRequest, explicit: unknown): Uint8Array | undefined {
  // A parser ran when the stream was read to its end (express.json() also sets `_body`).
  const value = explicit !== undefined ? explicit : req._body === true || req.readableEnded ? req.body : undefined;
  if (value === undefined) return undefined;
  if (value === null) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value;
  return new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The body from the stream, at most the limit; past it, reading stops (no more is taken off the socket). */
function readStream(req: NodeRequest): Promise<Uint8Array | typeof TooLarge> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return Promise.resolve(TooLarge);
  // Read to its end already, by something that kept nothing for us.
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', reject);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      stop();
      req.pause();
      resolve(TooLarge);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

/**
 * After a 413: the answer goes out with `Connection: close`, then the connection ends and nothing more
 * of the body is read (a client that keeps sending fills its own window, then is cut off).
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as Socket | null;
  req.pause();
  res.setHeader('Connection', 'close');
  res.once('finish', () => {
    if (!socket) return;
    socket.pause();
    socket.end();
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}

/** Writes an answer; after a 413 the connection is closed instead of the body read to its end. */
export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  if (answer.status === 413) closeAfterAnswer(req, res);
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(req.method === 'HEAD' ? undefined : answer.body ?? undefined);
}

/** A fetch Response as an answer (for a handler that is not the auth server's own). */
async function answerOfResponse(response: Response): Promise<Answer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: response.body ? await response.text() : null };
}

const headerOf = (req: IncomingMessage, name: string): string | null => {
  const v = req.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
};

export function createBridge(handler: FetchHandler, options: NodeAdapterOptions = {}, where = 'toNodeHandler'): Bridge {
  if (typeof handler !== 'function') throw new TypeError(`${where}: handler must be the auth server's handler (createAuthServer(...).handler).`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object.`);
  const basePath = options.basePath ?? '/api/auth';
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) throw new TypeError(`${where}: basePath must be a path such as "/api/auth" (no trailing slash).`);
  const trustProxy = checkTrustProxy(where, options.trustProxy);
  const logger = options.logger === undefined ? console : options.logger;
  let warned = false;

  const handles = (url: string | undefined) => {
    const path = (url ?? '/').split('?')[0] as string;
    return path === basePath || path.startsWith(`${basePath}/`);
  };

  function addressOf(req: NodeRequest): string | undefined {
    const get = (name: string) => headerOf(req, name);
    if (trustProxy === false && !warned && carriesForwarding(get)) {
      warned = true;
      logger?.warn(`[miniapp-auth-kit] ${where}: requests carry proxy headers (X-Forwarded-For, Forwarded) but trustProxy is not set: the attempt limits count the proxy's address, not the client's. Set trustProxy to what your proxy sends.`);
    }
    return clientAddressOf(get, req.socket?.remoteAddress, trustProxy) ?? undefined;
  }

  /** The fetch Request of `req` (only when the handler is not the auth server's, or an option needs one). */
  function toRequest(req: NodeRequest, body: Uint8Array | undefined): Request {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith(':') || value === undefined) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    // The body is whole now: its length, not the framing it came with.
    headers.delete('transfer-encoding');
    if (body) headers.set('content-length', String(body.byteLength));
    return new Request(urlOf(req), { method: req.method ?? 'GET', headers, ...(body ? { body: body as BodyInit } : {}) });
  }

  async function answer(req: NodeRequest, parsedBody?: unknown): Promise<Answer> {
    const method = (req.method ?? 'GET').toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? undefined : parsedBytes(req, parsedBody) ?? (await readStream(req));
    if (body === TooLarge || (body && body.byteLength > MAX_BODY_BYTES)) return errorAnswer(tooLarge());
    const address = addressOf(req);
    const ctx = address ? { clientAddress: address } : {};
    const fast = answerOf(handler);
    if (!fast) return answerOfResponse(await handler(toRequest(req, body), ctx));
    let request: Request | null = null;
    const view: AuthRequest = {
      url: req.originalUrl ?? req.url ?? '/',
      method,
      header: (name) => headerOf(req, name),
      body: async () => body ?? new Uint8Array(0),
      toRequest: () => (request ??= toRequest(req, body)),
    };
    return fast(view, ctx);
  }

  return {
    basePath,
    handles,
    answer,
    serve: async (req, res, parsedBody) => sendAnswer(req, res, await answer(req, parsedBody)),
  };
}

function urlOf(req: NodeRequest): string {
  const host = /^[A-Za-z0-9.:[\]-]{1,255}$/.test(req.headers.host ?? '') ? (req.headers.host as string) : 'localhost';
  const proto = (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  return `${proto}://${host}${req.originalUrl ?? req.url ?? '/'}`;
}
