/**
 * One golden table of requests and answers, run through every adapter over real HTTP on 127.0.0.1
 * (node:http, Express with and without express.json(), Express mounted on the base path, Connect,
 * Fastify, Koa, Hono on @hono/node-server) and through toNextJsHandler with real Request/Response
 * objects (Next.js itself is not installed: its route handlers are `(Request) → Response`, which is
 * what this drives). Then the kit's own httpSubmitter (the built dist/) against each.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import connect from 'connect';
import Fastify from 'fastify';
import Koa from 'koa';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { toNodeHandler } from '../../server/adapters/node';
import { toFastifyPlugin } from '../../server/adapters/fastify';
import { toKoaMiddleware } from '../../server/adapters/koa';
import { toNextJsHandler } from '../../server/adapters/next';
import type { FetchHandler } from '../../server/auth/handler';
import { testAuth, type TestAuth } from './support/auth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kit = require('../../dist/index.cjs') as typeof import('../../utils/index');

type Send = (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<Response>;
interface Mounted {
  send: Send;
  url: string | null;
  close(): Promise<void>;
}

const listenOn = (server: Server): Promise<string> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closeServer = (server: { close(cb: () => void): unknown; closeAllConnections?: () => void }) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
const overHttp = (url: string): Send => (method, path, headers, body) => fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });

async function nodeServer(listener: Parameters<typeof createServer>[1]): Promise<Mounted> {
  const server = createServer(listener);
  const url = await listenOn(server);
  return { url, send: overHttp(url), close: () => closeServer(server) };
}

const ADAPTERS: Record<string, (handler: FetchHandler) => Promise<Mounted>> = {
  'node:http': (handler) => nodeServer(toNodeHandler(handler)),
  express: (handler) => {
    const app = express();
    app.use(toNodeHandler(handler));
    return nodeServer(app);
  },
  'express + express.json()': (handler) => {
    const app = express();
    app.use(express.json());
    app.use(toNodeHandler(handler));
    return nodeServer(app);
  },
  'express, mounted on the base path': (handler) => {
    const app = express();
    app.use('/api/auth', toNodeHandler(handler));
    return nodeServer(app);
  },
  connect: (handler) => {
    const app = connect();
    app.use(toNodeHandler(handler));
    return nodeServer(app);
  },
  fastify: async (handler) => {
    const app = Fastify();
    await app.register(toFastifyPlugin(handler));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, send: overHttp(url), close: () => app.close() };
  },
  koa: (handler) => {
    const app = new Koa();
    app.use(toKoaMiddleware(handler));
    return nodeServer(app.callback());
  },
  hono: async (handler) => {
    const app = new Hono();
    app.all('/api/auth/*', (c) => handler(c.req.raw));
    let server!: ReturnType<typeof serve>;
    const url = await new Promise<string>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`));
    });
    return { url, send: overHttp(url), close: () => closeServer(server as unknown as Server) };
  },
  'toNextJsHandler (Request/Response, no HTTP)': async (handler) => {
    const { GET, POST } = toNextJsHandler(handler);
    const send: Send = async (method, path, headers, body) => {
      const route = method === 'GET' ? GET : method === 'POST' ? POST : handler;
      return route(new Request(`http://localhost${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
    };
    return { url: null, send, close: async () => undefined };
  },
};

const JSON_TYPE = { 'content-type': 'application/json' };

interface State {
  t: TestAuth;
  code: string;
  sessionId: string;
}

/** The golden table: the same requests, the same answers, whatever the adapter. */
const GOLDEN: Array<{ name: string; run(send: Send, s: State): Promise<Response>; status: number; error?: string; parserAnswers?: boolean; check?(body: any, s: State, response: Response): void }> = [
  {
    name: 'POST /session with a fresh code and an Idempotency-Key',
    run: (send, s) => send('POST', '/api/auth/session', { ...JSON_TYPE, 'idempotency-key': 'key-1' }, JSON.stringify({ authCode: s.code, scopes: ['auth_base', 'USER_NAME'] })),
    status: 200,
    check(body, s, response) {
      expect(body).toEqual({ sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), customerId: 'golden', scopes: ['auth_base', 'USER_NAME'], expiresAt: expect.any(Number) });
      expect(response.headers.get('cache-control')).toBe('no-store');
      s.sessionId = body.sessionId;
    },
  },
  { name: 'the same again, same key: the same session', run: (send, s) => send('POST', '/api/auth/session', { ...JSON_TYPE, 'idempotency-key': 'key-1' }, JSON.stringify({ authCode: s.code, scopes: ['auth_base', 'USER_NAME'] })), status: 200, check: (body, s) => expect(body.sessionId).toBe(s.sessionId) },
  { name: 'the same code, another key', run: (send, s) => send('POST', '/api/auth/session', { ...JSON_TYPE, 'idempotency-key': 'key-2' }, JSON.stringify({ authCode: s.code, scopes: [] })), status: 409, error: 'USED_CODE' },
  { name: 'a code the wallet never issued', run: (send) => send('POST', '/api/auth/session', { ...JSON_TYPE, 'idempotency-key': 'k' }, JSON.stringify({ authCode: 'made-up', scopes: [] })), status: 400, error: 'INVALID_CODE' },
  { name: 'no Content-Type', run: (send, s) => send('POST', '/api/auth/session', {}, JSON.stringify({ authCode: s.code })), status: 415, error: 'BAD_REQUEST' },
  { name: 'a form body', run: (send) => send('POST', '/api/auth/session', { 'content-type': 'application/x-www-form-urlencoded' }, 'authCode=x'), status: 415, error: 'BAD_REQUEST' },
  { name: 'not JSON', run: (send) => send('POST', '/api/auth/session', { 'content-type': 'text/plain' }, '{nope'), status: 415, error: 'BAD_REQUEST' },
  // express.json() answers broken JSON itself (400, through the app's error handler) before the adapter runs.
  { name: 'broken JSON', run: (send) => send('POST', '/api/auth/session', JSON_TYPE, '{"authCode":'), status: 400, error: 'BAD_REQUEST', parserAnswers: true },
  { name: 'no authCode', run: (send) => send('POST', '/api/auth/session', JSON_TYPE, '{"scopes":[]}'), status: 400, error: 'BAD_REQUEST' },
  { name: 'a bad Idempotency-Key', run: (send, s) => send('POST', '/api/auth/session', { ...JSON_TYPE, 'idempotency-key': 'a b' }, JSON.stringify({ authCode: s.code })), status: 400, error: 'BAD_REQUEST' },
  { name: 'a body over 64 KiB', run: (send) => send('POST', '/api/auth/session', JSON_TYPE, JSON.stringify({ authCode: 'x', pad: 'y'.repeat(70 * 1024) })), status: 413, error: 'PAYLOAD_TOO_LARGE' },
  { name: 'GET /session', run: (send) => send('GET', '/api/auth/session', {}), status: 405, error: 'METHOD_NOT_ALLOWED', check: (_b, _s, r) => expect(r.headers.get('allow')).toBe('POST') },
  {
    name: 'GET /me, lower-case bearer',
    run: (send, s) => send('GET', '/api/auth/me', { authorization: `bearer ${s.sessionId}` }),
    status: 200,
    check: (body) => expect(body).toEqual({ customerId: 'golden', scopes: ['auth_base', 'USER_NAME'], user: { userId: 'golden', nickName: 'Zainab', userName: { fullName: 'Zainab Al-Hashimi' } } }),
  },
  { name: 'GET /me without a session', run: (send) => send('GET', '/api/auth/me', {}), status: 401, error: 'SESSION_EXPIRED', check: (_b, _s, r) => expect(r.headers.get('www-authenticate')).toBe('Bearer') },
  { name: 'POST /logout', run: (send, s) => send('POST', '/api/auth/logout', { authorization: `Bearer ${s.sessionId}` }), status: 204 },
  { name: 'GET /me after logout', run: (send, s) => send('GET', '/api/auth/me', { authorization: `Bearer ${s.sessionId}` }), status: 401, error: 'SESSION_EXPIRED' },
  { name: 'an unknown route under the base path', run: (send) => send('GET', '/api/auth/nope', {}), status: 404, error: 'NOT_FOUND' },
];

