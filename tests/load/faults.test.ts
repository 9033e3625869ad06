/**
 * The demo's backend (createAuthServer on sqliteStore) while the wallet OpenAPI simulator fails or is
 * slow for a while and then recovers, on 127.0.0.1. Miniapp sessions sign in through the kit; a session that gets a transient
 * error (BACKEND_ERROR, retryable, from the backend's 503) retries the way an application does, by
 * calling authorize again, which makes the kit get a fresh code. Afterwards: every session completed,
 * exactly once, and the database holds exactly those sessions.
 */
import * as path from 'node:path';
import { httpSubmitter } from '../../utils';
import { createAuthServer } from '../../server/auth/server';
import { sqliteStore } from '../../server/store/sqlite';
import { listen } from '../../server/adapters/listen';
import { randomUUID } from 'node:crypto';
import {
  assertLoopback, authorizeWithRetry, codeHash, errorTally, figures, loadServerModule, miniappSession, postSession, readDb, removeDir, sessionHash, sleep, tempDir,
} from './load-helpers';
import type { MiniappSession, Outcome, SessionData } from './load-helpers';

jest.setTimeout(60_000);

let demo: any;
let dataDir: string;
let serial = 0;

beforeAll(async () => {
  dataDir = tempDir('load-faults-');
  const servers = await loadServerModule('start-servers.mjs');
  // Every client here is 127.0.0.1: the per-address attempt limit is not what this measures.
  demo = await servers.startServers({ dataDir, env: {}, logger: null, authOptions: { attemptLimit: null } });
  assertLoopback(demo.url);
});

afterEach(() => {
  demo.wallet.setFault(null);
  demo.wallet.setLatency(0);
});

afterAll(async () => {
  await demo?.close();
  if (dataDir) removeDir(dataDir);
});

/** The wallet simulator's counters (deltas here); other counters may come and go with the simulator. */
interface WalletStats {
  applyToken: number;
  authorizationCode: number;
  codesIssued: number;
  faults: number;
  [counter: string]: number;
}

const RETRY = { maxAttempts: 40, retryDelayMs: 150 };

/**
 * `count` sessions arriving over `spreadMs`, each retrying transient errors until `deadline`; then the
 * checks common to every scenario. Returns the outcomes and the wallet counters' deltas.
 */
async function runAndCheck(label: string, count: number, spreadMs: number, during?: () => Promise<void>) {
  const before = { ...demo.wallet.stats };
  const dbBefore = readDb(demo.dbPath);
  const deadline = Date.now() + 40_000;
  const sessions: MiniappSession[] = Array.from({ length: count }, () => {
    const i = serial++;
    return miniappSession(() => demo.url, i, { customerId: `fault-${i}` });
  });
  const started = performance.now();
  const [outcomes] = await Promise.all([
    Promise.all(
      sessions.map(async (s, i) => {
        await sleep((spreadMs * i) / count);
        return authorizeWithRetry(s, { ...RETRY, deadline });
      }),
    ),
    during?.(),
  ]);
  const elapsed = performance.now() - started;
  const stats = Object.fromEntries(Object.keys(before).map((k) => [k, demo.wallet.stats[k] - before[k]])) as WalletStats;
  const retried = outcomes.filter((o) => o.attempts > 1).length;
  figures(label, outcomes, elapsed, { retried, attempts: outcomes.reduce((n, o) => n + o.attempts, 0), errors: errorTally(outcomes), wallet: stats });

  // None lost: every session completed (after retries), with a distinct session id.
  expect(outcomes.filter((o) => o.data === null).map((o) => o.errors)).toEqual([]);
  const ids = outcomes.map((o) => (o.data as SessionData).sessionId);
  expect(new Set(ids).size).toBe(count);
  // The only errors seen are the transient ones, which the kit marks retryable.
  for (const o of outcomes) for (const e of o.errors) expect(e).toBe('BACKEND_ERROR(retryable)');
  // One code per authorize call (a retry gets a fresh one), and only the last one of each session was
  // exchanged: faulted calls were answered before the wallet processed them.
  for (const s of sessions) expect(s.codes).toHaveLength((outcomes[sessions.indexOf(s)] as Outcome).attempts);
  expect(stats.authorizationCode).toBe(count);
  expect(stats.applyToken).toBe(count + stats.faults);

  // None duplicated: exactly these sessions were added, one per code exchanged, nothing left pending.
  const db = readDb(demo.dbPath);
  const added = [...db.sessions].filter((h) => !dbBefore.sessions.has(h));
  expect(new Set(added)).toEqual(new Set(ids.map(sessionHash)));
  const doneAdded = [...db.codesDone].filter((h) => !dbBefore.codesDone.has(h)).sort();
  expect(doneAdded).toEqual(sessions.map((s) => codeHash(s.codes[s.codes.length - 1] as string)).sort());
  expect(db.codesPending.size).toBe(0);
  return { outcomes, stats, retried };
}

it('the wallet answering U (UNKNOWN_EXCEPTION) to the next 150 applyToken calls, then recovering: 150 sessions all complete', async () => {
  demo.wallet.setFault({ type: 'UNKNOWN_EXCEPTION', times: 150 });
  const { stats, retried } = await runAndCheck('UNKNOWN_EXCEPTION ×150 then recovery', 150, 0);
  expect(stats.faults).toBe(150);
  expect(retried).toBeGreaterThan(0);
});

