/**
 * Bad input to httpSubmitter: its options, the submit hook's arguments, and malformed backend
 * answers through a fake `my.request` host and a real node:http server (fetch).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, httpSubmitter } from '../../utils';
import type { SubmitContext } from '../../utils';
import { corpus, printCount } from './count';
import { describeError, expectAuthError, expectNoSecret, expectTyped, installPrototypeGuard, outcome, attempt } from './guards';

printCount(__filename);
installPrototypeGuard();

const CODE = 'AUTHCODE-SECRET-0123456789abcdef';
const ctx = (): SubmitContext => ({ scopes: ['USER_NAME'], attempt: 1, signal: new AbortController().signal });

describe('httpSubmitter options', () => {
  const rows: Array<[string, unknown, 'TypeError' | 'ok']> = [
    ['undefined', undefined, 'TypeError'],
    ['null', null, 'TypeError'],
    ['a URL string', 'https://api.example.com', 'TypeError'],
    ['url missing', {}, 'TypeError'],
    ['url number', { url: 443 }, 'TypeError'],
    ['url empty', { url: '' }, 'TypeError'],
    ['url whitespace', { url: '   ' }, 'TypeError'],
    ['url plain http remote', { url: 'http://api.example.com/auth' }, 'TypeError'],
    ['url http lookalike loopback', { url: 'http://127.0.0.1.evil.com/auth' }, 'TypeError'],
    ['url http localhost userinfo trick', { url: 'http://localhost@evil.com/auth' }, 'TypeError'],
    ['url javascript:', { url: 'javascript:alert(1)' }, 'TypeError'],
    ['url data:', { url: 'data:text/html,<script>alert(1)</script>' }, 'TypeError'],
    ['url file:', { url: 'file:///etc/passwd' }, 'TypeError'],
    ['url relative (no base in Node)', { url: '/api/auth' }, 'TypeError'],
    ['url 100 000 chars', { url: 'https://a.example/' + 'p'.repeat(100_000) }, 'TypeError'],
    ['url with null byte', { url: 'http://evil.com\u0000.localhost/' }, 'TypeError'],
    ['url markup', { url: '<img src=x onerror=alert(1)>' }, 'TypeError'],
    ['headers string', { url: 'https://a.example', headers: 'x' }, 'TypeError'],
    ['headers null (no extra headers)', { url: 'https://a.example', headers: null }, 'ok'],
    ['headers number values', { url: 'https://a.example', headers: { 'X-A': 1 } }, 'TypeError'],
    ['headers polluting object', { url: 'https://a.example', headers: JSON.parse('{"__proto__":{"polluted":true}}') }, 'TypeError'],
    ['timeoutMs 0', { url: 'https://a.example', timeoutMs: 0 }, 'TypeError'],
    ['timeoutMs NaN', { url: 'https://a.example', timeoutMs: NaN }, 'TypeError'],
    ['timeoutMs string', { url: 'https://a.example', timeoutMs: '10' }, 'TypeError'],
    ['timeoutMs Infinity', { url: 'https://a.example', timeoutMs: Infinity }, 'TypeError'],
    ['host string', { url: 'https://a.example', host: 'my' }, 'TypeError'],
    ['host without request', { url: 'https://a.example', host: {} }, 'TypeError'],
    ['https URL (sanity)', { url: 'https://a.example/auth' }, 'ok'],
    ['http on [::1]', { url: 'http://[::1]:8080/auth' }, 'ok'],
  ];
  const cases = corpus(rows.map(([name, input, want]) => ({ name: `httpSubmitter(${name})`, input, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const o = await outcome(attempt(() => httpSubmitter(input as never)));
    if (want === 'ok') {
      if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
      expect(typeof o.value).toBe('function');
    } else {
      if (o.kind !== 'error') throw new Error(`expected the kit's TypeError, got ${o.kind}`);
      expectTyped(o.error, ['TypeError']);
    }
  });
});

describe('submit hook arguments', () => {
  const host = { request: (o: { success: (r: unknown) => void }) => o.success({ status: 200, data: '{"ok":true}' }) };
  const aborted = new AbortController();
  aborted.abort();
  const rows: Array<[string, unknown, unknown, string]> = [
    ['code undefined', undefined, ctx(), 'TypeError'],
    ['code null', null, ctx(), 'TypeError'],
    ['code number', 123, ctx(), 'TypeError'],
    ['code empty', '', ctx(), 'TypeError'],
    ['code object', { toString: () => CODE }, ctx(), 'TypeError'],
    ['context undefined', CODE, undefined, 'typed'],
    ['context null', CODE, null, 'typed'],
    ['context string', CODE, 'ctx', 'typed'],
    // Called by hand without a signal: the hook works (nothing can abort it).
    ['context without signal', CODE, { scopes: ['USER_NAME'], attempt: 1 }, 'typed-or-ok'],
    ['context signal junk', CODE, { scopes: ['USER_NAME'], attempt: 1, signal: {} }, 'typed'],
    ['context scopes junk', CODE, { scopes: 'USER_NAME', attempt: 'x', signal: new AbortController().signal }, 'typed-or-ok'],
    ['context signal already aborted', CODE, { scopes: ['USER_NAME'], attempt: 1, signal: aborted.signal }, 'typed-or-ok'],
    ['code 1 MB', 'c'.repeat(1 << 20), ctx(), 'typed-or-ok'],
  ];
  const cases = corpus(rows.map(([name, code, context, want]) => ({ name: `submit(${name})`, input: { code, context }, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const submit = httpSubmitter({ url: 'https://a.example/auth', host: host as never });
    const o = await outcome(attempt(() => submit(input.code as string, input.context as SubmitContext)));
    if (o.kind === 'hang') throw new Error('submit hung');
    if (want === 'typed-or-ok' && o.kind === 'ok') return;
    if (o.kind !== 'error') throw new Error(`expected a typed error, got ${JSON.stringify(o.value)}`);
    expectTyped(o.error, want === 'TypeError' ? ['TypeError'] : undefined);
    if (typeof input.code === 'string') expectNoSecret(o.error, input.code.slice(0, 64));
  });
});

/** Backend answers: [name, status, content type, body, expected]. */
const ANSWERS: Array<[string, number, string, string, string]> = [
  ['HTML error page 500', 500, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>', 'BACKEND_ERROR'],
  ['HTML page with 200', 200, 'text/html', '<!doctype html><p>login</p>', 'BACKEND_ERROR'],
  ['200 non-JSON text', 200, 'text/plain', 'OK', 'BACKEND_ERROR'],
  ['200 truncated JSON', 200, 'application/json', '{"session":{"id":', 'BACKEND_ERROR'],
  ['400 truncated JSON', 400, 'application/json', '{"error":{"code":"INVALID_CO', 'BACKEND_ERROR'],
  ['400 {"error":"string"}', 400, 'application/json', '{"error":"INVALID_CODE"}', 'BACKEND_ERROR'],
  ['200 {"error":"string"}', 200, 'application/json', '{"error":"boom"}', 'BACKEND_ERROR'],
  ['400 {"error":{"code":123}}', 400, 'application/json', '{"error":{"code":123}}', 'BACKEND_ERROR'],
  ['400 {"error":{"code":"__proto__"}}', 400, 'application/json', '{"error":{"code":"__proto__"}}', 'BACKEND_ERROR'],
  ['400 {"error":{"__proto__":{"code":"INVALID_CODE"}}}', 400, 'application/json', '{"error":{"__proto__":{"code":"INVALID_CODE"}}}', 'BACKEND_ERROR'],
  ['400 {"__proto__":{"error":{"code":"USED_CODE"}}}', 400, 'application/json', '{"__proto__":{"error":{"code":"USED_CODE"}}}', 'BACKEND_ERROR'],
  ['200 {"__proto__":{"polluted":true}}', 200, 'application/json', '{"__proto__":{"polluted":true},"user":1}', 'ok'],
  ['400 INVALID_CODE', 400, 'application/json', '{"error":{"code":"INVALID_CODE"}}', 'CODE_REJECTED'],
  ['200 with error USED_CODE', 200, 'application/json', '{"error":{"code":"USED_CODE"}}', 'CODE_REJECTED'],
  ['400 error code echoing the auth code', 400, 'application/json', JSON.stringify({ error: { code: CODE, message: `bad ${CODE}` } }), 'BACKEND_ERROR'],
  ['500 error message echoing the auth code', 500, 'application/json', JSON.stringify({ error: { code: 'OOPS', message: `code ${CODE} failed` } }), 'BACKEND_ERROR'],
  ['400 error code 1 MB', 400, 'application/json', JSON.stringify({ error: { code: 'E'.repeat(1 << 20) } }), 'BACKEND_ERROR'],
  ['200 huge JSON body', 200, 'application/json', JSON.stringify({ blob: 'b'.repeat(5 << 20) }), 'ok'],
  ['500 huge HTML body', 500, 'text/html', '<p>' + 'x'.repeat(5 << 20), 'BACKEND_ERROR'],
  ['200 JSON null', 200, 'application/json', 'null', 'ok'],
  ['200 JSON number', 200, 'application/json', '42', 'ok'],
  // A bare JSON string is JSON: it is the session data, as a number or null is.
  ['200 JSON string', 200, 'application/json', '"done"', 'ok'],
  ['200 text that is not JSON', 200, 'text/plain', 'done', 'BACKEND_ERROR'],
  ['200 empty body', 200, 'application/json', '', 'ok'],
  ['204 no content', 204, 'text/plain', '', 'ok'],
  ['200 JSON with wrong content type', 200, 'image/png', '{"user":1}', 'ok'],
  ['200 deeply nested JSON', 200, 'application/json', '['.repeat(100_000) + ']'.repeat(100_000), 'ok'],
  ['302 redirect to nowhere', 302, 'text/plain', '', 'BACKEND_ERROR'],
  ['429 rate limited', 429, 'application/json', '{"error":{"code":"RATE"}}', 'BACKEND_ERROR'],
  ['999 unknown status', 999, 'application/json', '{}', 'BACKEND_ERROR'],
  ['200 echoing the auth code', 200, 'application/json', JSON.stringify({ authCode: CODE }), 'echo'],
];

describe('backend answers through my.request', () => {
  const extra: Array<[string, (o: { success: (r: unknown) => void; fail: (e: unknown) => void }) => void, string]> = [
    ['success with status 0', (o) => o.success({ status: 0, data: '{}' }), 'BACKEND_ERROR'],
    ['success with status "200"', (o) => o.success({ status: '200', data: '{"ok":1}' }), 'ok'],
    ['success with status NaN', (o) => o.success({ status: NaN, data: '{"ok":1}' }), 'BACKEND_ERROR'],
    ['success with undefined', (o) => o.success(undefined), 'ok'],
    ['success with null', (o) => o.success(null), 'ok'],
    ['success with data an object', (o) => o.success({ status: 200, data: { user: 1 } }), 'ok'],
    ['success with data object error INVALID_CODE', (o) => o.success({ status: 200, data: { error: { code: 'INVALID_CODE' } } }), 'CODE_REJECTED'],
    ['success with a throwing getter', (o) => o.success(Object.defineProperty({}, 'status', { get() { throw new Error('status'); } })), 'typed'],
    ['success with a Proxy', (o) => o.success(new Proxy({}, { get() { throw new Error('trap'); } })), 'typed'],
    ['fail with undefined', (o) => o.fail(undefined), 'BACKEND_ERROR'],
    ['fail with a string', (o) => o.fail('network'), 'BACKEND_ERROR'],
    ['fail with error 19 and status 401', (o) => o.fail({ error: 19, status: 401, data: '{"error":{"code":"EXPIRED_CODE"}}' }), 'CODE_REJECTED'],
    ['fail with the code in errorMessage', (o) => o.fail({ error: 12, errorMessage: `failed ${CODE}` }), 'BACKEND_ERROR'],
    ['success then fail', (o) => (o.success({ status: 200, data: '{"a":1}' }), o.fail({ error: 12 })), 'ok'],
    ['request throws', () => { throw new Error(`request failed ${CODE}`); }, 'BACKEND_ERROR'],
    ['request throws a Proxy', () => { throw new Proxy({}, { get() { throw new Error('trap'); } }); }, 'BACKEND_ERROR'],
  ];
  const cases = corpus([
    ...ANSWERS.map(([name, status, type, body, want]) => ({
      name: `my.request ${name}`,
      input: ((o: { success: (r: unknown) => void; fail: (e: unknown) => void }) =>
        status >= 200 && status < 300 ? o.success({ status, data: body, headers: { 'content-type': type } }) : o.fail({ error: 19, status, data: body })) as (o: { success: (r: unknown) => void; fail: (e: unknown) => void }) => void,
      expect: want,
    })),
    ...extra.map(([name, input, want]) => ({ name: `my.request ${name}`, input, expect: want })),
  ]);
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const submit = httpSubmitter({ url: 'https://a.example/auth', host: { request: (o) => void input(o as never) } });
    await judge(await outcome(attempt(() => submit(CODE, ctx()))), want);
  });
});

