/**
 * The Node adapter's listen helper facing clients: the connection closed after a 413 instead of the
 * body read to its end; header, idle and request time limits; a connection cap; the Host check; the
 * client's address from the socket unless trustProxy says which header to believe, with one warning
 * when proxy headers come and nothing trusts them.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { listen, type Listening } from '../../server/adapters/listen';
import { testAuth } from './support/auth';
import { report } from '../support/verbose';

let served: Listening | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

const start = async (options: Parameters<typeof listen>[1] = {}, auth = testAuth({ attemptLimit: { perClient: 2 } })) => {
  served = await listen(auth.auth, { logger: null, ...options });
  return { ...auth, url: served.url, port: served.port };
};

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}
const closed = (s: Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

it('a body over 64 KiB: 413, and the connection is closed instead of read to its end', async () => {
  const { port } = await start();
  let read = 0;
  served!.server.on('connection', (socket) => socket.on('close', () => (read = socket.bytesRead)));
  const s = await rawSocket(port);
  let answer = '';
  s.on('data', (d) => (answer += d.toString()));
  s.on('error', () => undefined);
  s.write(`POST /api/auth/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  // Keep sending for up to 3 s (the old backend read 1.2 GB in that time).
  const until = Date.now() + 3000;
  while (!s.destroyed && Date.now() < until) {
    if (!s.write(frame)) await Promise.race([new Promise((r) => s.once('drain', r)), new Promise((r) => setTimeout(r, 100))]);
  }
  await closed(s);
  expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  expect(answer).toMatch(/connection: close/i);
  expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
  await new Promise((r) => setTimeout(r, 50));
  report(`[node] after a 413 the server read ${read} bytes of the body before closing`);
  expect(read).toBeLessThan(16 * 1024 * 1024);
});

it('a declared Content-Length over the limit: 413 at once, nothing read', async () => {
  const { url } = await start();
  const response = await fetch(`${url}/api/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70 * 1024) });
  expect(response.status).toBe(413);
  expect(response.headers.get('connection')).toBe('close');
});

it('connections that send nothing, or stay idle, are closed after the idle time; headers must come within their time', async () => {
  const { port } = await start({ idleTimeoutMs: 300, headersTimeoutMs: 400 });
  const silent = await Promise.all(Array.from({ length: 20 }, () => rawSocket(port)));
  const slowHeaders = await rawSocket(port);
  slowHeaders.write('GET /api/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const trickle = setInterval(() => !slowHeaders.destroyed && slowHeaders.write('X-A: b\r\n'), 100);
  const t0 = Date.now();
  await Promise.all([...silent, slowHeaders].map(closed));
  clearInterval(trickle);
  expect(Date.now() - t0).toBeLessThan(5000);
});

it('connections past the cap are refused at once; a request gets through once one is free', async () => {
  const { port, url } = await start({ maxConnections: 5, idleTimeoutMs: 60_000 });
  const held = await Promise.all(Array.from({ length: 5 }, () => rawSocket(port)));
  const extra = await rawSocket(port).catch(() => null);
  if (extra) await closed(extra);
  await expect(fetch(`${url}/api/auth/me`)).rejects.toThrow();
  held[0]!.destroy();
  await new Promise((r) => setTimeout(r, 100));
  expect((await fetch(`${url}/api/auth/me`)).status).toBe(401);
  for (const s of held) s.destroy();
});

it('a Host it does not answer for: 421', async () => {
  const { port } = await start();
  const s = await rawSocket(port);
  let answer = '';
  s.on('data', (d) => (answer += d.toString()));
  s.write('GET /api/auth/me HTTP/1.1\r\nHost: attacker.example\r\n\r\n');
  await closed(s);
  expect(answer).toMatch(/^HTTP\/1\.1 421 /);
});

describe('the client address', () => {
  const post = (url: string, code: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': code.slice(-12), ...headers }, body: JSON.stringify({ authCode: code, scopes: ['auth_base'] }) });

  it('behind a proxy (trustProxy: 1): each client its own limit, whatever it writes itself to the left of X-Forwarded-For', async () => {
    const t = await start({ trustProxy: 1 });
    // 30 real users behind one proxy, at once: none is held back by another's attempts (limit 2 per client).
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => post(t.url, t.wallet.issueCode(`c${i}`), { 'x-forwarded-for': `203.0.113.${i}` }).then((r) => r.status)));
    expect(statuses).toEqual(Array(30).fill(200));
    // One client lying about its address in front of the proxy's entry is still itself.
    const liar = [];
    for (let i = 0; i < 3; i++) liar.push((await post(t.url, t.wallet.issueCode('z'), { 'x-forwarded-for': `10.0.0.${i}, 198.51.100.1` })).status);
    expect(liar).toEqual([200, 200, 429]);
  });

  it('nothing trusted: the socket address, whatever the headers say, and one warning about them', async () => {
    const warnings: string[] = [];
    const t = await start({ logger: { warn: (m) => warnings.push(m) } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(t.url, t.wallet.issueCode(), { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/proxy headers .* trustProxy is not set/);
  });

  it('a header the edge sets alone ({ header: "x-real-ip" })', async () => {
    const t = await start({ trustProxy: { header: 'x-real-ip' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(t.url, t.wallet.issueCode(), { 'x-real-ip': `2001:db8:0:${i}::1` })).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    // Two addresses in one /64 are one client.
    const same = [];
    for (let i = 0; i < 3; i++) same.push((await post(t.url, t.wallet.issueCode(), { 'x-real-ip': `2001:db8:0:9::${i + 1}` })).status);
    expect(same).toEqual([200, 200, 429]);
  });
});

it('the listen address is loopback by default; another binding needs allowedHosts', async () => {
  const t = testAuth();
  await expect(listen(t.auth, { host: '0.0.0.0' })).rejects.toThrow(/needs allowedHosts/);
  await expect(listen(t.auth, { maxConnections: 0 })).rejects.toThrow(TypeError);
  served = await listen(t.auth, { logger: null });
  expect((served.server.address() as AddressInfo).address).toBe('127.0.0.1');
});
