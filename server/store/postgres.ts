/**
 * `postgresStore({ pool })`: any number of instances on any number of machines, over one PostgreSQL
 * database (`pg` is an optional peer dependency: the caller makes the Pool). Leases and expiries use
 * the database's clock (`clock_timestamp()`), so instances with drifting clocks still agree. The
 * tables are created under an advisory lock, so instances starting at once do not race each other.
 * A lost connection or a server going down is a `StoreBusyError`: a retryable 503.
 */
import type { AuthStore } from './types';
import { StoreBusyError, StoreError } from './types';
import { compileStatements, schemaSql, sqlStore, type Params, type Row, type SqlRunner, type StatementName } from './sql';

/** What the store uses of a `pg` Pool (structural: no `pg` types needed). */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
}

export interface PostgresStoreOptions {
  pool: PgPoolLike;
  /** End the pool on `close()` (default false: the pool is the caller's). */
  closePool?: boolean;
}


const DIALECT = {
  now: `(extract(epoch from clock_timestamp()) * 1000)::bigint`,
  is: 'IS NOT DISTINCT FROM',
  grantId: 'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  mergeScopes: `(SELECT json_agg(v ORDER BY v)::text FROM (SELECT json_array_elements_text(mak_grants.scopes::json) AS v UNION SELECT json_array_elements_text(excluded.scopes::json)) AS u)`,
};

/** An arbitrary constant: the advisory lock under which the schema is created. */
const SCHEMA_LOCK = 7_318_260_011;

/** SQLSTATE classes that mean "not now": connection (08), resources (53), operator intervention (57), serialization/deadlock (40). */
const transient = (error: unknown) => {
  const code = String((error as { code?: unknown })?.code ?? '');
  return /^(08|53|57|40)/.test(code) || /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/.test(code) || /Connection terminated|timeout exceeded when trying to connect/i.test(String((error as Error)?.message));
};

function storeFailure(error: unknown): Error {
  if (error instanceof StoreError || error instanceof StoreBusyError) return error;
  if (transient(error)) return new StoreBusyError('postgresStore: the database is not reachable now', { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

export function postgresStore(options: PostgresStoreOptions): AuthStore {
  const pool = options?.pool;
  if (typeof pool !== 'object' || pool === null || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
    throw new TypeError('postgresStore: pool must be a pg Pool (new Pool({ connectionString })).');
  }
  const statements = compileStatements(DIALECT, true);
  const valuesOf = (name: StatementName, params: Params) => statements[name].names.map((n) => {
    const v = (params as Record<string, unknown>)[n];
    return v === undefined ? null : v;
  });
  const query = (on: PgQueryable, name: StatementName, params: Params) => on.query(statements[name].text, valuesOf(name, params)).then((r) => r.rows, (e) => Promise.reject(storeFailure(e)));
  let readiness: Promise<void> | null = null;

  async function createSchema(): Promise<void> {
    const client = await pool.connect().catch((e) => Promise.reject(storeFailure(e)));
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(schemaSql(DIALECT));
      const { rows } = await client.query(`SELECT value FROM mak_meta WHERE key = 'schema'`);
      if (rows[0]?.value !== '1') throw new StoreError('STORE_VERSION', `postgresStore: the database holds schema version ${String(rows[0]?.value)}, written by another version of miniapp-auth-kit.`);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw storeFailure(error);
    }
  }

  const runner: SqlRunner = {
    completeInOne: true,
    init() {
      readiness ??= createSchema().catch((error) => {
        readiness = null;
        throw error;
      });
      return readiness;
    },
    run: (name, params) => query(pool, name, params),
    async transaction(body) {
      const client = await pool.connect().catch((e) => Promise.reject(storeFailure(e)));
      try {
        await client.query('BEGIN');
        const { value, rollback } = await body((name, params) => query(client, name, params));
        await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
        client.release();
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(true);
        throw storeFailure(error);
      }
    },
    async close() {
      if (options.closePool) await (pool as unknown as { end(): Promise<void> }).end();
    },
  };
  return sqlStore(runner);
}
