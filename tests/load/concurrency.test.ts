/**
 * The demo's backend (createAuthServer on sqliteStore) under concurrent load, on 127.0.0.1: hundreds of
 * miniapp sessions signing in at once through the kit (wallet simulator → /sim/codes → authorizer →
 * httpSubmitter → /api/auth/session → signed applyToken against the wallet OpenAPI simulator → SQLite),
 * and the same code sent many times at once. Checked afterwards against the wallet's counters, the
 * database itself and the auth server's own reading of every stored token.
 */
import { randomUUID } from 'node:crypto';
import {
  assertLoopback, authorizeWithRetry, codeHash, errorTally, figures, loadServerModule, me, miniappSession, mintCode, pool, postSession, readDb, removeDir, report, sessionHash,
  tempDir,
} from './load-helpers';
import type { Outcome, SessionData } from './load-helpers';

jest.setTimeout(60_000);

const SESSIONS = 240;
const CUSTOMERS = 120; // two sessions per customer: the shared token row is updated concurrently too

let demo: any;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('load-concurrency-');
  const servers = await loadServerModule('start-servers.mjs');
  // Every client here is 127.0.0.1: the per-address attempt limit is not what this measures.
  demo = await servers.startServers({ dataDir, env: {}, logger: null, authOptions: { attemptLimit: null } });
  assertLoopback(demo.url);
});

afterAll(async () => {
  await demo?.close();
  if (dataDir) removeDir(dataDir);
});

it(`${SESSIONS} concurrent miniapp sessions all complete the exchange, each once, none lost or duplicated`, async () => {
  const before = { ...demo.wallet.stats };
  const dbBefore = readDb(demo.dbPath);
  const sessions = Array.from({ length: SESSIONS }, (_, i) =>
    miniappSession(() => demo.url, i, {
      customerId: `load-${i % CUSTOMERS}`,
      // Half ask for a consent scope too (the wallet simulator's user allows; the kit prompts on a gesture).
      scopes: i % 2 === 0 ? ['auth_base'] : ['auth_base', 'auth_user'],
    }),
  );

  const started = performance.now();
  const outcomes: Outcome[] = await Promise.all(sessions.map((s) => authorizeWithRetry(s)));
  const elapsed = performance.now() - started;
  figures(`${SESSIONS} concurrent sessions (one process: clients, backend and wallet)`, outcomes, elapsed, { errors: errorTally(outcomes) });

  // Every authorize resolved, on the first try, with one code, and a distinct session id.
  expect(errorTally(outcomes)).toEqual({});
  expect(outcomes.every((o) => o.data !== null && o.attempts === 1)).toBe(true);
  expect(sessions.every((s) => s.codes.length === 1)).toBe(true);
  const ids = outcomes.map((o) => (o.data as SessionData).sessionId);
  expect(new Set(ids).size).toBe(SESSIONS);
  for (const o of outcomes) {
    expect(o.data).toMatchObject({ customerId: o.session.customerId });
    expect((o.data as SessionData).scopes).toEqual(expect.arrayContaining(o.session.scopes));
    // The kit's own view of the session is the backend's answer.
    expect(o.session.authorizer.session()?.data).toEqual(o.data);
  }

  // The wallet exchanged each code exactly once: as many AUTHORIZATION_CODE calls as codes, and every
  // code got its session (pigeonhole), with no fault and no refresh.
  const codes = sessions.flatMap((s) => s.codes);
  expect(new Set(codes).size).toBe(SESSIONS);
  expect(demo.wallet.stats.codesIssued - before.codesIssued).toBe(SESSIONS);
  expect(demo.wallet.stats.authorizationCode - before.authorizationCode).toBe(SESSIONS);
  expect(demo.wallet.stats.applyToken - before.applyToken).toBe(SESSIONS);
  expect(demo.wallet.stats.refreshToken - before.refreshToken).toBe(0);

  // The database holds exactly these sessions, one done code record per code, no claim left pending,
  // one grant row per customer; every stored access token opens (the auth server reads it back).
  const db = readDb(demo.dbPath);
  const newSessions = [...db.sessions].filter((h) => !dbBefore.sessions.has(h));
  expect(new Set(newSessions)).toEqual(new Set(ids.map(sessionHash)));
  expect([...db.codesDone].filter((h) => !dbBefore.codesDone.has(h)).sort()).toEqual(codes.map(codeHash).sort());
  expect(db.codesPending.size).toBe(0);
  expect(db.grantRows).toBe(CUSTOMERS);
  const opened = await pool(ids, 32, (id) => demo.auth.withAccessToken(id, async (token: string) => token.length > 0));
  expect(opened.every(Boolean)).toBe(true);
  // Both sessions of a customer point at the customer's one grant row.
  const grantOf = new Map<string, number>();
  for (const o of outcomes) {
    const row = db.sessionsByHash.get(sessionHash((o.data as SessionData).sessionId));
    expect(row).toBeDefined();
    const known = grantOf.get(o.session.customerId);
    if (known === undefined) grantOf.set(o.session.customerId, (row as { grantId: number }).grantId);
    else expect(row?.grantId).toBe(known);
  }

  // And each session works: GET /api/auth/me answers with the right customer, without a refresh.
  const meStarted = performance.now();
  const profiles = await pool(outcomes, 64, (o) => me(demo.url, (o.data as SessionData).sessionId));
  report(`[load] GET /api/auth/me for ${profiles.length} sessions (64 at a time): ${(performance.now() - meStarted).toFixed(0)} ms`);
  profiles.forEach((p, i) => {
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ customerId: (outcomes[i] as Outcome).session.customerId });
  });
  expect(demo.wallet.stats.refreshToken - before.refreshToken).toBe(0);
});

