/**
 * The merchant backend's SQLite store (better-sqlite3, WAL; schema and migrations in store-schema.mjs).
 *
 * What is kept, and in which form:
 * - `customer_tokens`: one row per wallet customer: the wallet's access and refresh tokens, each
 *   AES-256-GCM encrypted (see token-crypto.mjs) with the key id next to them, the scopes granted so far.
 * - `sessions`: the backend's own sessions, keyed by the SHA-256 of the session id (a copy of the
 *   database does not yield usable session ids).
 * - `exchanged_codes`: the SHA-256 of every auth code exchanged (never the code), with the session it
 *   produced (encrypted) and the SHA-256 of the Idempotency-Key it came with, so that the same request
 *   sent again gets the same session without a second exchange. A `pending` row is the claim of an
 *   exchange under way, with its owner (claim-owner.mjs).
 * - `refused_codes`: the SHA-256 of codes the wallet refused, with its answer.
 *
 * Every transaction that writes takes the write lock at its start (`BEGIN IMMEDIATE`): a transaction
 * that reads first and writes later fails (SQLITE_BUSY_SNAPSHOT) when another process wrote in between,
 * and for an exchange that is after the wallet consumed the code.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase, tokenAad } from './store-schema.mjs';

export { tokenAad } from './store-schema.mjs';

/** A stored token that does not decrypt: tampered with, moved to another row, or another key. */
class StoredTokenError extends Error {
  constructor() {
    super('a stored token does not decrypt for its row (tampered with or moved)');
    this.name = 'StoredTokenError';
    this.code = 'TOKEN_UNREADABLE';
  }
}

/**
 * @typedef {import('miniapp-auth-kit/server').TokenGrant} TokenGrant
 * @typedef {import('./store-schema.mjs').Cipher} Cipher
 * @typedef {{
 *   tokenId: number, customerId: string | null, scopes: string[], expiresAt: number,
 *   accessExpiresAt: number, refreshExpiresAt: number | null, reauthRequired: boolean,
 * }} SessionRecord
 * @typedef {{
 *   state: 'pending' | 'done', sessionId: string | null, idemHash: string | null, owner: string | null,
 *   claimedAt: number, doneAt: number | null,
 * }} CodeRecord
 * @typedef {{ ref: string, customer_id: string | null, scopes: string, access_token: Buffer, refresh_token: Buffer | null }} TokenRow
 */

/**
 * @param {string} dbPath a file, or ':memory:'
 * @param {Cipher} cipher
 */
