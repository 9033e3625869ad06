/**
 * What the store keeps: no auth code, session id, idempotency key or token in plain text, in a real
 * SQLite file (0600); tokens sealed under a key id per row (old keys still open old rows, rows move to
 * the current key as they change) and bound to their row's client and customer.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteStore } from '../../server/store/sqlite';
import { createAuthServer } from '../../server/auth/server';
import { testAuth } from './support/auth';
import { createFakeWallet, newTokenKey } from './support/fake-wallet';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mak-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a copy of the database yields no code, key, session id or token: only hashes and sealed values; the files are 0600', async () => {
  const filename = join(dir, 'auth.sqlite');
  const wallet = createFakeWallet();
  const issued: string[] = [];
  const applyToken = wallet.client.applyToken.bind(wallet.client);
  wallet.client.applyToken = async (request, options) => {
    const grant = await applyToken(request, options);
    issued.push(grant.accessToken, grant.refreshToken as string);
    return grant;
  };
  const t = testAuth({ store: sqliteStore({ filename }) }, wallet);
  const code = wallet.issueCode('customer-42');
  const key = 'idem-key-visible-0123456789';
  const { sessionId } = (await t.post(code, key)).body;
  wallet.expireAccessTokens();
  expect((await t.me(sessionId)).status).toBe(200); // a refresh: the rotated tokens are stored too
  await t.auth.close();
  const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f)))).toString('latin1');
  for (const secret of [code, key, sessionId, ...issued]) expect(bytes.includes(secret)).toBe(false);
  expect(issued).toHaveLength(4);
  for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
});

it('key rotation: rows sealed under an old key still open; a change reseals them under the current key; a key that is gone fails clearly', async () => {
  const filename = join(dir, 'auth.sqlite');
  const [k1, k2] = [newTokenKey(), newTokenKey()];
  const wallet = createFakeWallet();
  const errors: string[] = [];
  const serverWith = (keys: { current: string; keys: Record<string, string> }) =>
    testAuth({ store: sqliteStore({ filename }), tokenKeys: keys, logger: { warn() {}, error: (m) => errors.push(m) } }, wallet);
  const first = serverWith({ current: 'k1', keys: { k1 } });
  const { sessionId } = (await first.post(wallet.issueCode(), 'a')).body;
  await first.auth.close();
  const keyIds = () => new Database(filename, { readonly: true }).prepare('SELECT key_id, access_token FROM mak_grants').all() as { key_id: string; access_token: string }[];
  expect(keyIds().map((r) => [r.key_id, r.access_token.split('.')[0]])).toEqual([['k1', 'k1']]);

  const rotated = serverWith({ current: 'k2', keys: { k1, k2 } });
  expect((await rotated.me(sessionId)).status).toBe(200);
  wallet.expireAccessTokens();
  expect((await rotated.me(sessionId)).status).toBe(200);
  await rotated.auth.close();
  expect(keyIds().map((r) => r.key_id)).toEqual(['k2']);

  const withoutK2 = serverWith({ current: 'k1', keys: { k1 } });
  expect((await withoutK2.me(sessionId)).body.error.code).toBe('BACKEND_ERROR');
  expect(errors.join('\n')).toMatch(/key id "k2" is not in tokenKeys/);
  await withoutK2.auth.close();
});

it('a token moved to another customer\'s row does not open', async () => {
  const filename = join(dir, 'auth.sqlite');
  const t = testAuth({ store: sqliteStore({ filename }) });
  const alice = (await t.post(t.wallet.issueCode('alice'), 'a')).body.sessionId;
  await t.post(t.wallet.issueCode('bob'), 'b');
  const db = new Database(filename);
  const bob = db.prepare(`SELECT access_token FROM mak_grants WHERE customer_id = 'bob'`).get() as { access_token: string };
  db.prepare(`UPDATE mak_grants SET access_token = ? WHERE customer_id = 'alice'`).run(bob.access_token);
  db.close();
  expect((await t.me(alice)).status).toBe(500);
  expect(t.wallet.count('inquiryUserInfo')).toBe(0);
  await t.auth.close();
});

describe('options are checked, bounded both ways, with errors that name them', () => {
  const wallet = createFakeWallet().client;
  const tokenKeys = { current: 'k1', keys: { k1: newTokenKey() } };
  it.each([
    [{ walletTimeoutMs: 3e9 }, /walletTimeoutMs must be a number from 100 to 120000/],
    [{ walletTimeoutMs: 0 }, /walletTimeoutMs/],
    [{ sessionTtlMs: 1000 }, /sessionTtlMs must be a number from 60000/],
    [{ replayWindowMs: Infinity }, /replayWindowMs/],
    [{ attemptLimit: { perClient: 0 } }, /attemptLimit.perClient must be an integer from 1/],
    [{ basePath: '/api/auth/' }, /basePath/],
    [{ tokenKeys: { current: 'k1', keys: { k1: Buffer.alloc(32).toString('base64') } } }, /tokenKeys.keys.k1 is not random/],
    [{ tokenKeys: { current: 'k1', keys: { k1: 'c2hvcnQ=' } } }, /tokenKeys.keys.k1 must be 32 bytes/],
    [{ tokenKeys: { current: 'k9', keys: { k1: newTokenKey() } } }, /tokenKeys.current must name one of tokenKeys.keys/],
    [{ wallet: {} }, /wallet must be a WalletClient/],
    [{ store: { init() {} } }, /store must be an AuthStore/],
    [{ trustProxy: 'yes' }, /trustProxy must be/],
    [{ logger: {} }, /logger must have warn\(\) and error\(\)/],
  ])('%j', (bad, message) => {
    expect(() => createAuthServer({ wallet, tokenKeys, logger: null, ...(bad as object) })).toThrow(TypeError);
    expect(() => createAuthServer({ wallet, tokenKeys, logger: null, ...(bad as object) })).toThrow(message);
  });
  it('a key never appears in an error', () => {
    const key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    expect(() => createAuthServer({ wallet, tokenKeys: { current: 'k1', keys: { k1: key } } })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(key) }));
  });
});