describe('backend answers through fetch (real node:http server)', () => {
  let server: http.Server;
  let base = '';
  const routes = new Map<string, [number, string, string]>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const r = routes.get(req.url ?? '');
        if (!r) return res.destroy();
        if (r[0] === 0) return res.destroy();
        if (r[0] === -1) {
          // Headers, then a body cut short.
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"user":');
          return setTimeout(() => res.destroy(), 10);
        }
        res.writeHead(r[0], { 'content-type': r[1] });
        res.end(r[2]);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases = corpus([
    ...ANSWERS.filter(([, status]) => status !== 999).map(([name, status, type, body, want]) => ({ name: `fetch ${name}`, input: [status, type, body] as [number, string, string], expect: want })),
    { name: 'fetch connection reset (status 0)', input: [0, '', ''] as [number, string, string], expect: 'BACKEND_ERROR' },
    { name: 'fetch body cut short', input: [-1, '', ''] as [number, string, string], expect: 'BACKEND_ERROR' },
  ]);
  test.each(cases)('$name', async ({ name, input, expect: want }) => {
    const path = `/${encodeURIComponent(name)}`;
    routes.set(path, input);
    const submit = httpSubmitter({ url: base + path, host: null, timeoutMs: 5000 });
    await judge(await outcome(attempt(() => submit(CODE, ctx())), 10_000), want);
  });
});

async function judge(o: Awaited<ReturnType<typeof outcome<unknown>>>, want: string): Promise<void> {
  if (o.kind === 'hang') throw new Error('submit hung');
  if (want === 'ok' || want === 'echo') {
    if (o.kind !== 'ok') throw new Error(`expected session data, got ${describeError(o.error)}`);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    return;
  }
  if (o.kind !== 'error') throw new Error(`expected ${want}, got ${JSON.stringify(o.value)?.slice(0, 100)}`);
  if (want === 'typed') expectAuthError(o.error);
  else expectAuthError(o.error, [want]);
  expectNoSecret(o.error, CODE);
  if (want === 'CODE_REJECTED') expect(['INVALID_CODE', 'USED_CODE', 'EXPIRED_CODE', 'CODE_REJECTED']).toContain((o.error as AuthError).platformCode);
}
