/**
 * `listen(auth, options)`: the auth server on its own node:http server, with what a server facing
 * clients needs: a time limit on the headers, on the whole request and on idle connections (kept-alive
 * ones and ones that never send anything), a cap on open connections, and the Host names it answers
 * for (421 for others: DNS rebinding). Paths outside `basePath` answer 404.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AuthServer } from '../auth/server';
import { AuthServerError, errorAnswer } from '../auth/answers';
import { toNodeHandler } from './node';
import { sendAnswer, type NodeAdapterOptions } from './node-bridge';

export interface ListenOptions extends Omit<NodeAdapterOptions, 'basePath'> {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. Any other address needs `allowedHosts`. */
  host?: string;
  /** The Host names this server answers to (ports ignored); loopback names always, when bound to loopback. */
  allowedHosts?: readonly string[];
  /** Time to receive a request's headers (default 10 000 ms). */
  headersTimeoutMs?: number;
  /** Time to receive a whole request (default 30 000 ms). */
  requestTimeoutMs?: number;
  /** A connection with nothing going on is closed after this (default 30 000 ms; kept-alive ones after 5 000 ms). */
  idleTimeoutMs?: number;
  /** Open connections at most; more are refused at once (default 1 000). */
  maxConnections?: number;
}

export interface Listening {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, lets requests under way finish, ends idle connections, closes the auth server. */
  close(): Promise<void>;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

function ms(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new TypeError(`listen: ${name} must be an integer from ${min} to ${max}.`);
  return value;
}

function hostGuard(bindHost: string, allowedHosts: readonly string[] | undefined): (hostHeader: string | undefined) => boolean {
  if (allowedHosts !== undefined && (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string' && /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/i.test(h)))) {
    throw new TypeError('listen: allowedHosts must be an array of host names (no ports).');
  }
  const loopback = LOOPBACK.test(bindHost);
  if (!loopback && !allowedHosts?.length) throw new TypeError(`listen: a server bound to ${bindHost} needs allowedHosts: the Host names it answers to.`);
  const names = new Set((allowedHosts ?? []).map((h) => h.toLowerCase()));
  return (hostHeader) => {
    const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(hostHeader ?? '');
    const name = match ? (match[1] as string).toLowerCase() : null;
    return name !== null && ((loopback && LOOPBACK.test(name)) || names.has(name));
  };
}

export async function listen(auth: AuthServer, options: ListenOptions = {}): Promise<Listening> {
  if (typeof auth !== 'object' || auth === null || typeof auth.handler !== 'function') throw new TypeError('listen: auth must be an AuthServer (createAuthServer(...)).');
  const host = options.host ?? '127.0.0.1';
  const port = ms('port', options.port, 0, 0, 65535);
  const hostAllowed = hostGuard(host, options.allowedHosts);
  const headersTimeout = ms('headersTimeoutMs', options.headersTimeoutMs, 10_000, 100, 600_000);
  const requestTimeout = ms('requestTimeoutMs', options.requestTimeoutMs, 30_000, headersTimeout, 3_600_000);
  const idleTimeout = ms('idleTimeoutMs', options.idleTimeoutMs, 30_000, 100, 3_600_000);
  const maxConnections = ms('maxConnections', options.maxConnections, 1_000, 1, 1_000_000);
  // A store that cannot be opened (a corrupt file) is said before the server takes requests.
  await auth.ready();
  const nodeHandler = toNodeHandler(auth.handler, { basePath: auth.basePath, ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }), ...(options.logger === undefined ? {} : { logger: options.logger }) });
  const server = createServer({ headersTimeout, requestTimeout, keepAliveTimeout: Math.min(5_000, idleTimeout), connectionsCheckingInterval: Math.min(1_000, headersTimeout) }, (req, res) => {
    if (!hostAllowed(req.headers.host)) {
      res.setHeader('Connection', 'close');
      return sendAnswer(req, res, errorAnswer(new AuthServerError(421, 'MISDIRECTED_REQUEST', 'this server does not answer for that Host', { retryable: false })));
    }
    nodeHandler(req, res);
  });
  server.maxConnections = maxConnections;
  // Idle sockets (also ones that never sent a byte) are closed after idleTimeout.
  server.setTimeout(idleTimeout, (socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as { address: string; port: number; family: string };
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    server,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await auth.close();
      })();
      return closing;
    },
  };
}
