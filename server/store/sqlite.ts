/**
 * `sqliteStore({ filename })`: several processes on one machine, over one SQLite file (better-sqlite3
 * ≥ 12 < 13, an optional peer dependency, loaded on first use). WAL, so readers never wait for the
 * writer. better-sqlite3 is synchronous: SQLite's own busy wait would hold the event loop for as long
 * as another process holds the write lock, so it is cut to a few milliseconds and the wait goes on
 * asynchronously (timers between tries). A lock held for long then surfaces as `StoreBusyError`, which
 * the exchange turns into a retryable 503 before it calls the wallet.
 *
 * The file is created 0600 (its -wal and -shm files take its mode). A file that is not a SQLite
 * database (or is damaged) is refused with a StoreError before anything is written to it.
 */
import { closeSync, existsSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuthStore } from './types';
import { StoreBusyError, StoreError } from './types';
import { compileStatements, schemaSql, sqlStore, type Params, type Row, type SqlRunner, type StatementName } from './sql';

export interface SqliteStoreOptions {
  /** The database file (created when missing). */
  filename: string;
  /** How long one operation waits for another process's write lock, asynchronously (default 250 ms). */
  busyTimeoutMs?: number;
}


const DIALECT = {
  now: `CAST(unixepoch('subsec') * 1000 AS INTEGER)`,
  is: 'IS',
  grantId: 'id INTEGER PRIMARY KEY',
  mergeScopes: `(SELECT json_group_array(value) FROM (SELECT value FROM json_each(mak_grants.scopes) UNION SELECT value FROM json_each(excluded.scopes) ORDER BY value))`,
};

type Database = import('better-sqlite3').Database;
type Statement = import('better-sqlite3').Statement;

const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown })?.code));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Refuses a file that is there and is not a SQLite database, reading only its first bytes. */
function checkHeader(file: string): boolean {
  if (!existsSync(file)) return false;
  if (statSync(file).size === 0) return true;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    if (head.toString('latin1') !== 'SQLite format 3\u0000') throw unreadable(file);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Creates the file, 0600, unless another process just did (two first starts at one instant): false
 * then, and that file is read as any file that was there (it is not this process's to remove).
 */
function createPrivate(file: string): boolean {
  try {
    closeSync(openSync(file, 'wx', 0o600));
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    checkHeader(file);
    return false;
  }
}

const unreadable = (file: string, cause?: unknown) =>
  new StoreError('STORE_UNREADABLE', `sqliteStore: ${file} is not a SQLite database, or it is damaged. Nothing was written to it; restore it from a backup or point filename at a new file.`, cause === undefined ? undefined : { cause });

async function loadDriver(): Promise<typeof import('better-sqlite3')> {
  try {
    const mod = (await import('better-sqlite3')) as unknown as { default?: typeof import('better-sqlite3') };
    return (mod.default ?? mod) as typeof import('better-sqlite3');
  } catch (cause) {
    throw new StoreError('DRIVER_MISSING', 'sqliteStore needs better-sqlite3 (>= 12 < 13): npm install better-sqlite3', { cause });
  }
}

export function sqliteStore(options: SqliteStoreOptions): AuthStore {
  if (typeof options !== 'object' || options === null || typeof options.filename !== 'string' || options.filename.trim() === '') {
    throw new TypeError('sqliteStore: filename must be the path of the database file.');
  }
  const patience = options.busyTimeoutMs ?? 250;
  if (typeof patience !== 'number' || !Number.isFinite(patience) || patience < 0 || patience > 60_000) throw new TypeError('sqliteStore: busyTimeoutMs must be a number from 0 to 60000 (ms).');
  const file = options.filename === ':memory:' ? ':memory:' : resolve(options.filename);
  const statements = compileStatements(DIALECT, false);
  let db: Database | null = null;
  let prepared: Partial<Record<StatementName, Statement>> = {};
  let control_: { begin: Statement; commit: Statement; rollback: Statement } | null = null;
  let opening: Promise<Database> | null = null;
  /** One operation at a time on the connection: a transaction's statements are never interleaved. */
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const next = queue.then(step, step);
    queue = next.catch(() => undefined);
    return next;
  };

  /** Runs `step` (synchronous SQLite work) again while another process holds the lock, waiting between tries. */
  async function patiently<T>(step: () => T): Promise<T> {
    const deadline = Date.now() + patience;
    for (let pause = 2; ; pause = Math.min(pause * 2, 25)) {
      try {
        return step();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() >= deadline) throw new StoreBusyError('sqliteStore: the database is locked by another connection', { cause: error });
        await sleep(pause + Math.random() * pause);
      }
    }
  }

  async function open(): Promise<Database> {
    const Driver = await loadDriver();
    let existed = file !== ':memory:' && checkHeader(file);
    if (file !== ':memory:' && !existed) existed = !createPrivate(file);
    let handle: Database | null = null;
    try {
      handle = new Driver(file);
      const h = handle;
      // A few milliseconds of SQLite's own (blocking) wait; longer waits are asynchronous (patiently).
      h.pragma('busy_timeout = 5');
      await patiently(() => h.pragma('journal_mode = WAL'));
      h.pragma('synchronous = NORMAL');
      h.pragma('foreign_keys = ON');
      await patiently(() => h.exec(`BEGIN IMMEDIATE; ${schemaSql(DIALECT)} COMMIT;`));
      const version = (h.prepare(`SELECT value FROM mak_meta WHERE key = 'schema'`).get() as { value: string }).value;
      if (version !== '1') throw new StoreError('STORE_VERSION', `sqliteStore: ${file} holds schema version ${version}, written by another version of miniapp-auth-kit.`);
      return h;
    } catch (error) {
      if (handle?.inTransaction) handle.exec('ROLLBACK');
      handle?.close();
      if (file !== ':memory:' && !existed) for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) unlinkSync(file + suffix);
      if (error instanceof StoreError || error instanceof StoreBusyError) throw error;
      if (/^SQLITE_(CORRUPT|NOTADB)/.test(String((error as { code?: unknown }).code))) throw unreadable(file, error);
      throw new StoreError('STORE_UNAVAILABLE', `sqliteStore: cannot open ${file}: ${(error as Error).message}`, { cause: error });
    }
  }

  function connection(): Promise<Database> {
    if (db) return Promise.resolve(db);
    opening ??= open().then(
      (h) => (db = h),
      (error) => {
        opening = null;
        throw error;
      },
    );
    return opening;
  }

  function exec(h: Database, name: StatementName, params: Params): Row[] {
    const stmt = (prepared[name] ??= h.prepare(statements[name].text));
    return stmt.reader ? (stmt.all(params) as Row[]) : (stmt.run(params), []);
  }

  const runner: SqlRunner = {
    init: async () => void (await connection()),
    run: async (name, params) => {
      const h = await connection();
      return serial(() => patiently(() => exec(h, name, params)));
    },
    transaction: async (body) => {
      const h = await connection();
      const control = (control_ ??= { begin: h.prepare('BEGIN IMMEDIATE'), commit: h.prepare('COMMIT'), rollback: h.prepare('ROLLBACK') });
      return serial(async () => {
        await patiently(() => control.begin.run());
        try {
          const { value, rollback } = await body(async (name, params) => exec(h, name, params));
          (rollback ? control.rollback : control.commit).run();
          return value;
        } catch (error) {
          if (h.inTransaction) control.rollback.run();
          throw error;
        }
      });
    },
    close: async () => {
      await queue;
      db?.close();
      db = null;
      prepared = {};
      control_ = null;
    },
  };
  return sqlStore(runner);
}