export function openMerchantStore(dbPath, cipher) {
  const db = openDatabase(dbPath, cipher);
  const q = prepareStatements(db);

  /** @param {{ ref: string, customer_id: string | null }} row @param {TokenGrant} grant */
  function encryptGrant(row, grant) {
    return {
      access: cipher.encrypt(grant.accessToken, tokenAad('access_token', row)),
      accessExpiresAt: grant.accessTokenExpiresAt,
      refresh: grant.refreshToken === null ? null : cipher.encrypt(grant.refreshToken, tokenAad('refresh_token', row)),
      refreshExpiresAt: grant.refreshTokenExpiresAt,
      keyId: cipher.keyId,
    };
  }

  /** @param {number} tokenId @returns {TokenRow} */
  function tokenRow(tokenId) {
    const row = /** @type {TokenRow | undefined} */ (q.tokenRow.get(tokenId));
    if (!row) throw new Error('token row vanished');
    return row;
  }

  /** @param {TokenRow} row @param {'access_token' | 'refresh_token'} column @param {Buffer} blob */
  function decryptToken(row, column, blob) {
    try {
      return cipher.decrypt(blob, tokenAad(column, row));
    } catch {
      throw new StoredTokenError();
    }
  }

  const completeExchange = db.transaction(
    /**
     * Stores the tokens of one exchange, opens a session and marks the code done, atomically.
     * @param {{ codeHash: string, idemHash: string | null, grant: TokenGrant, scopes: string[], sessionId: string, sessionIdHash: string, sessionExpiresAt: number, t: number }} p
     * @returns {{ scopes: string[] }}
     */
    (p) => {
      const customerId = p.grant.customerId;
      const existing = customerId === null ? undefined : /** @type {{ id: number, ref: string, scopes: string } | undefined} */ (q.tokenByCustomer.get(customerId));
      const scopes = [...new Set([...(existing ? JSON.parse(existing.scopes) : []), ...p.scopes])];
      let tokenId;
      if (existing) {
        q.updateTokens.run({ id: existing.id, scopes: JSON.stringify(scopes), t: p.t, ...encryptGrant({ ref: existing.ref, customer_id: customerId }, p.grant) });
        tokenId = existing.id;
      } else {
        const ref = randomBytes(16).toString('hex');
        const info = q.insertTokens.run({ ref, customerId, scopes: JSON.stringify(scopes), t: p.t, ...encryptGrant({ ref, customer_id: customerId }, p.grant) });
        tokenId = Number(info.lastInsertRowid);
      }
      q.insertSession.run(p.sessionIdHash, tokenId, JSON.stringify(scopes), p.t, p.sessionExpiresAt);
      q.finishCode.run({ codeHash: p.codeHash, session: cipher.encrypt(p.sessionId, `exchanged_codes.session_id:${p.codeHash}`), keyId: cipher.keyId, t: p.t, idemHash: p.idemHash });
      return { scopes };
    },
  );

  const replaceTokens = db.transaction(
    /** @param {number} tokenId @param {TokenGrant} grant @param {number} t */
    (tokenId, grant, t) => {
      const row = tokenRow(tokenId);
      q.updateTokens.run({ id: tokenId, scopes: row.scopes, t, ...encryptGrant(row, grant) });
    },
  );

  const refuseCode = db.transaction(
    /** @param {string} codeHash @param {string} resultCode @param {number} t @param {string} owner */
    (codeHash, resultCode, t, owner) => {
      q.refuseCode.run(codeHash, resultCode, t);
      q.releaseCode.run(codeHash, owner);
    },
  );

  return {
    db,
    /** @type {(p: Parameters<typeof completeExchange>[0]) => { scopes: string[] }} */
    completeExchange: (p) => completeExchange.immediate(p),
    /** @param {string} codeHash @returns {CodeRecord | undefined} */
    findCode(codeHash) {
      const row = /** @type {any} */ (q.findCode.get(codeHash));
      if (!row) return undefined;
      const sessionId = row.session_id ? cipher.decrypt(row.session_id, `exchanged_codes.session_id:${codeHash}`) : null;
      return { state: row.state, sessionId, idemHash: row.idem_hash, owner: row.owner, claimedAt: row.claimed_at, doneAt: row.done_at };
    },
    /** @returns {boolean} false when the code is claimed (or done) already */
    claimCode: (/** @type {string} */ codeHash, /** @type {number} */ t, /** @type {string | null} */ idemHash, /** @type {string} */ owner) =>
      q.claimCode.run(codeHash, t, idemHash, owner).changes === 1,
    /** Drops `owner`'s claim on the code (not a claim another owner made since). */
    releaseCode: (/** @type {string} */ codeHash, /** @type {string | null} */ owner) => void q.releaseCode.run(codeHash, owner),
    /** Drops every pending claim whose owner `isGone`. */
    clearClaimsOf(/** @type {(owner: string | null) => boolean} */ isGone) {
      for (const { owner } of /** @type {{ owner: string | null }[]} */ (q.claimOwners.all())) if (isGone(owner)) q.releaseOwner.run(owner);
    },
    /** @param {string} codeHash @returns {string | undefined} the wallet's answer when it refused the code */
    findRefusal: (codeHash) => /** @type {{ result_code: string } | undefined} */ (q.findRefusal.get(codeHash))?.result_code,
    /** Remembers that the wallet refused the code, and drops `owner`'s claim on it. */
    refuseCode: (/** @type {string} */ codeHash, /** @type {string} */ resultCode, /** @type {number} */ t, /** @type {string} */ owner) =>
      refuseCode.immediate(codeHash, resultCode, t, owner),
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
    /**
     * @param {number} tokenId
     * @returns {{ accessToken: string, refreshToken: string | null }} throws StoredTokenError for a row that was tampered with
     */
    readTokens(tokenId) {
      const row = tokenRow(tokenId);
      return {
        accessToken: decryptToken(row, 'access_token', row.access_token),
        refreshToken: row.refresh_token ? decryptToken(row, 'refresh_token', row.refresh_token) : null,
      };
    },
    /** Replaces the tokens after a refresh (the wallet rotates both). @type {(tokenId: number, grant: TokenGrant, t: number) => void} */
    replaceTokens: (tokenId, grant, t) => replaceTokens.immediate(tokenId, grant, t),
    markReauth: (/** @type {number} */ tokenId) => void q.markReauth.run(tokenId),
    deleteSession: (/** @type {string} */ sessionIdHash) => q.deleteSession.run(sessionIdHash).changes === 1,
    /** Drops expired sessions, and code records (exchanged or refused) older than `codeRetentionMs`. */
    prune(/** @type {number} */ t, /** @type {number} */ codeRetentionMs) {
      q.pruneSessions.run(t);
      q.pruneCodes.run(t - codeRetentionMs);
      q.pruneRefusals.run(t - codeRetentionMs);
    },
    close: () => db.close(),
  };
}

