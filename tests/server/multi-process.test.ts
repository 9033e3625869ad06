/**
 * The auth server as many processes on one store: 4 processes (built dist/, run-auth.mjs) on one
 * SQLite file, and on one PostgreSQL database, in front of the wallet OpenAPI simulator.
 * - the same code with the same key from all 4 → one wallet call, one session;
 * - different keys → exactly one 200, the rest USED_CODE;
 * - kill -9 of the owner while its wallet call is under way → a take-over after the lease: the code
 *   is sent once more only when the first never reached the wallet, and no session is lost;
 * - 3 processes refreshing one grant → one REFRESH_TOKEN call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { sqliteStore } from '../../server/store/sqlite';
import { postgresStore } from '../../server/store/postgres';
import { startCluster, type Cluster } from './support/multi-process';
import { describePg, freshDatabase, type TestDatabase } from './support/pg';
import { report } from '../support/verbose';

jest.setTimeout(60_000);

function scenarios(name: string, make: () => Promise<Cluster>) {
  let c: Cluster;
  beforeAll(async () => {
    c = await make();
  });
  afterAll(() => c?.close());

  it(`${name}: the same code with the same key from 4 processes at once → one wallet call, one session`, async () => {
    const before = c.wallet.stats.authorizationCode;
    c.wallet.setLatency(300);
    const code = c.issue();
    const answers = await Promise.all(c.children.map((child) => c.post(child, code, 'same-key')));
    c.wallet.setLatency(0);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.sessionId)).size).toBe(1);
    expect(c.wallet.stats.authorizationCode - before).toBe(1);
    expect(await c.local.getSession(answers[0]!.body.sessionId)).not.toBeNull();
  });

  it(`${name}: the same code with 4 different keys → exactly one 200, the rest USED_CODE`, async () => {
    const before = c.wallet.stats.authorizationCode;
    c.wallet.setLatency(300);
    const code = c.issue();
    const answers = await Promise.all(c.children.map((child, i) => c.post(child, code, `key-${i}`)));
    c.wallet.setLatency(0);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'USED_CODE')).toHaveLength(3);
    expect(c.wallet.stats.authorizationCode - before).toBe(1);
  });

  it(`${name}: kill -9 of the owner while its wallet call hangs → another process takes over after the lease and opens the session`, async () => {
    const before = c.wallet.stats.authorizationCode;
    const code = c.issue();
    const arrived = c.holdNext();
    const lost = c.post(c.children[0]!, code, 'k').catch(() => 'connection lost');
    await arrived;
    await c.kill(0);
    expect(await lost).toBe('connection lost');
    const t0 = Date.now();
    // The kit sends the same request again (same key) to whichever instance it reaches.
    const [a, b] = await Promise.all([c.post(c.children[1]!, code, 'k'), c.post(c.children[2]!, code, 'k')]);
    report(`[multi-process] ${name}: take-over after ${Date.now() - t0} ms`);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.sessionId).toBe(a.body.sessionId);
    expect(c.wallet.stats.authorizationCode - before).toBe(1);
    expect(await c.local.getSession(a.body.sessionId)).not.toBeNull();
    await c.replace(0);
  });

  it(`${name}: kill -9 of a process under load → every session answered is there; a code it spent is refused, never spent twice`, async () => {
    const answered: Array<{ code: string; key: string; status: number; body: any }> = [];
    const cut: Array<{ code: string; key: string }> = [];
    c.wallet.setLatency(20);
    const until = Date.now() + 1500;
    setTimeout(() => void c.kill(3), 600);
    await Promise.all(c.children.map(async (child, i) => {
      for (let n = 0; Date.now() < until; n++) {
        const code = c.issue(`load-${i}-${n % 5}`);
        const key = randomUUID();
        const a = await c.post(child, code, key).catch(() => null);
        if (a) answered.push({ code, key, ...a });
        else {
          cut.push({ code, key });
          break;
        }
      }
    }));
    c.wallet.setLatency(0);
    // The requests the kill cut off, sent again with their keys to a live process (after the lease).
    const retried = await Promise.all(cut.map((r) => c.post(c.children[0]!, r.code, r.key)));
    const statuses = [...answered, ...retried].map((a) => a.status);
    report(`[multi-process] ${name}: ${answered.length} exchanges under load, ${cut.length} cut by kill -9, retried → ${retried.map((r) => r.status).join(',')}`);
    expect(cut.length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    for (const a of [...answered, ...retried].filter((x) => x.status === 200)) expect(await c.local.getSession(a.body.sessionId)).not.toBeNull();
    expect(answered.filter((a) => a.status === 200).length).toBeGreaterThan(10);
    await c.replace(3);
  });

  it(`${name}: 3 processes refreshing one grant at once → one REFRESH_TOKEN call`, async () => {
    const { body } = await c.post(c.children[0]!, c.issue('refresher', ['auth_base', 'USER_NAME']), 'r', ['auth_base', 'USER_NAME']);
    const before = c.wallet.stats.refreshToken;
    c.wallet.setLatency(200);
    const answers = await Promise.all([1, 2, 3].map((i) => c.me(c.children[i]!, body.sessionId)));
    c.wallet.setLatency(0);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.body.user.userName.fullName).toEqual(expect.any(String));
    expect(c.wallet.stats.refreshToken - before).toBe(1);
  });
}

describe('one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mak-mp-sqlite-'));
  const filename = join(dir, 'auth.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  scenarios('SQLite', () => startCluster(`sqlite:${filename}`, () => sqliteStore({ filename })));
});

describePg('one PostgreSQL database', () => {
  let db: TestDatabase;
  afterAll(() => db?.drop());
  scenarios('PostgreSQL', async () => {
    db = await freshDatabase();
    const pool: Pool = db.pool(4);
    return startCluster(`postgres:${db.url}`, () => postgresStore({ pool }));
  });
});