describe.each(Object.keys(ADAPTERS))('%s', (name) => {
  let mounted: Mounted;
  let t: TestAuth;
  const state = {} as State;
  beforeAll(async () => {
    t = testAuth({ attemptLimit: null });
    mounted = await ADAPTERS[name]!(t.auth.handler);
    Object.assign(state, { t, code: t.wallet.issueCode('golden', ['auth_base', 'USER_NAME']) });
  });
  afterAll(async () => {
    await mounted.close();
    await t.auth.close();
  });

  it.each(GOLDEN.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const response = await row.run(mounted.send, state);
    expect(response.status).toBe(row.status);
    if (row.parserAnswers && name.includes('express.json()')) return;
    const body = response.status === 204 ? null : await response.json();
    if (row.error) expect(body).toEqual({ error: { code: row.error, message: expect.any(String), retryable: expect.any(Boolean) } });
    row.check?.(body, state, response);
  });

  it("the kit's httpSubmitter: a session for a fresh code; USED_CODE for a used one", async () => {
    if (!mounted.url) return expect(name).toMatch(/toNextJsHandler/);
    const submit = kit.httpSubmitter({ url: `${mounted.url}/api/auth/session` });
    const code = t.wallet.issueCode('submitter', ['auth_base']);
    const session = (await submit(code, { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal } as never)) as { sessionId: string; customerId: string };
    expect(session).toMatchObject({ customerId: 'submitter', scopes: ['auth_base'] });
    const other = kit.httpSubmitter({ url: `${mounted.url}/api/auth/session` });
    await expect(other(code, { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal } as never)).rejects.toMatchObject({ code: 'CODE_REJECTED', platformCode: 'USED_CODE' });
  });
});

it('toNodeHandler passes other paths on to next() (Express), and answers 404 without one', async () => {
  const t = testAuth();
  const app = express();
  app.use(toNodeHandler(t.auth.handler));
  app.get('/shop', (_req, res) => void res.send('shop'));
  const mounted = await nodeServer(app);
  expect(await (await mounted.send('GET', '/shop', {})).text()).toBe('shop');
  await mounted.close();
  const bare = await nodeServer(toNodeHandler(t.auth.handler));
  expect((await bare.send('GET', '/shop', {})).status).toBe(404);
  await bare.close();
  const koa = new Koa();
  koa.use(toKoaMiddleware(t.auth.handler));
  koa.use((ctx) => void (ctx.body = 'koa shop'));
  const k = await nodeServer(koa.callback());
  expect(await (await k.send('GET', '/shop', {})).text()).toBe('koa shop');
  await k.close();
  await t.auth.close();
});
