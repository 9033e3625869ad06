/**
 * `postgresStore({ pool })`: any number of instances on any number of machines, over one PostgreSQL
 * database (`pg` is an optional peer dependency: the caller makes the Pool). Leases and expiries use
 * the database's clock (`clock_timestamp()`), so instances with drifting clocks still agree. The
 * tables are created under an advisory lock, so instances starting at once do not race each other.
 * A lost connection or a server going down is a `StoreBusyError`: a retryable 503.
 */
import type { AuthStore } from './types';
import { StoreBusyError, StoreError } from './types';
import { compileStatements, sqlStore, type Params, type Row, type SqlRunner, type StatementName } from './sql';

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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mak_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS mak_codes (
  client_id text NOT NULL, code_hash text NOT NULL, idem_hash text, state text NOT NULL, attempt integer NOT NULL,
  lease_until bigint, result_code text, session_hash text, sealed_session text, replay_until bigint, expires_at bigint NOT NULL,
  PRIMARY KEY (client_id, code_hash));
CREATE INDEX IF NOT EXISTS mak_codes_expires ON mak_codes (expires_at);
CREATE TABLE IF NOT EXISTS mak_grants (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, client_id text NOT NULL, customer_id text NOT NULL, scopes text NOT NULL,
  access_token text NOT NULL, access_expires_at bigint, refresh_token text, refresh_expires_at bigint, key_id text NOT NULL,
  version integer NOT NULL, reauth integer NOT NULL, refresh_attempt integer NOT NULL, refresh_lease_until bigint, updated_at bigint NOT NULL,
  UNIQUE (client_id, customer_id));
CREATE TABLE IF NOT EXISTS mak_sessions (
  client_id text NOT NULL, id_hash text NOT NULL, grant_id bigint NOT NULL REFERENCES mak_grants (id) ON DELETE CASCADE,
  scopes text NOT NULL, created_at bigint NOT NULL, expires_at bigint NOT NULL, PRIMARY KEY (client_id, id_hash));
CREATE INDEX IF NOT EXISTS mak_sessions_expires ON mak_sessions (expires_at);
CREATE INDEX IF NOT EXISTS mak_sessions_grant ON mak_sessions (grant_id);
CREATE TABLE IF NOT EXISTS mak_limits (
  client_id text NOT NULL, name text NOT NULL, window_start bigint NOT NULL, count integer NOT NULL, PRIMARY KEY (client_id, name));
INSERT INTO mak_meta (key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;
`;

const DIALECT = {
  now: `(extract(epoch from clock_timestamp()) * 1000)::bigint`,
  is: 'IS NOT DISTINCT FROM',
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
      await client.query(SCHEMA);
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
