/**
 * A database written by the previous version of the backend (its schema, tokens encrypted with the
 * associated data of that version: table, column and row reference, but no customer id, and a claim its
 * crash left): the new backend takes it over at start, re-encrypting the tokens with the new associated
 * data, and every session in it keeps working.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { loadServerModule } from './helpers';
import { KEY, closeWorlds, codeFor, count, dbFiles, makeWorld, me, session } from './world';

afterEach(closeWorlds);

/** The schema of the previous version, as it created it. */
const LEGACY_SCHEMA = `
CREATE TABLE customer_tokens (
  id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, customer_id TEXT UNIQUE, scopes TEXT NOT NULL,
  access_token BLOB NOT NULL, access_expires_at INTEGER NOT NULL, refresh_token BLOB, refresh_expires_at INTEGER,
  key_id TEXT NOT NULL, reauth_required INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, token_id INTEGER NOT NULL REFERENCES customer_tokens(id) ON DELETE CASCADE,
  scopes TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);
CREATE TABLE exchanged_codes (
  code_hash TEXT PRIMARY KEY, state TEXT NOT NULL CHECK (state IN ('pending', 'done')), session_id BLOB, key_id TEXT,
  claimed_at INTEGER NOT NULL, done_at INTEGER
);
`;

it('a database of the previous version: tokens re-encrypted at start, sessions and replays keep working, crash claims cleared', async () => {
  const world = await makeWorld();
  await world.backend.close();
  for (const file of dbFiles(world)) fs.rmSync(file, { force: true });

  // The previous version's database: one customer with live tokens, a session, a claim left by a crash.
  const crypto = await loadServerModule('token-crypto.mjs');
  const cipher = crypto.createTokenCipher(crypto.parseTokenKey(KEY));
  const sha = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');
  const t = world.clock.now();
  const ref = randomBytes(16).toString('hex');
  const sessionId = randomBytes(32).toString('base64url');
  const accessToken = `2810100${randomBytes(20).toString('hex').toUpperCase()}`;
  const legacy = new Database(world.dbPath);
  legacy.exec(LEGACY_SCHEMA);
  legacy.prepare(
    `INSERT INTO customer_tokens (ref, customer_id, scopes, access_token, access_expires_at, refresh_token, refresh_expires_at, key_id, created_at, updated_at)
     VALUES (?, 'LEGACY', '["auth_base"]', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(ref, cipher.encrypt(accessToken, `customer_tokens.access_token:${ref}`), t + 3600_000, cipher.encrypt('R1', `customer_tokens.refresh_token:${ref}`), t + 7200_000, cipher.keyId, t, t);
  legacy.prepare('INSERT INTO sessions VALUES (?, 1, ?, ?, ?)').run(sha(sessionId), '["auth_base"]', t, t + 3600_000);
  legacy.prepare("INSERT INTO exchanged_codes (code_hash, state, claimed_at) VALUES (?, 'pending', ?)").run(sha('crashed-code'), t);
  legacy.close();

  await world.startBackend();
  expect((await me(world, sessionId)).json).toMatchObject({ customerId: 'LEGACY', scopes: ['auth_base'] });
  expect(await world.backend.accessTokenFor(sessionId)).toBe(accessToken);
  expect(count(world, 'exchanged_codes')).toBe(0);
  // Written in the new form: the old associated data no longer opens the row.
  const row = world.backend.db.prepare("SELECT access_token FROM customer_tokens WHERE customer_id = 'LEGACY'").get();
  expect(() => cipher.decrypt(row.access_token, `customer_tokens.access_token:${ref}`)).toThrow();

  // New exchanges work next to it, and a restart changes nothing.
  const key = randomUUID();
  const code = codeFor(world);
  const opened = await session(world, code, ['auth_base'], key);
  expect(opened.status).toBe(200);
  await world.backend.close();
  await world.startBackend();
  expect(await world.backend.accessTokenFor(sessionId)).toBe(accessToken);
  expect((await session(world, code, ['auth_base'], key)).json).toEqual(opened.json);
});
