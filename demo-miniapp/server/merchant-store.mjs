/**
 * The merchant backend's SQLite store (better-sqlite3, WAL).
 *
 * What is kept, and in which form:
 * - `customer_tokens`: one row per wallet customer: the wallet's access and refresh tokens, each
 *   AES-256-GCM encrypted (see token-crypto.mjs) with the key id next to them, the scopes granted so far.
 * - `sessions`: the backend's own sessions, keyed by the SHA-256 of the session id (a copy of the
 *   database does not yield usable session ids).
 * - `exchanged_codes`: the SHA-256 of every auth code exchanged (never the code), with the session it
 *   produced (encrypted) so that the same code sent again gets the same session without a second
 *   exchange. A `pending` row is the claim of an exchange under way.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS customer_tokens (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL UNIQUE,               -- random; binds the ciphertexts to this row (AES-GCM AAD)
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

export class TokenKeyMismatchError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'TokenKeyMismatchError';
    this.code = 'TOKEN_KEY_MISMATCH';
  }
}

/**
 * @typedef {import('./openapi-client.mjs').TokenGrant} TokenGrant
 * @typedef {{ keyId: string, encrypt(plaintext: string, aad: string): Buffer, decrypt(blob: Uint8Array, aad: string): string }} Cipher
 * @typedef {{
 *   tokenId: number, customerId: string | null, scopes: string[], expiresAt: number,
 *   accessExpiresAt: number, refreshExpiresAt: number | null, reauthRequired: boolean,
 * }} SessionRecord
 */

/**
 * @param {string} dbPath a file, or ':memory:'
 * @param {Cipher} cipher
 */