it('the wallet answering HTTP 500 to half its calls for 2 s, then recovering: 200 sessions arriving over 3 s all complete', async () => {
  demo.wallet.setFault({ type: 'HTTP_500', probability: 0.5 });
  const { stats, retried } = await runAndCheck('HTTP_500 p=0.5 for 2 s, arrivals over 3 s', 200, 3_000, async () => {
    await sleep(2_000);
    demo.wallet.setFault(null);
  });
  expect(stats.faults).toBeGreaterThan(10);
  expect(retried).toBeGreaterThan(0);
});

it('the wallet slow (1.5 s per call) and throttling (REQUEST_TRAFFIC_EXCEED_LIMIT, p=0.3) for 2.5 s, then recovering: 150 sessions all complete', async () => {
  demo.wallet.setLatency(1_500);
  demo.wallet.setFault({ type: 'REQUEST_TRAFFIC_EXCEED_LIMIT', probability: 0.3 });
  const { outcomes, stats } = await runAndCheck('latency 1.5 s + throttling p=0.3 for 2.5 s, arrivals over 3 s', 150, 3_000, async () => {
    await sleep(2_500);
    demo.wallet.setLatency(0);
    demo.wallet.setFault(null);
  });
  expect(stats.faults).toBeGreaterThan(0);
  // The slow phase was felt (sessions of the first 2.5 s waited ≥ 1.5 s), and the last ones were fast.
  expect(Math.max(...outcomes.map((o) => o.ms))).toBeGreaterThanOrEqual(1_400);
  expect(Math.min(...outcomes.slice(-20).map((o) => o.ms))).toBeLessThan(1_000);
});

it('a code whose exchange met a transient fault is not consumed: sent again after recovery, it opens one session', async () => {
  const before = demo.wallet.stats.authorizationCode;
  const { authCode } = demo.wallet.issueCode({ scopes: ['auth_base'], customerId: 'fault-resend' });
  const key = randomUUID();
  demo.wallet.setFault({ type: 'HTTP_500', times: 1 });
  // Two at once (one key) while failing: both get the transient error (one shared exchange), no session.
  const failed = await Promise.all([postSession(demo.url, authCode, key), postSession(demo.url, authCode, key)]);
  for (const answer of failed) expect({ status: answer.status, code: answer.body.error?.code, retryable: answer.body.error?.retryable }).toEqual({ status: 503, code: 'BACKEND_ERROR', retryable: true });
  expect(readDb(demo.dbPath).codesDone.has(codeHash(authCode))).toBe(false);
  const opened = await postSession(demo.url, authCode, key);
  expect(opened.status).toBe(200);
  expect(opened.body.customerId).toBe('fault-resend');
  expect(demo.wallet.stats.authorizationCode - before).toBe(1);
  expect(readDb(demo.dbPath).codesDone.has(codeHash(authCode))).toBe(true);
});

it('a wallet slower than the backend timeout: the exchange fails transiently, the retry with a fresh code opens exactly one session', async () => {
  // A second auth server on the same wallet with a 300 ms wallet timeout (startServers keeps 10 s).
  const keys = await loadServerModule('keys.mjs');
  const config = keys.loadDemoConfig({ dataDir, env: {} });
  const dbPath = path.join(dataDir, 'impatient.sqlite');
  const impatient = createAuthServer({
    wallet: { baseUrl: demo.url, clientId: config.clientId, privateKey: config.merchantPrivateKeyPem, walletPublicKey: config.walletPublicKeyPem },
    store: sqliteStore({ filename: dbPath }),
    tokenKeys: keys.tokenKeysOf(config.tokenKey),
    walletTimeoutMs: 300,
    attemptLimit: null,
    logger: null,
  });
  const served = await listen(impatient, { logger: null });
  try {
    const { url } = served;
    assertLoopback(url);
    const before = { ...demo.wallet.stats };
    demo.wallet.setLatency(600);
    const sessions = Array.from({ length: 30 }, (_, i) => miniappSession(() => url, 10_000 + i, { customerId: `slow-${i}`, walletUrl: () => demo.url }));
    const recover = sleep(1_500).then(() => demo.wallet.setLatency(0));
    const started = performance.now();
    const outcomes = await Promise.all(sessions.map((s) => authorizeWithRetry(s, { ...RETRY, deadline: Date.now() + 30_000 })));
    await recover;
    figures('wallet slower than the backend timeout for 1.5 s (30 sessions)', outcomes, performance.now() - started, {
      errors: errorTally(outcomes),
      exchangedAtWallet: demo.wallet.stats.authorizationCode - before.authorizationCode,
    });
    expect(outcomes.every((o) => o.data !== null)).toBe(true);
    const ids = outcomes.map((o) => (o.data as SessionData).sessionId);
    expect(new Set(ids).size).toBe(30);
    expect(outcomes.every((o) => o.attempts >= 2)).toBe(true); // every first try timed out
    // The wallet did process the timed-out codes (they are spent), but the backend opened no session for
    // them: the database holds one session per miniapp session.
    const db = readDb(dbPath);
    expect(db.sessions).toEqual(new Set(ids.map(sessionHash)));
    expect(db.codesDone.size).toBe(30);
    expect(db.codesPending.size).toBe(0);
    // Sent again, a timed-out code is refused by the wallet as used (the kit would get a fresh code).
    const stale = sessions[0]?.codes[0] as string;
    const again = await httpSubmitter({ url: `${url}/api/auth/session`, host: null })(stale, { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'CODE_REJECTED', platformCode: 'USED_CODE' });
  } finally {
    demo.wallet.setLatency(0);
    await served.close();
  }
});
