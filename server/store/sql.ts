/**
 * The SQL stores' statements, written once for SQLite and PostgreSQL: `@name` parameters and a few
 * dialect words (`{now}` the database's clock in epoch ms, `{is}` null-safe equality, `{mergeScopes}`
 * the union of two JSON arrays of scope names). `sqlStore` implements the store's operations over a
 * runner that executes them; the runner of each database (sqlite.ts, postgres.ts) provides the
 * dialect, the schema and the one transaction (the exchange's completion).
 */
import type { AuthStore, ClaimResult, CodeState, ExchangeCompletion, GrantRecord, RefreshLease, SessionRecord } from './types';

export interface Dialect {
  now: string;
  is: string;
  mergeScopes: string;
  /** The grants' own key column, counting up. */
  grantId: string;
}

/** The tables (prefixed `mak_`, beside an application's own), created when missing; `mak_meta` holds the schema version. */
export const schemaSql = (dialect: Dialect): string => `
CREATE TABLE IF NOT EXISTS mak_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS mak_codes (
  client_id text NOT NULL, code_hash text NOT NULL, idem_hash text, state text NOT NULL, attempt integer NOT NULL,
  lease_until bigint, result_code text, session_hash text, sealed_session text, replay_until bigint, expires_at bigint NOT NULL,
  PRIMARY KEY (client_id, code_hash));
CREATE INDEX IF NOT EXISTS mak_codes_expires ON mak_codes (expires_at);
CREATE TABLE IF NOT EXISTS mak_grants (
  ${dialect.grantId}, client_id text NOT NULL, customer_id text NOT NULL, scopes text NOT NULL,
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

/** What a grant row becomes when the customer's grant is there already: scopes added up, tokens replaced, version moved. */
const GRANT_CONFLICT = `ON CONFLICT (client_id, customer_id) DO UPDATE SET scopes = {mergeScopes}, access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
      refresh_token = excluded.refresh_token, refresh_expires_at = excluded.refresh_expires_at, key_id = excluded.key_id, version = mak_grants.version + 1,
      reauth = 0, refresh_lease_until = NULL, updated_at = excluded.updated_at`;

const T = {
  claim: `INSERT INTO mak_codes (client_id, code_hash, idem_hash, state, attempt, lease_until, expires_at)
    VALUES (@clientId, @codeHash, @idemHash, 'pending', 1, {now} + @leaseMs, {now} + @retainMs)
    ON CONFLICT (client_id, code_hash) DO UPDATE SET idem_hash = excluded.idem_hash, state = 'pending', attempt = mak_codes.attempt + 1,
      lease_until = excluded.lease_until, expires_at = excluded.expires_at, result_code = NULL, session_hash = NULL, sealed_session = NULL, replay_until = NULL
    WHERE mak_codes.expires_at <= {now}
    RETURNING attempt`,
  readCode: `SELECT state, idem_hash, CASE WHEN lease_until <= {now} THEN 1 ELSE 0 END AS lease_expired, result_code, session_hash, sealed_session,
      CASE WHEN replay_until > {now} THEN 1 ELSE 0 END AS replayable
    FROM mak_codes WHERE client_id = @clientId AND code_hash = @codeHash AND expires_at > {now}`,
  takeOver: `UPDATE mak_codes SET attempt = attempt + 1, lease_until = {now} + @leaseMs
    WHERE client_id = @clientId AND code_hash = @codeHash AND state = 'pending' AND lease_until <= {now} AND idem_hash {is} @idemHash AND expires_at > {now}
    RETURNING attempt`,
  refuse: `UPDATE mak_codes SET state = 'refused', result_code = @resultCode, lease_until = NULL
    WHERE client_id = @clientId AND code_hash = @codeHash AND state = 'pending' AND attempt = @attempt RETURNING attempt`,
  release: `UPDATE mak_codes SET lease_until = {now} WHERE client_id = @clientId AND code_hash = @codeHash AND state = 'pending' AND attempt = @attempt RETURNING attempt`,
  finishCode: `UPDATE mak_codes SET state = 'done', lease_until = NULL, session_hash = @idHash, sealed_session = @sealedSessionId,
      replay_until = {now} + @windowMs
    WHERE client_id = @clientId AND code_hash = @codeHash AND state = 'pending' AND attempt = @attempt RETURNING attempt`,
  upsertGrant: `INSERT INTO mak_grants (client_id, customer_id, scopes, access_token, access_expires_at, refresh_token, refresh_expires_at, key_id, version, reauth, refresh_attempt, updated_at)
    VALUES (@clientId, @customerId, @grantScopes, @accessToken, @accessTokenExpiresAt, @refreshToken, @refreshTokenExpiresAt, @keyId, 1, 0, 0, {now})
    ${GRANT_CONFLICT}
    RETURNING *`,
  insertSession: `INSERT INTO mak_sessions (client_id, id_hash, grant_id, scopes, created_at, expires_at)
    VALUES (@clientId, @idHash, @grantId, @sessionScopes, {now}, {now} + @ttlMs) RETURNING expires_at AS session_expires_at, scopes AS session_scopes`,
  /**
   * The whole completion as one statement, for a database whose CTEs may write (PostgreSQL): the code
   * done, the grant upserted, the session inserted, or nothing at all when the attempt is no longer
   * the code's (no row from fin, so none from the rest). One round trip instead of a transaction's six.
   */
  complete: `WITH fin AS (
      UPDATE mak_codes SET state = 'done', lease_until = NULL, session_hash = @idHash, sealed_session = @sealedSessionId, replay_until = {now} + @windowMs
      WHERE client_id = @clientId AND code_hash = @codeHash AND state = 'pending' AND attempt = @attempt RETURNING attempt),
    g AS (
      INSERT INTO mak_grants (client_id, customer_id, scopes, access_token, access_expires_at, refresh_token, refresh_expires_at, key_id, version, reauth, refresh_attempt, updated_at)
      SELECT CAST(@clientId AS text), CAST(@customerId AS text), CAST(@grantScopes AS text), CAST(@accessToken AS text), CAST(@accessTokenExpiresAt AS bigint),
        CAST(@refreshToken AS text), CAST(@refreshTokenExpiresAt AS bigint), CAST(@keyId AS text), 1, 0, 0, {now} FROM fin
      ${GRANT_CONFLICT}
      RETURNING *),
    s AS (
      INSERT INTO mak_sessions (client_id, id_hash, grant_id, scopes, created_at, expires_at)
      SELECT CAST(@clientId AS text), CAST(@idHash AS text), g.id, CAST(@sessionScopes AS text), {now}, {now} + CAST(@ttlMs AS bigint) FROM g
      RETURNING expires_at AS session_expires_at, scopes AS session_scopes)
    SELECT s.session_expires_at, s.session_scopes, g.* FROM s, g`,
  findSession: `SELECT s.scopes AS session_scopes, s.expires_at AS session_expires_at, g.*
    FROM mak_sessions s JOIN mak_grants g ON g.id = s.grant_id
    WHERE s.client_id = @clientId AND s.id_hash = @idHash AND s.expires_at > {now}`,
  deleteSession: `DELETE FROM mak_sessions WHERE client_id = @clientId AND id_hash = @idHash AND expires_at > {now} RETURNING grant_id`,
  readGrant: `SELECT * FROM mak_grants WHERE client_id = @clientId AND id = @grantId`,
  leaseRefresh: `UPDATE mak_grants SET refresh_attempt = refresh_attempt + 1, refresh_lease_until = {now} + @leaseMs
    WHERE client_id = @clientId AND id = @grantId AND version = @version AND (refresh_lease_until IS NULL OR refresh_lease_until <= {now})
    RETURNING refresh_attempt`,
  commitRefresh: `UPDATE mak_grants SET access_token = @accessToken, access_expires_at = @accessTokenExpiresAt, refresh_token = @refreshToken,
      refresh_expires_at = @refreshTokenExpiresAt, key_id = @keyId, version = version + 1, reauth = 0, refresh_lease_until = NULL, updated_at = {now}
    WHERE client_id = @clientId AND id = @grantId AND version = @version AND refresh_attempt = @attempt RETURNING version`,
  releaseRefresh: `UPDATE mak_grants SET refresh_lease_until = NULL WHERE client_id = @clientId AND id = @grantId AND refresh_attempt = @attempt RETURNING id`,
  markReauth: `UPDATE mak_grants SET reauth = 1, refresh_lease_until = NULL WHERE client_id = @clientId AND id = @grantId AND version = @version RETURNING id`,
  hit: `INSERT INTO mak_limits (client_id, name, window_start, count)
    VALUES (@clientId, @name, ({now} / CAST(@windowMs AS INTEGER)) * CAST(@windowMs AS INTEGER), 1)
    ON CONFLICT (client_id, name) DO UPDATE SET
      count = CASE WHEN mak_limits.window_start = excluded.window_start THEN mak_limits.count + 1 ELSE 1 END,
      window_start = excluded.window_start
    RETURNING count, window_start + @windowMs - {now} AS retry_after_ms`,
  sweepCodes: `DELETE FROM mak_codes WHERE expires_at <= {now}`,
  sweepReplays: `UPDATE mak_codes SET sealed_session = NULL WHERE sealed_session IS NOT NULL AND replay_until <= {now}`,
  sweepSessions: `DELETE FROM mak_sessions WHERE expires_at <= {now}`,
  sweepLimits: `DELETE FROM mak_limits WHERE window_start < {now} - 86400000`,
} as const;

export type StatementName = keyof typeof T;
export type Row = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Params = { [name: string]: any } | object;

export interface Compiled {
  text: string;
  /** Parameter names in order of their positions (`$1`…), for drivers without named parameters. */
  names: string[];
}

/** The statements in `dialect`; `positional` turns `@name` into `$1`, `$2`… */
export function compileStatements(dialect: Dialect, positional: boolean): Record<StatementName, Compiled> {
  const out = {} as Record<StatementName, Compiled>;
  for (const [name, template] of Object.entries(T) as [StatementName, string][]) {
    const text = template.replace(/\{mergeScopes\}/g, dialect.mergeScopes).replace(/\{now\}/g, dialect.now).replace(/\{is\}/g, dialect.is);
    const names: string[] = [];
    out[name] = {
      names,
      text: positional
        ? text.replace(/@(\w+)/g, (_, n: string) => {
            if (!names.includes(n)) names.push(n);
            return `$${names.indexOf(n) + 1}`;
          })
        : text,
    };
  }
  return out;
}

/** How a SQL store runs its statements. */
export interface SqlRunner {
  init(): Promise<void>;
  run(name: StatementName, params: Params): Promise<Row[]>;
  /** The database runs the `complete` statement (a CTE that writes): the completion is one round trip. */
  completeInOne?: boolean;
  /** Runs `body` in one write transaction; a body that returns `rollback: true` writes nothing. */
  transaction<T>(body: (run: (name: StatementName, params: Params) => Promise<Row[]>) => Promise<{ value: T; rollback?: boolean }>): Promise<T>;
  close(): Promise<void>;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const scopesOf = (v: unknown): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : []);

function grantOf(row: Row): GrantRecord {
  return {
    id: String(row.id),
    clientId: row.client_id as string,
    customerId: row.customer_id as string,
    scopes: scopesOf(row.scopes),
    version: num(row.version),
    reauthRequired: Boolean(Number(row.reauth)),
    accessToken: row.access_token as string,
    accessTokenExpiresAt: numOrNull(row.access_expires_at),
    refreshToken: (row.refresh_token as string | null) ?? null,
    refreshTokenExpiresAt: numOrNull(row.refresh_expires_at),
    keyId: row.key_id as string,
  };
}

function codeStateOf(row: Row | undefined): CodeState {
  if (!row) return { kind: 'absent' };
  if (row.state === 'refused') return { kind: 'refused', resultCode: row.result_code as string };
  const idemHash = (row.idem_hash as string | null) ?? null;
  if (row.state === 'pending') return { kind: 'pending', idemHash, leaseExpired: Boolean(Number(row.lease_expired)) };
  const replay = Number(row.replayable) && row.sealed_session && row.session_hash ? { sealedSessionId: row.sealed_session as string, sessionHash: row.session_hash as string } : null;
  return { kind: 'done', idemHash, replay };
}

function sessionOf(clientId: string, idHash: string, row: Row): SessionRecord {
  const grant = grantOf(row);
  return { clientId, idHash, customerId: grant.customerId, scopes: scopesOf(row.session_scopes), expiresAt: num(row.session_expires_at), grant };
}

/** The store's operations over `runner`. */
export function sqlStore(runner: SqlRunner): AuthStore {
  const { run } = runner;
  const first = async (name: StatementName, params: Params) => (await run(name, params))[0];

  type Completion = { ok: true; session: SessionRecord } | { ok: false };
  const completionParams = (input: ExchangeCompletion) => {
    const g = input.grant;
    return {
      clientId: input.clientId, codeHash: input.codeHash, attempt: input.attempt, idHash: input.session.idHash,
      sealedSessionId: input.replay?.sealedSessionId ?? null, windowMs: input.replay?.windowMs ?? 0,
      customerId: g.customerId, grantScopes: JSON.stringify([...new Set(g.scopes)].sort()), accessToken: g.accessToken, accessTokenExpiresAt: g.accessTokenExpiresAt,
      refreshToken: g.refreshToken, refreshTokenExpiresAt: g.refreshTokenExpiresAt, keyId: g.keyId,
      sessionScopes: JSON.stringify(input.session.scopes), ttlMs: input.session.ttlMs,
    };
  };
  async function complete(input: ExchangeCompletion): Promise<Completion> {
    const params = completionParams(input);
    if (runner.completeInOne) {
      const [row] = await run('complete', params);
      return row ? { ok: true, session: sessionOf(input.clientId, input.session.idHash, row) } : { ok: false };
    }
    return runner.transaction<Completion>(async (tx) => {
      const finished = await tx('finishCode', params);
      if (finished.length === 0) return { value: { ok: false }, rollback: true };
      const [grantRow] = await tx('upsertGrant', params);
      const [sessionRow] = await tx('insertSession', { ...params, grantId: (grantRow as Row).id });
      return { value: { ok: true, session: sessionOf(input.clientId, input.session.idHash, { ...grantRow, ...sessionRow }) } };
    });
  }

  return {
    init: () => runner.init(),
    async claimCode(input): Promise<ClaimResult> {
      const claimed = await first('claim', input);
      if (claimed) return { kind: 'claimed', attempt: num(claimed.attempt) };
      const state = codeStateOf(await first('readCode', input));
      // Gone between the two statements (it expired): claim again.
      return state.kind === 'absent' ? this.claimCode(input) : state;
    },
    readCode: async (key) => codeStateOf(await first('readCode', key)),
    async takeOverCode(input) {
      const row = await first('takeOver', input);
      return row ? num(row.attempt) : null;
    },
    refuseCode: async (input) => (await run('refuse', input)).length === 1,
    releaseCode: async (input) => void (await run('release', input)),
    completeExchange: complete,
    async findSession({ clientId, idHash }) {
      const row = await first('findSession', { clientId, idHash });
      return row ? sessionOf(clientId, idHash, row) : null;
    },
    deleteSession: async (input) => (await run('deleteSession', input)).length > 0,
    async readGrant(key) {
      const row = await first('readGrant', key);
      return row ? grantOf(row) : null;
    },
    async leaseRefresh(input): Promise<RefreshLease> {
      const leased = await first('leaseRefresh', input);
      if (leased) return { kind: 'leased', attempt: num(leased.refresh_attempt) };
      const row = await first('readGrant', input);
      if (!row) return { kind: 'gone' };
      return num(row.version) !== input.version ? { kind: 'moved', grant: grantOf(row) } : { kind: 'busy' };
    },
    commitRefresh: async ({ tokens, ...key }) => (await run('commitRefresh', { ...key, ...tokens })).length === 1,
    releaseRefresh: async (input) => void (await run('releaseRefresh', input)),
    markReauth: async (input) => void (await run('markReauth', input)),
    async hit({ clientId, key, windowMs, limit }) {
      const row = (await first('hit', { clientId, name: key, windowMs })) as Row;
      const allowed = num(row.count) <= limit;
      return { allowed, retryAfterMs: allowed ? 0 : Math.max(0, num(row.retry_after_ms)) };
    },
    async sweep() {
      for (const name of ['sweepCodes', 'sweepReplays', 'sweepSessions', 'sweepLimits'] as const) await run(name, {});
    },
    close: () => runner.close(),
  };
}