export function openMerchantStore(dbPath, cipher) {
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    const other = db
      .prepare('SELECT key_id FROM customer_tokens WHERE key_id <> ? UNION SELECT key_id FROM exchanged_codes WHERE key_id <> ? LIMIT 1')
      .get(cipher.keyId, cipher.keyId);
    if (other) {
      throw new TokenKeyMismatchError(
        `The token encryption key (id ${cipher.keyId}) is not the key the stored tokens were encrypted with ` +
          `(id ${/** @type {{ key_id: string }} */ (other).key_id}). Start with the right MERCHANT_TOKEN_KEY, or use a new database.`,
      );
    }
  } catch (error) {
    db.close();
    throw error;
  }

  const q = {
    findCode: db.prepare('SELECT state, session_id, claimed_at, done_at FROM exchanged_codes WHERE code_hash = ?'),
    claimCode: db.prepare("INSERT OR IGNORE INTO exchanged_codes (code_hash, state, claimed_at) VALUES (?, 'pending', ?)"),
    releaseCode: db.prepare("DELETE FROM exchanged_codes WHERE code_hash = ? AND state = 'pending'"),
    finishCode: db.prepare("UPDATE exchanged_codes SET state = 'done', session_id = ?, key_id = ?, done_at = ? WHERE code_hash = ?"),
    tokenByCustomer: db.prepare('SELECT id, ref, scopes FROM customer_tokens WHERE customer_id = ?'),
    insertTokens: db.prepare(
      `INSERT INTO customer_tokens (ref, customer_id, scopes, access_token, access_expires_at, refresh_token, refresh_expires_at, key_id, created_at, updated_at)
       VALUES (@ref, @customerId, @scopes, @access, @accessExpiresAt, @refresh, @refreshExpiresAt, @keyId, @t, @t)`,
    ),
    updateTokens: db.prepare(
      `UPDATE customer_tokens SET scopes = @scopes, access_token = @access, access_expires_at = @accessExpiresAt,
         refresh_token = @refresh, refresh_expires_at = @refreshExpiresAt, key_id = @keyId, reauth_required = 0, updated_at = @t
       WHERE id = @id`,
    ),
    tokenRow: db.prepare('SELECT ref, scopes, access_token, refresh_token FROM customer_tokens WHERE id = ?'),
    markReauth: db.prepare('UPDATE customer_tokens SET reauth_required = 1 WHERE id = ?'),
    insertSession: db.prepare('INSERT INTO sessions (id_hash, token_id, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    findSession: db.prepare(
      `SELECT s.token_id, s.scopes, s.expires_at, t.customer_id, t.access_expires_at, t.refresh_expires_at, t.reauth_required
       FROM sessions s JOIN customer_tokens t ON t.id = s.token_id WHERE s.id_hash = ? AND s.expires_at > ?`,
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    pruneSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    pruneCodes: db.prepare("DELETE FROM exchanged_codes WHERE state = 'done' AND done_at < ?"),
  };

  /** @param {string} ref @param {TokenGrant} grant */
  function encryptGrant(ref, grant) {
    return {
      access: cipher.encrypt(grant.accessToken, `customer_tokens.access_token:${ref}`),
      accessExpiresAt: grant.accessTokenExpiresAt,
      refresh: grant.refreshToken === null ? null : cipher.encrypt(grant.refreshToken, `customer_tokens.refresh_token:${ref}`),
      refreshExpiresAt: grant.refreshTokenExpiresAt,
      keyId: cipher.keyId,
    };
  }

  /** @param {number} tokenId */
  function tokenRow(tokenId) {
    const row = /** @type {{ ref: string, scopes: string, access_token: Buffer, refresh_token: Buffer | null } | undefined} */ (q.tokenRow.get(tokenId));
    if (!row) throw new Error('token row vanished');
    return row;
  }

  const completeExchange = db.transaction(
    /**
     * Stores the tokens of one exchange, opens a session and marks the code done, atomically.
     * @param {{ codeHash: string, grant: TokenGrant, scopes: string[], sessionId: string, sessionIdHash: string, sessionExpiresAt: number, t: number }} p
     * @returns {{ scopes: string[] }}
     */
    (p) => {
      const existing = p.grant.customerId === null ? undefined : /** @type {{ id: number, ref: string, scopes: string } | undefined} */ (q.tokenByCustomer.get(p.grant.customerId));
      const scopes = [...new Set([...(existing ? JSON.parse(existing.scopes) : []), ...p.scopes])];
      let tokenId;
      if (existing) {
        q.updateTokens.run({ id: existing.id, scopes: JSON.stringify(scopes), t: p.t, ...encryptGrant(existing.ref, p.grant) });
        tokenId = existing.id;
      } else {
        const ref = randomBytes(16).toString('hex');
        const info = q.insertTokens.run({ ref, customerId: p.grant.customerId, scopes: JSON.stringify(scopes), t: p.t, ...encryptGrant(ref, p.grant) });
        tokenId = Number(info.lastInsertRowid);
      }
      q.insertSession.run(p.sessionIdHash, tokenId, JSON.stringify(scopes), p.t, p.sessionExpiresAt);
      q.finishCode.run(cipher.encrypt(p.sessionId, `exchanged_codes.session_id:${p.codeHash}`), cipher.keyId, p.t, p.codeHash);
      return { scopes };
    },
  );

  return {
    db,
    completeExchange,
    /**
     * @param {string} codeHash
     * @returns {{ state: 'pending' | 'done', sessionId: string | null, claimedAt: number, doneAt: number | null } | undefined}
     */
    findCode(codeHash) {
      const row = /** @type {{ state: 'pending' | 'done', session_id: Buffer | null, claimed_at: number, done_at: number | null } | undefined} */ (q.findCode.get(codeHash));
      if (!row) return undefined;
      const sessionId = row.session_id ? cipher.decrypt(row.session_id, `exchanged_codes.session_id:${codeHash}`) : null;
      return { state: row.state, sessionId, claimedAt: row.claimed_at, doneAt: row.done_at };
    },
    /** @returns {boolean} false when the code is claimed already */
    claimCode: (/** @type {string} */ codeHash, /** @type {number} */ t) => q.claimCode.run(codeHash, t).changes === 1,
    releaseCode: (/** @type {string} */ codeHash) => void q.releaseCode.run(codeHash),
    /**
     * @param {string} sessionIdHash @param {number} t
     * @returns {SessionRecord | undefined} undefined when unknown or expired
     */
    findSession(sessionIdHash, t) {
      const row = /** @type {any} */ (q.findSession.get(sessionIdHash, t));
      if (!row) return undefined;
      return {
        tokenId: row.token_id,
        customerId: row.customer_id,
        scopes: JSON.parse(row.scopes),
        expiresAt: row.expires_at,
        accessExpiresAt: row.access_expires_at,
        refreshExpiresAt: row.refresh_expires_at,
        reauthRequired: row.reauth_required === 1,
      };
    },
    /** @param {number} tokenId @returns {{ accessToken: string, refreshToken: string | null }} */
    readTokens(tokenId) {
      const row = tokenRow(tokenId);
      return {
        accessToken: cipher.decrypt(row.access_token, `customer_tokens.access_token:${row.ref}`),
        refreshToken: row.refresh_token ? cipher.decrypt(row.refresh_token, `customer_tokens.refresh_token:${row.ref}`) : null,
      };
    },
    /** Replaces the tokens after a refresh (the wallet rotates both). @param {number} tokenId @param {TokenGrant} grant @param {number} t */
    replaceTokens(tokenId, grant, t) {
      const row = tokenRow(tokenId);
      q.updateTokens.run({ id: tokenId, scopes: row.scopes, t, ...encryptGrant(row.ref, grant) });
    },
    markReauth: (/** @type {number} */ tokenId) => void q.markReauth.run(tokenId),
    deleteSession: (/** @type {string} */ sessionIdHash) => q.deleteSession.run(sessionIdHash).changes === 1,
    /** Drops expired sessions and code records older than `codeRetentionMs`. */
    prune(/** @type {number} */ t, /** @type {number} */ codeRetentionMs) {
      q.pruneSessions.run(t);
      q.pruneCodes.run(t - codeRetentionMs);
    },
    close: () => db.close(),
  };
}
