/**
 * Getting the bytes of an answer. Default: Node's http/https over kept-alive connections where the
 * runtime has Node (a fraction of the CPU the global fetch takes per call), else the global `fetch`;
 * or the `fetch` the merchant injects. TLS certificate checks are always on: the client has no
 * switch for them, and its own agent sets `rejectUnauthorized` explicitly, so not even
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` turns them off. Answers are read up to 1 MiB.
 */
import { concatBytes } from './bytes';
import { nodeBuiltin } from './crypto-engine';
import type { WalletFetch, WalletFetchAnswer } from './types';

export const MAX_ANSWER_BYTES = 1024 * 1024;

/** An error of the transport, told apart: timeout, the caller's abort, or the network. */
export class TransportError extends Error {
  constructor(
    readonly reason: 'network' | 'too-large',
    /** True when the request provably never left (connection refused, name not resolved): safe to send again. */
    readonly notSent: boolean,
    cause?: unknown,
  ) {
    super(reason === 'too-large' ? 'answer over 1 MiB' : 'no answer (network)');
    this.name = 'TransportError';
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, writable: true, configurable: true });
  }
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The system calls that fail before a request exists on the wire: name lookup and connecting. */
const BEFORE_SENDING = new Set(['connect', 'getaddrinfo']);

type SystemError = { code?: unknown; syscall?: unknown; errors?: unknown; cause?: unknown };

/**
 * Whether an error happened while connecting (Node's system errors carry the call that failed; the
 * happy-eyeballs AggregateError carries one per address). The code alone does not tell: a kept-alive
 * connection whose route dies after the request left reports EHOSTUNREACH on `read`.
 */
const failedConnecting = (e: SystemError): boolean =>
  typeof e.code === 'string' &&
  CONNECT_CODES.has(e.code) &&
  (typeof e.syscall === 'string' ? BEFORE_SENDING.has(e.syscall) : Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((one: SystemError) => one && typeof one.syscall === 'string' && BEFORE_SENDING.has(one.syscall)));

/** Whether an error happened before a connection existed (on the error or its cause). */
export function neverSent(error: unknown): boolean {
  for (let e = error as SystemError | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (failedConnecting(e)) return true;
  }
  return false;
}

/** The answer's bytes, at most MAX_ANSWER_BYTES. */
export async function readBody(answer: WalletFetchAnswer): Promise<Uint8Array> {
  const reader = answer.body && typeof answer.body.getReader === 'function' ? answer.body.getReader() : null;
  if (!reader) {
    const bytes = new Uint8Array(await answer.arrayBuffer());
    if (bytes.length > MAX_ANSWER_BYTES) throw new TransportError('too-large', false);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(...chunks);
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw new TransportError('too-large', false);
    }
    chunks.push(value);
  }
}

interface NodeHttpModule {
  Agent: new (options: Record<string, unknown>) => { destroy(): void };
  request(url: URL, options: Record<string, unknown>, onResponse: (res: NodeIncoming) => void): NodeRequest;
}
interface NodeIncoming {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): void;
  on(event: 'end' | 'error', listener: (error?: Error) => void): void;
  destroy(error?: Error): void;
}
interface NodeRequest {
  on(event: 'error', listener: (error: Error) => void): void;
  end(body: string): void;
}

/** A `WalletFetch` over Node's http/https with kept-alive agents; null where there is no Node. */
export function createNodeTransport(): (WalletFetch & { close(): void }) | null {
  const http = nodeBuiltin<NodeHttpModule>('node:http');
  const https = nodeBuiltin<NodeHttpModule>('node:https');
  if (!http || !https) return null;
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true, rejectUnauthorized: true }) };
  const transport: WalletFetch = (target, init) =>
    new Promise<WalletFetchAnswer>((resolve, reject) => {
      const url = new URL(target);
      const secure = url.protocol === 'https:';
      const headers = { ...init.headers, 'Content-Length': String(new TextEncoder().encode(init.body).length) };
      const options = { method: init.method, headers, agent: agents[secure ? 'https:' : 'http:'], signal: init.signal, ...(secure ? { rejectUnauthorized: true } : {}) };
      const req = (secure ? https : http).request(url, options, (res) => collect(res, resolve, reject));
      req.on('error', (error) => reject(error));
      req.end(init.body);
    });
  return Object.assign(transport, { close: () => Object.values(agents).forEach((agent) => agent.destroy()) });
}

function collect(res: NodeIncoming, resolve: (answer: WalletFetchAnswer) => void, reject: (error: Error) => void): void {
  const chunks: Uint8Array[] = [];
  let size = 0;
  res.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) res.destroy(new TransportError('too-large', false));
    else chunks.push(chunk);
  });
  res.on('error', (error) => reject(error ?? new Error('answer interrupted')));
  res.on('end', () => {
    const bytes = concatBytes(...chunks);
    resolve({
      status: res.statusCode ?? 0,
      headers: { get: (name) => headerValue(res.headers[name.toLowerCase()]) },
      arrayBuffer: async () => bytes.slice().buffer as ArrayBuffer,
      body: null,
    });
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The global `fetch`, where there is one. */
export function globalFetchTransport(): WalletFetch | null {
  const f = (globalThis as { fetch?: unknown }).fetch;
  return typeof f === 'function' ? (f.bind(globalThis) as unknown as WalletFetch) : null;
}
