/**
 * PostgreSQL for the tests: the cluster `.ci/run` starts (`scripts/pg-cluster.sh`), reached through
 * MAK_PG_URL. Each test file gets a database of its own. In CI a missing cluster fails the tests;
 * locally they are skipped with one line saying how to run them.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

export const PG_URL = process.env.MAK_PG_URL;

/** `describe` when PostgreSQL is there; in CI a failing test when it is not; locally a skip, said once. */
export function describePg(name: string, body: () => void): void {
  if (PG_URL) return describe(name, body);
  if (process.env.CI) {
    describe(name, () => it('has a PostgreSQL cluster (MAK_PG_URL)', () => {
      throw new Error('MAK_PG_URL is not set: .ci/run must start PostgreSQL (scripts/pg-cluster.sh)');
    }));
    return;
  }
  // eslint-disable-next-line no-console
  console.log(`skipped (no PostgreSQL): ${name}. Run: eval "$(bash scripts/pg-cluster.sh start)"`);
  describe.skip(name, body);
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
