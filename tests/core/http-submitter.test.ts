/** httpSubmitter: the ready submit hook, over `my.request` and over `fetch` against a real server. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizer, httpSubmitter } from '../../utils';
import type { MyRequestHost, SubmitContext } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf } from './helpers';
import { waitUntil } from '../support/wait-until';

type RequestOptions = Parameters<MyRequestHost['request']>[0];

function ctx(scopes = ['auth_base'], signal = new AbortController().signal): SubmitContext {
  return { scopes, attempt: 1, signal };
}

/** A fake `my.request` that answers each request with `answer`. */
function fakeMy(answer: (o: RequestOptions) => void): MyRequestHost & { requests: RequestOptions[] } {
  const requests: RequestOptions[] = [];
  return {
    requests,
    request(o) {
      requests.push(o);
      void Promise.resolve().then(() => answer(o));
    },
  };
}

describe('httpSubmitter – URL checks', () => {
  it.each(['http://example.com/auth', 'http://10.0.0.2/auth', 'http://127.0.0.1.evil.com/x', 'http://localhost.evil.com/x', 'ftp://example.com/x', 'javascript:alert(1)', 'not a url', '', '/relative'])(
    'refuses %p at creation with a TypeError',
    (url) => {
      expect(() => httpSubmitter({ url })).toThrow(TypeError);
    },
  );

  it.each(['https://api.example.com/auth', 'http://127.0.0.1:8080/auth', 'http://localhost:3000/auth', 'http://[::1]:3000/auth', 'HTTPS://API.EXAMPLE.COM/auth'])(
    'accepts %p',
    (url) => {
      expect(typeof httpSubmitter({ url })).toBe('function');
    },
  );

  it.each<[string, unknown]>([
    ['no options', undefined],
    ['headers with a non-string value', { url: 'https://a.example/x', headers: { 'X-N': 5 } }],
    ['a negative timeout', { url: 'https://a.example/x', timeoutMs: -1 }],
    ['a host without request', { url: 'https://a.example/x', host: {} }],
  ])('refuses %s with a TypeError', (_label, options) => {
    expect(() => httpSubmitter(options as { url: string })).toThrow(TypeError);
  });
});

