/**
 * The simulator over real HTTP in Node (the demo, multi-process tests): a node:http request becomes a
 * fetch-API `Request` for the one core, its `Response` is written back; a dropped connection is a
 * destroyed socket. Node's http is reached through `process.getBuiltinModule`, like the client's.
 */
import { nodeBuiltin } from '../openapi/crypto-engine';

/** What the simulator uses of node:http's request and response (typed here: no `node:` types needed). */
export interface NodeRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string; destroy(): void };
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'error', listener: () => void): unknown;
  resume(): unknown;
}
export interface NodeResponse {
  headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array): unknown;
  destroy(): unknown;
}
interface NodeServer {
  listen(port: number, host: string, done: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  address(): { port: number } | string | null;
  close(done: () => void): unknown;
  closeAllConnections?(): void;
}
interface NodeHttp {
  createServer(listener: (req: NodeRequest, res: NodeResponse) => void): NodeServer;
}

export type Answer = (request: Request, info: { remoteAddress?: string }) => Promise<Response | symbol>;

export interface NodeServing {
  nodeHandler(req: NodeRequest, res: NodeResponse): boolean;
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'expect']);

function readBody(req: NodeRequest, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (chunk) => {
      // Past the limit the bytes are dropped; the simulator sees a body over its limit and refuses it.
      if (size <= limit) chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) (out.set(c, at), (at += c.length));
      resolve(out);
    });
    req.on('error', () => reject(new Error('request interrupted')));
  });
}

async function toRequest(req: NodeRequest, limit: number): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, limit);
  if (body === undefined) req.resume();
  return new Request(`http://${headers.get('host') ?? 'localhost'}${req.url ?? '/'}`, { method, headers, ...(body ? { body: body as unknown as BodyInit } : {}) });
}

async function writeResponse(response: Response, res: NodeResponse, method: string): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = new Uint8Array(await response.arrayBuffer());
  if (method !== 'HEAD') headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

export function createNodeServing(answer: Answer, takes: (path: string) => boolean, maxBodyBytes: number): NodeServing {
  let server: NodeServer | null = null;

  function nodeHandler(req: NodeRequest, res: NodeResponse): boolean {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (!takes(path)) return false;
    toRequest(req, maxBodyBytes)
      .then((request) => answer(request, req.socket.remoteAddress === undefined ? {} : { remoteAddress: req.socket.remoteAddress }))
      .then((response) => (response instanceof Response ? writeResponse(response, res, req.method ?? 'GET') : req.socket.destroy()))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end();
      });
    return true;
  }

  async function listen({ port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {}): Promise<{ url: string; port: number }> {
    if (!/^(127(\.\d{1,3}){3}|::1|localhost)$/.test(host)) throw new TypeError('listen: the simulator listens on a loopback address only.');
    const http = nodeBuiltin<NodeHttp>('node:http');
    if (!http) throw new TypeError('listen: needs Node (node:http); elsewhere, serve sim.handle or pass sim.fetch.');
    if (server) throw new TypeError('listen: already listening; close() first.');
    const created = http.createServer((req, res) => {
      if (!nodeHandler(req, res)) {
        req.resume();
        res.writeHead(404, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(new TextEncoder().encode(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no such route' } })));
      }
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, host, resolve);
    });
    server = created;
    const address = created.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound };
  }

  function close(): Promise<void> {
    const closing = server;
    server = null;
    if (!closing) return Promise.resolve();
    return new Promise((resolve) => {
      closing.close(() => resolve());
      closing.closeAllConnections?.();
    });
  }

  return { nodeHandler, listen, close };
}
