/**
 * PostgreSQL for the tests: the cluster `.ci/run` starts, or the one jest's global setup starts
 * when MAK_PG_URL is not set (tests/support/postgres-cluster.cjs), reached through MAK_PG_URL.
 * Each test file gets a database of its own. Without a cluster the tests fail: never a skip.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

export const PG_URL = process.env.MAK_PG_URL;

/** `describe` when PostgreSQL is there; else one failing test that says how to get it. */
export function describePg(name: string, body: () => void): void {
  if (PG_URL) return describe(name, body);
  describe(name, () => it('has a PostgreSQL cluster (MAK_PG_URL)', () => {
    throw new Error('No PostgreSQL: install it (apt-get install postgresql; jest then starts a throwaway cluster) or set MAK_PG_URL');
  }));
}

export interface TestDatabase {
  url: string;
  pool(max?: number): Pool;
  drop(): Promise<void>;
}

/** A new empty database on the cluster; `drop()` ends its pools and removes it. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `mak_test_${randomBytes(6).toString('hex')}`;
  const admin = new Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL as string);
  url.pathname = `/${name}`;
  const pools: Pool[] = [];
  return {
    url: url.href,
    pool(max = 10) {
      const pool = new Pool({ connectionString: url.href, max });
      // An idle client told to go away when the database is dropped is no failure of the test.
      pool.on('error', () => undefined);
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.end()));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