it('the same code sent twice at once, and 20 times at once, with its Idempotency-Key is exchanged once: every answer is the same session', async () => {
  for (const copies of [2, 20]) {
    const before = demo.wallet.stats.authorizationCode;
    const dbBefore = readDb(demo.dbPath);
    const code = await mintCode(demo.url, `dup-${copies}`);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: copies }, () => postSession(demo.url, code, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(copies).fill(200));
    expect(new Set(answers.map((a) => a.body.sessionId)).size).toBe(1);
    for (const a of answers) expect(a.body).toEqual(answers[0]?.body);
    expect(demo.wallet.stats.authorizationCode - before).toBe(1);
    const db = readDb(demo.dbPath);
    expect([...db.sessions].filter((h) => !dbBefore.sessions.has(h))).toEqual([sessionHash(answers[0]?.body.sessionId)]);
    expect(db.codesDone.has(codeHash(code))).toBe(true);
    // Sent again later (within the replay window): still that session, still no second exchange.
    expect((await postSession(demo.url, code, key)).body).toEqual(answers[0]?.body);
    expect(demo.wallet.stats.authorizationCode - before).toBe(1);
  }

  // Many codes, each sent 20 times with its key, all at once: 60 codes → 1 200 requests → 60 exchanges, 60 sessions.
  const CODES = 60;
  const COPIES = 20;
  const before = demo.wallet.stats.authorizationCode;
  const dbBefore = readDb(demo.dbPath);
  const codes = await Promise.all(Array.from({ length: CODES }, (_, i) => mintCode(demo.url, `burst-${i}`)));
  const keys = codes.map(() => randomUUID());
  const started = performance.now();
  const answers = await Promise.all(codes.flatMap((code, c) => Array.from({ length: COPIES }, () => postSession(demo.url, code, keys[c]))));
  const elapsed = performance.now() - started;
  report(
    `[load] ${CODES} codes × ${COPIES} copies at once: ${answers.length} answers in ${elapsed.toFixed(0)} ms ` +
      `(${((answers.length * 1000) / elapsed).toFixed(0)} requests/s), ${demo.wallet.stats.authorizationCode - before} exchanges`,
  );
  expect(answers.every((a) => a.status === 200)).toBe(true);
  for (let c = 0; c < CODES; c++) {
    const group = answers.slice(c * COPIES, (c + 1) * COPIES);
    expect(new Set(group.map((a) => a.body.sessionId)).size).toBe(1);
    expect(group[0]?.body.customerId).toBe(`burst-${c}`);
  }
  expect(new Set(answers.map((a) => a.body.sessionId)).size).toBe(CODES);
  expect(demo.wallet.stats.authorizationCode - before).toBe(CODES);
  const db = readDb(demo.dbPath);
  expect([...db.sessions].filter((h) => !dbBefore.sessions.has(h))).toHaveLength(CODES);
  expect(db.codesPending.size).toBe(0);
});