describe('httpSubmitter – my.request', () => {
  it('POSTs { authCode, scopes } as JSON and resolves the data of a 200', async () => {
    const my = fakeMy((o) => o.success({ status: 200, data: JSON.stringify({ sessionId: 's1' }) }));
    const submit = httpSubmitter({ url: 'https://api.example.com/auth', host: my, headers: { 'X-App': 'demo' } });
    await expect(submit('CODE-123', ctx(['auth_base', 'USER_NAME']))).resolves.toEqual({ sessionId: 's1' });
    expect(my.requests).toHaveLength(1);
    const req = my.requests[0] as RequestOptions;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.example.com/auth');
    expect(req.url).not.toContain('CODE-123');
    expect(JSON.parse(req.data)).toEqual({ authCode: 'CODE-123', scopes: ['auth_base', 'USER_NAME'] });
    expect(req.headers['Content-Type']).toMatch(/^application\/json/);
    expect(req.headers['X-App']).toBe('demo');
  });

  it('sends one random Idempotency-Key per code, the same again when the first request got no answer', async () => {
    let answered = false;
    // The first request is lost (no status, as when the connection drops); the resend is answered.
    const my = fakeMy((o) => (answered ? o.success({ status: 200, data: '{}' }) : ((answered = true), o.fail({ error: 12, errorMessage: 'network' }))));
    const submit = httpSubmitter({ url: 'https://a.example/x', host: my });
    await expect(submit('CODE-1', ctx())).rejects.toMatchObject({ code: 'BACKEND_ERROR', retryable: true });
    await submit('CODE-2', ctx());
    await submit('CODE-1', ctx());
    // Answered: the code is not kept, and a hook called again with it draws a new key.
    await submit('CODE-1', ctx());
    const keys = my.requests.map((r) => r.headers['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]);
    // Another hook (another page) draws its own keys: nothing derives from the code.
    const other = fakeMy((o) => o.success({ status: 200, data: '{}' }));
    await httpSubmitter({ url: 'https://a.example/x', host: other })('CODE-1', ctx());
    expect(other.requests[0]?.headers['Idempotency-Key']).not.toBe(keys[0]);
    expect(keys.join('')).not.toContain('CODE');
  });

  it.each([
    ['a 503', 503, { error: { code: 'BACKEND_ERROR', retryable: true } }],
    ['a 500 without a body', 500, ''],
    ['a 429', 429, { error: { code: 'RATE_LIMITED' } }],
    ['a 408', 408, ''],
    ['a 409 the backend marks retryable', 409, { error: { code: 'LOCKED', retryable: true } }],
  ])('a resend of a code after %s (worth trying again) carries the same Idempotency-Key', async (_label, status, body) => {
    let first = true;
    const my = fakeMy((o) => (first ? ((first = false), o.fail({ status, data: typeof body === 'string' ? body : JSON.stringify(body) })) : o.success({ status: 200, data: '{}' })));
    const submit = httpSubmitter({ url: 'https://a.example/x', host: my });
    await expect(submit('CODE-1', ctx())).rejects.toMatchObject({ code: 'BACKEND_ERROR', retryable: true });
    await submit('CODE-1', ctx());
    // The final answer (200) drops it: a later call with the code draws a new one.
    await submit('CODE-1', ctx());
    const keys = my.requests.map((r) => r.headers['Idempotency-Key']);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it.each([
    ['a 409 USED_CODE', 409, { error: { code: 'USED_CODE' } }],
    ['a 400', 400, { error: { code: 'BAD_REQUEST' } }],
    ['a 503 the backend marks final', 503, { error: { code: 'BACKEND_ERROR', retryable: false } }],
  ])('after %s (a final answer) the code is not kept', async (_label, status, body) => {
    const my = fakeMy((o) => o.fail({ status, data: JSON.stringify(body) }));
    const submit = httpSubmitter({ url: 'https://a.example/x', host: my });
    await expect(submit('CODE-1', ctx())).rejects.toBeDefined();
    await expect(submit('CODE-1', ctx())).rejects.toBeDefined();
    const keys = my.requests.map((r) => r.headers['Idempotency-Key']);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('accepts data already parsed by the host', async () => {
    const my = fakeMy((o) => o.success({ status: 200, data: { sessionId: 's2' } }));
    await expect(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx())).resolves.toEqual({ sessionId: 's2' });
  });

  it('resolves a 2xx answer whose error field is null (a common JSON envelope)', async () => {
    const my = fakeMy((o) => o.success({ status: 200, data: JSON.stringify({ error: null, sessionId: 's3' }) }));
    await expect(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx())).resolves.toEqual({ error: null, sessionId: 's3' });
  });

  it('still reads a 2xx answer with an error object as a failure', async () => {
    const my = fakeMy((o) => o.success({ status: 200, data: { error: { code: 'USED_CODE' } } }));
    expect((await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()))).code).toBe('CODE_REJECTED');
  });

  it('maps a 409 { error: { code: USED_CODE } } to CODE_REJECTED with platformCode', async () => {
    const my = fakeMy((o) => o.fail({ status: 409, data: JSON.stringify({ error: { code: 'USED_CODE' } }) }));
    const error = await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()));
    expect(error.code).toBe('CODE_REJECTED');
    expect(error.platformCode).toBe('USED_CODE');
    expect(error.status).toBe(409);
  });

  it.each(['INVALID_CODE', 'EXPIRED_CODE'])('maps %s to CODE_REJECTED', async (code) => {
    const my = fakeMy((o) => o.success({ status: 400, data: { error: { code } } }));
    const error = await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()));
    expect(error.code).toBe('CODE_REJECTED');
    expect(error.platformCode).toBe(code);
  });

  it('maps a 503 to a retryable BACKEND_ERROR', async () => {
    const my = fakeMy((o) => o.fail({ status: 503, data: '' }));
    const error = await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(503);
  });

  it('maps a network failure without status to a retryable BACKEND_ERROR', async () => {
    const my = fakeMy((o) => o.fail({ error: 12, errorMessage: 'network' }));
    const error = await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
  });

  it('maps a 400 with another error code to a non-retryable BACKEND_ERROR', async () => {
    const my = fakeMy((o) => o.fail({ status: 400, data: { error: { code: 'PARAM_ILLEGAL' } } }));
    const error = await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.retryable).toBe(false);
    expect(error.platformCode).toBe('PARAM_ILLEGAL');
  });

  it('rejects ABORTED when the signal aborts, and settles once', async () => {
    const my: MyRequestHost & { pending?: RequestOptions } = {
      request(o) {
        my.pending = o;
      },
    };
    const controller = new AbortController();
    const promise = httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx(['auth_base'], controller.signal));
    controller.abort();
    my.pending?.success({ status: 200, data: { late: true } });
    expect((await authErrorOf(promise)).code).toBe('ABORTED');
  });

  it('rejects BACKEND_ERROR when my.request throws', async () => {
    const my: MyRequestHost = {
      request() {
        throw new Error('no network permission');
      },
    };
    expect((await authErrorOf(httpSubmitter({ url: 'https://a.example/x', host: my })('C', ctx()))).code).toBe('BACKEND_ERROR');
  });

  it('uses globalThis.my.request when no host is given', async () => {
    const my = fakeMy((o) => o.success({ status: 200, data: { ok: 1 } }));
    (globalThis as { my?: unknown }).my = my;
    try {
      await expect(httpSubmitter({ url: 'https://a.example/x' })('C', ctx())).resolves.toEqual({ ok: 1 });
      expect(my.requests).toHaveLength(1);
    } finally {
      delete (globalThis as { my?: unknown }).my;
    }
  });

  it('drives an authorizer: a refused code gets one fresh code', async () => {
    const sim = createWalletSimulator();
    const my = fakeMy((o) => {
      const { authCode } = JSON.parse(o.data) as { authCode: string };
      const r = sim.exchange(authCode);
      if (my.requests.length === 1) return o.fail({ status: 409, data: { error: { code: 'USED_CODE' } } });
      return r.ok ? o.success({ status: 200, data: { customerId: r.customerId } }) : o.fail({ status: 409, data: { error: { code: r.error } } });
    });
    const auth = createAuthorizer({ submit: httpSubmitter({ url: 'https://a.example/x', host: my }), host: sim.my, engagementTarget: null });
    await expect(auth.authorize('auth_base')).resolves.toMatchObject({ data: { customerId: expect.any(String) } });
    expect(my.requests).toHaveLength(2);
    expect(sim.calls).toHaveLength(2);
  });
});

