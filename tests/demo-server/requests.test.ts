/**
 * Requests the servers refuse (issue 9, item 10): a POST body that is not declared JSON (415), a Host
 * that is not the server's (421, DNS rebinding) on every standalone server; and stored tokens bound to
 * their customer and column, so that a row swapped between customers is refused, not served.
 */
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { loadServerModule, removeDir, tempDir } from './helpers';
import { closeWorlds, codeFor, count, expectError, makeWorld, session } from './world';

afterEach(closeWorlds);

/** A raw request: no header is added (fetch would add a Content-Type for a string body). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; json: any; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('POST bodies must be declared JSON', () => {
  it('a code posted without Content-Type gets 415, and the wallet is not called', async () => {
    const world = await makeWorld();
    const answer = await raw(`${world.url}/api/auth/session`, { method: 'POST', body: JSON.stringify({ authCode: codeFor(world), scopes: [] }) });
    expectError(answer, 415, 'BAD_REQUEST');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const typed = await raw(`${world.url}/api/auth/session`, { method: 'POST', headers: { 'Content-Type': type }, body: `authCode=${codeFor(world)}` });
      expectError(typed, 415, 'BAD_REQUEST');
    }
    expect(world.wallet.stats.applyToken).toBe(0);
  });

  it('a form posted to the session routes gets 415; a bodiless POST with the bearer is fine', async () => {
    const world = await makeWorld();
    const { sessionId } = (await session(world, codeFor(world), ['auth_base'], randomUUID())).json;
    const auth = { Authorization: `Bearer ${sessionId}` };
    for (const route of ['/api/auth/refresh', '/api/auth/logout']) {
      const form = await raw(`${world.url}${route}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
      expectError(form, 415, 'BAD_REQUEST');
      const unlabelled = await raw(`${world.url}${route}`, { method: 'POST', headers: auth, body: 'a=1' });
      expectError(unlabelled, 415, 'BAD_REQUEST');
    }
    expect(world.wallet.stats.refreshToken).toBe(0);
    expect(count(world, 'sessions')).toBe(1);
    expect((await raw(`${world.url}/api/auth/logout`, { method: 'POST', headers: auth })).status).toBe(204);
  });
});

describe('Host', () => {
  const foreign = ['evil.example', 'evil.example:80', '127.0.0.1.evil.example', 'localhost.evil.example', '127.0.0.1@evil.example'];

  it('the standalone backend and wallet answer 421 to a Host that is not loopback', async () => {
    const world = await makeWorld();
    for (const [url, path] of [[world.url, '/api/me'], [world.walletUrl, '/sim/avatars/1.svg']] as const) {
      for (const host of foreign) {
        const answer = await raw(`${url}${path}`, { headers: { Host: host } });
        expect({ host, status: answer.status, code: answer.json?.error?.code }).toEqual({ host, status: 421, code: 'MISDIRECTED_REQUEST' });
      }
      const port = new URL(url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost']) {
        expect((await raw(`${url}${path}`, { headers: { Host: host } })).status).not.toBe(421);
      }
    }
    expect(world.wallet.stats.inquiryUserInfo).toBe(0);
  });

  it('the demo servers (start-servers.mjs) answer 421 too', async () => {
    const runner = await loadServerModule('start-servers.mjs');
    const dataDir = tempDir('requests-');
    const demo = await runner.startServers({ dataDir, env: {}, logger: null });
    try {
      for (const host of foreign) expect((await raw(`${demo.url}/sim/codes`, { method: 'POST', headers: { Host: host, 'Content-Type': 'application/json' }, body: '{"scopes":["auth_base"]}' })).status).toBe(421);
      expect(demo.wallet.stats.codesIssued).toBe(0);
      expect((await raw(`${demo.url}/sim/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scopes":["auth_base"]}' })).status).toBe(200);
    } finally {
      await demo.close();
      removeDir(dataDir);
    }
  });

  it('listening on another interface needs the Host names to answer to', async () => {
    const world = await makeWorld();
    await expect(world.backend.listen(0, '0.0.0.0')).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/allowedHosts/) });
    await expect(world.wallet.listen(0, '0.0.0.0')).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/allowedHosts/) });
  });
});

describe('stored tokens are bound to their customer and column', () => {
  it('accessTokenFor() refuses a token row swapped between two customers', async () => {
    const world = await makeWorld();
    const a = (await session(world, codeFor(world, ['auth_base'], 'CA'), ['auth_base'], randomUUID())).json.sessionId;
    const b = (await session(world, codeFor(world, ['auth_base'], 'CB'), ['auth_base'], randomUUID())).json.sessionId;
    const tokenOfB = await world.backend.accessTokenFor(b);
    // Everything but the customer id moves from B's row to A's (and back): ciphertexts with their row reference.
    const db = world.backend.db;
    const rows = db.prepare("SELECT id, customer_id, ref, access_token, refresh_token FROM customer_tokens WHERE customer_id IN ('CA', 'CB') ORDER BY customer_id").all();
    const put = db.prepare('UPDATE customer_tokens SET ref = ?, access_token = ?, refresh_token = ? WHERE id = ?');
    db.transaction(() => {
      put.run(`tmp-${rows[0].ref}`, rows[1].access_token, rows[1].refresh_token, rows[0].id);
      put.run(rows[0].ref, rows[0].access_token, rows[0].refresh_token, rows[1].id);
      db.prepare('UPDATE customer_tokens SET ref = ? WHERE id = ?').run(rows[1].ref, rows[0].id);
    })();
    await expect(world.backend.accessTokenFor(a)).rejects.toMatchObject({ code: 'TOKEN_UNREADABLE' });
    await expect(world.backend.accessTokenFor(b)).rejects.toMatchObject({ code: 'TOKEN_UNREADABLE' });
    // The error names no token.
    const error = await world.backend.accessTokenFor(a).catch((e: Error) => e);
    expect(String(error.message)).not.toContain(tokenOfB);
  });

  it('…and a row whose customer id was changed', async () => {
    const world = await makeWorld();
    const a = (await session(world, codeFor(world, ['auth_base'], 'CA'), ['auth_base'], randomUUID())).json.sessionId;
    world.backend.db.prepare("UPDATE customer_tokens SET customer_id = 'CZ' WHERE customer_id = 'CA'").run();
    await expect(world.backend.accessTokenFor(a)).rejects.toMatchObject({ code: 'TOKEN_UNREADABLE' });
  });

  it('…and a refresh token moved into the access token column of its own row', async () => {
    const world = await makeWorld();
    const a = (await session(world, codeFor(world, ['auth_base'], 'CA'), ['auth_base'], randomUUID())).json.sessionId;
    world.backend.db.prepare("UPDATE customer_tokens SET access_token = refresh_token WHERE customer_id = 'CA'").run();
    await expect(world.backend.accessTokenFor(a)).rejects.toMatchObject({ code: 'TOKEN_UNREADABLE' });
  });
});
