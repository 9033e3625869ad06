/**
 * The merchant database itself: opening it (WAL, private file mode, the token key check), its schema,
 * and the migrations of databases that earlier versions wrote (`PRAGMA user_version`).
 *
 * Version 0 (the first release): the three tables below; tokens encrypted with associated data
 * `customer_tokens.<column>:<ref>`. Version 1: `exchanged_codes` learns the hash of the request's
 * Idempotency-Key and the owner of a pending claim; `refused_codes` remembers codes the wallet refused;
 * tokens are bound to their customer too (`tokenAad`), so the rows of version 0 are re-encrypted.
 */
import Database from 'better-sqlite3';
import { ensurePrivateFile, tighten } from './private-files.mjs';

const SCHEMA_V0 = `
CREATE TABLE IF NOT EXISTS customer_tokens (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL UNIQUE,               -- random; with the customer id, binds the ciphertexts to this row (AES-GCM AAD)
  customer_id TEXT UNIQUE,                -- NULL when the wallet returned none
  scopes TEXT NOT NULL,                   -- JSON array: every scope granted so far
  access_token BLOB NOT NULL,
  access_expires_at INTEGER NOT NULL,
  refresh_token BLOB,
  refresh_expires_at INTEGER,
  key_id TEXT NOT NULL,
  reauth_required INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  token_id INTEGER NOT NULL REFERENCES customer_tokens(id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions(expires_at);
CREATE TABLE IF NOT EXISTS exchanged_codes (
  code_hash TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
  session_id BLOB,
  key_id TEXT,
  claimed_at INTEGER NOT NULL,
  done_at INTEGER
);
`;

const SCHEMA_V1 = `
ALTER TABLE exchanged_codes ADD COLUMN idem_hash TEXT;  -- SHA-256 of the Idempotency-Key; NULL: sent without one
ALTER TABLE exchanged_codes ADD COLUMN owner TEXT;      -- who holds a pending claim (claim-owner.mjs)
CREATE TABLE refused_codes (
  code_hash TEXT PRIMARY KEY,                           -- SHA-256 of a code the wallet refused
  result_code TEXT NOT NULL,                            -- INVALID_CODE, USED_CODE or EXPIRED_CODE
  refused_at INTEGER NOT NULL
);
CREATE INDEX refused_codes_refused_at ON refused_codes(refused_at);
`;

export class TokenKeyMismatchError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'TokenKeyMismatchError';
    this.code = 'TOKEN_KEY_MISMATCH';
  }
}

/**
 * The associated data of a stored token: table, column, the row's reference and its customer. A
 * ciphertext copied to another column, another row, or a row relabelled for another customer does not
 * decrypt.
 * @param {'access_token' | 'refresh_token'} column
 * @param {{ ref: string, customer_id: string | null }} row
 */
export function tokenAad(column, row) {
  return JSON.stringify(['customer_tokens', column, row.ref, row.customer_id ?? null]);
}

/** The associated data of version 0 (for the migration only). @param {string} column @param {string} ref */
const tokenAadV0 = (column, ref) => `customer_tokens.${column}:${ref}`;

/**
 * @typedef {{ keyId: string, encrypt(plaintext: string, aad: string): Buffer, decrypt(blob: Uint8Array, aad: string): string }} Cipher
 */

/** @param {string} dbPath */
export const isInMemory = (dbPath) => dbPath === ':memory:' || dbPath === '';

/**
 * Switches to WAL. SQLite does not call the busy handler for this switch: a process that meets
 * another one switching (two first starts at once) retries for the busy timeout itself.
 * @param {import('better-sqlite3').Database} db
 */
function toWal(db, waitMs = 5000) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + waitMs; ; ) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!/^SQLITE_BUSY/.test(String(error?.code)) || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

/**
 * Opens (creating when new) the database at `dbPath` (a file, or ':memory:'), checks that its tokens
 * were written with `cipher`'s key, and brings its schema to the current version.
 * @param {string} dbPath
 * @param {Cipher} cipher
 */
export function openDatabase(dbPath, cipher) {
  const inMemory = isInMemory(dbPath);
  // SQLite creates the -wal and -shm files with the mode of the database file.
  if (!inMemory) ensurePrivateFile(dbPath);
  const db = new Database(dbPath);
  try {
    // First: processes opening one new database at once wait for each other's locks instead of failing.
    db.pragma('busy_timeout = 5000');
    toWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (!inMemory) for (const suffix of ['-wal', '-shm']) tighten(`${dbPath}${suffix}`);
    db.exec(SCHEMA_V0);
    checkKey(db, cipher);
    migrate(db, cipher);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** @param {import('better-sqlite3').Database} db @param {Cipher} cipher */
function checkKey(db, cipher) {
  const other = /** @type {{ key_id: string } | undefined} */ (
    db.prepare('SELECT key_id FROM customer_tokens WHERE key_id <> ? UNION SELECT key_id FROM exchanged_codes WHERE key_id <> ? LIMIT 1').get(cipher.keyId, cipher.keyId)
  );
  if (other) {
    throw new TokenKeyMismatchError(
      `The token encryption key (id ${cipher.keyId}) is not the key the stored tokens were encrypted with ` +
        `(id ${other.key_id}). Start with the right MERCHANT_TOKEN_KEY, or use a new database.`,
    );
  }
}

/**
 * Version 0 → 1, in one transaction that takes the write lock first: of several processes starting at
 * once on one database, one migrates and the others find it done.
 * @param {import('better-sqlite3').Database} db @param {Cipher} cipher
 */
function migrate(db, cipher) {
  db.transaction(() => {
    if (db.pragma('user_version', { simple: true }) >= 1) return;
    db.exec(SCHEMA_V1);
    const rows = /** @type {{ id: number, ref: string, customer_id: string | null, access_token: Buffer, refresh_token: Buffer | null }[]} */ (
      db.prepare('SELECT id, ref, customer_id, access_token, refresh_token FROM customer_tokens').all()
    );
    const update = db.prepare('UPDATE customer_tokens SET access_token = ?, refresh_token = ? WHERE id = ?');
    for (const row of rows) {
      /** @param {'access_token' | 'refresh_token'} column @param {Buffer} blob */
      const reseal = (column, blob) => cipher.encrypt(cipher.decrypt(blob, tokenAadV0(column, row.ref)), tokenAad(column, row));
      let sealed;
      try {
        sealed = [reseal('access_token', row.access_token), row.refresh_token ? reseal('refresh_token', row.refresh_token) : null];
      } catch {
        continue; // did not decrypt under version 0 either (tampered): left as it is, refused when read
      }
      update.run(...sealed, row.id);
    }
    db.pragma('user_version = 1');
  }).immediate();
}