describe('httpSubmitter – fetch against a real server', () => {
  let server: Server;
  let base: string;
  const received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];
  const hanging: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        const send = (status: number, payload: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(payload === undefined ? '' : JSON.stringify(payload));
        };
        if (req.url === '/ok') return send(200, { sessionId: 'srv-1' });
        if (req.url === '/used') return send(409, { error: { code: 'USED_CODE' } });
        if (req.url === '/busy') return send(503, { error: { code: 'UNKNOWN_EXCEPTION' } });
        if (req.url === '/bad') return send(400, { error: { code: 'PARAM_ILLEGAL' } });
        if (req.url === '/html') {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          return res.end('<html>oops</html>');
        }
        if (req.url === '/hang') return void hanging.push(res);
        send(404, { error: { code: 'NOT_FOUND' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('POSTs exactly { authCode, scopes } as JSON, the code only in the body', async () => {
    const submit = httpSubmitter({ url: `${base}/ok`, host: null, headers: { 'X-Trace': 't1' } });
    await expect(submit('CODE-abc-123', ctx(['auth_base', 'USER_NAME']))).resolves.toEqual({ sessionId: 'srv-1' });
    expect(received).toHaveLength(1);
    const r = received[0] as (typeof received)[number];
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/ok');
    expect(r.url).not.toContain('CODE-abc-123');
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-trace']).toBe('t1');
    expect(r.headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(r.body)).toEqual({ authCode: 'CODE-abc-123', scopes: ['auth_base', 'USER_NAME'] });
    expect(Object.keys(JSON.parse(r.body)).sort()).toEqual(['authCode', 'scopes']);
    expect(r.body).toBe(JSON.stringify({ authCode: 'CODE-abc-123', scopes: ['auth_base', 'USER_NAME'] }));
  });

  it('maps 409 USED_CODE to CODE_REJECTED', async () => {
    const error = await authErrorOf(httpSubmitter({ url: `${base}/used`, host: null })('C', ctx()));
    expect(error.code).toBe('CODE_REJECTED');
    expect(error.platformCode).toBe('USED_CODE');
  });

  it('maps 503 to a retryable BACKEND_ERROR and 400 to a final one', async () => {
    const busy = await authErrorOf(httpSubmitter({ url: `${base}/busy`, host: null })('C', ctx()));
    expect(busy).toMatchObject({ code: 'BACKEND_ERROR', retryable: true, status: 503 });
    const bad = await authErrorOf(httpSubmitter({ url: `${base}/bad`, host: null })('C', ctx()));
    expect(bad).toMatchObject({ code: 'BACKEND_ERROR', retryable: false, status: 400 });
  });

  it('refuses a 200 answer that is not JSON', async () => {
    const error = await authErrorOf(httpSubmitter({ url: `${base}/html`, host: null })('C', ctx()));
    expect(error.code).toBe('BACKEND_ERROR');
  });

  it('rejects a retryable BACKEND_ERROR when the server does not answer in timeoutMs', async () => {
    const error = await authErrorOf(httpSubmitter({ url: `${base}/hang`, host: null, timeoutMs: 50 })('C', ctx()));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.retryable).toBe(true);
  });

  it('rejects ABORTED when the caller aborts', async () => {
    const controller = new AbortController();
    const promise = httpSubmitter({ url: `${base}/hang`, host: null })('C', ctx(['auth_base'], controller.signal));
    await waitUntil(() => received.length > 0, 'the request to reach the server');
    controller.abort();
    expect((await authErrorOf(promise)).code).toBe('ABORTED');
  });

  it('rejects a retryable BACKEND_ERROR when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await authErrorOf(httpSubmitter({ url: `http://127.0.0.1:${port}/x`, host: null })('C', ctx()));
    expect(error).toMatchObject({ code: 'BACKEND_ERROR', retryable: true });
  });

  it('works end to end with an authorizer and the wallet simulator', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: httpSubmitter({ url: `${base}/ok`, host: null }), host: sim.my, engagementTarget: null });
    await expect(auth.authorize('auth_base')).resolves.toEqual({ scopes: ['auth_base'], data: { sessionId: 'srv-1' } });
    expect(received).toHaveLength(1);
    const { authCode } = JSON.parse(received[0]?.body ?? '{}') as { authCode: string };
    expect(sim.exchange(authCode).ok).toBe(true);
  });
});