/** The store's statements, prepared once. @param {import('better-sqlite3').Database} db */
function prepareStatements(db) {
  return {
    findCode: db.prepare('SELECT state, session_id, idem_hash, owner, claimed_at, done_at FROM exchanged_codes WHERE code_hash = ?'),
    claimCode: db.prepare("INSERT OR IGNORE INTO exchanged_codes (code_hash, state, claimed_at, idem_hash, owner) VALUES (?, 'pending', ?, ?, ?)"),
    releaseCode: db.prepare("DELETE FROM exchanged_codes WHERE code_hash = ? AND state = 'pending' AND owner IS ?"),
    claimOwners: db.prepare("SELECT DISTINCT owner FROM exchanged_codes WHERE state = 'pending'"),
    releaseOwner: db.prepare("DELETE FROM exchanged_codes WHERE state = 'pending' AND owner IS ?"),
    // Upsert: the done record lands even when the claim was cleared meanwhile (its owner taken for dead).
    finishCode: db.prepare(
      `INSERT INTO exchanged_codes (code_hash, state, session_id, key_id, claimed_at, done_at, idem_hash) VALUES (@codeHash, 'done', @session, @keyId, @t, @t, @idemHash)
       ON CONFLICT (code_hash) DO UPDATE SET state = 'done', session_id = @session, key_id = @keyId, done_at = @t, idem_hash = @idemHash, owner = NULL`,
    ),
    findRefusal: db.prepare('SELECT result_code FROM refused_codes WHERE code_hash = ?'),
    refuseCode: db.prepare('INSERT OR REPLACE INTO refused_codes (code_hash, result_code, refused_at) VALUES (?, ?, ?)'),
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
    tokenRow: db.prepare('SELECT ref, customer_id, scopes, access_token, refresh_token FROM customer_tokens WHERE id = ?'),
    markReauth: db.prepare('UPDATE customer_tokens SET reauth_required = 1 WHERE id = ?'),
    insertSession: db.prepare('INSERT INTO sessions (id_hash, token_id, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    findSession: db.prepare(
      `SELECT s.token_id, s.scopes, s.expires_at, t.customer_id, t.access_expires_at, t.refresh_expires_at, t.reauth_required
       FROM sessions s JOIN customer_tokens t ON t.id = s.token_id WHERE s.id_hash = ? AND s.expires_at > ?`,
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    pruneSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    pruneCodes: db.prepare("DELETE FROM exchanged_codes WHERE state = 'done' AND done_at < ?"),
    pruneRefusals: db.prepare('DELETE FROM refused_codes WHERE refused_at < ?'),
  };
}
