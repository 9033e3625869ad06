/**
 * `DATABASE_URL=postgres://…` switches the demo's backend from its SQLite file to PostgreSQL
 * (postgresStore over a pg Pool), against the real cluster of .ci/run (MAK_PG_URL): sessions land in
 * the database, not in the data directory, and another backend on the same database (another machine,
 * in production) sees them.
 */
import * as fs from 'node:fs';
import { Pool } from 'pg';
import { loadServerModule, postJson, removeDir, tempDir } from './helpers';
import { describePg, freshDatabase, type TestDatabase } from '../server/support/pg';

describePg('DATABASE_URL', () => {
  let db: TestDatabase;
  let runner: any;
  const dirs: string[] = [];
  beforeAll(async () => {
    db = await freshDatabase();
    runner = await loadServerModule('start-servers.mjs');
  });
  afterAll(async () => {
    for (const dir of dirs) removeDir(dir);
    await db?.drop();
  });

  it('postgres://… keeps sessions in PostgreSQL: nothing in the data directory but keys, and a second backend on the database finds them', async () => {
    const dataDir = tempDir('demo-pg-');
    dirs.push(dataDir);
    const env = { DATABASE_URL: db.url };
    const demo = await runner.startServers({ dataDir, env, logger: null });
    let sessionId: string;
    try {
      expect(demo.store).toMatch(/^PostgreSQL \(127\.0\.0\.1:\d+\/mak_test_\w+\)$/);
      expect(demo.dbPath).toBeNull();
      const { authCode } = (await postJson(`${demo.url}/sim/codes`, { scopes: ['auth_base', 'USER_NAME'] })).json;
      const opened = await postJson(`${demo.url}/api/auth/session`, { authCode, scopes: ['auth_base', 'USER_NAME'] });
      expect(opened.status).toBe(200);
      sessionId = opened.json.sessionId;
      const pool: Pool = db.pool(1);
      expect(Number((await pool.query('SELECT count(*) AS n FROM mak_sessions')).rows[0].n)).toBe(1);
      expect(fs.readdirSync(dataDir).sort()).toEqual(['keys', 'merchant-token.key']);

      // Another backend on the same database and keys (a second machine): the same session.
      const other = await runner.startServers({ dataDir, env, logger: null });
      try {
        expect(await other.auth.getSession(sessionId)).toEqual({ customerId: opened.json.customerId, scopes: ['auth_base', 'USER_NAME'], expiresAt: opened.json.expiresAt });
      } finally {
        await other.close();
      }
    } finally {
      await demo.close();
    }
    // And after a restart of the first.
    const again = await runner.startServers({ dataDir, env, logger: null });
    try {
      expect(await again.auth.getSession(sessionId!)).not.toBeNull();
      expect(fs.existsSync(`${dataDir}/auth.sqlite`)).toBe(false);
    } finally {
      await again.close();
    }
  });

  it('a database that cannot be reached: the start fails with the store’s words, before any key is written', async () => {
    const dataDir = tempDir('demo-pg-down-');
    dirs.push(dataDir);
    const url = new URL(db.url);
    url.port = '1';
    await expect(runner.startServers({ dataDir, env: { DATABASE_URL: url.href }, logger: null })).rejects.toThrow(/postgresStore: the database is not reachable now/);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
