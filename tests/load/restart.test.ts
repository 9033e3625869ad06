/**
 * The demo's backend (createAuthServer on the data directory's SQLite file) killed (SIGKILL) in the
 * middle of a run and restarted on the same data directory, twice, while miniapp sessions keep signing
 * in through the kit, on 127.0.0.1. The servers run in a child process (tests/load/fixtures/).
 *
 * 1. Wallet simulator and backend in one child (start-servers.mjs): the wallet's codes and tokens live
 *    in that process's memory, so codes minted before a kill die with it (the kit then gets a fresh
 *    one), and the tokens of earlier servers' sessions are unknown to the new wallet.
 * 2. Backend alone in the child, configured as for a real wallet (SUPERQI_BASE_URL…), the wallet
 *    simulator in this process (it survives the backend's crash, as a real wallet does): codes and
 *    tokens survive too.
 *
 * What must survive a kill is every session the backend answered 2xx for.
 */
import * as path from 'node:path';
import { kill9, startChild, stopAll, stopCleanly } from '../server/support/children';
import type { Child } from '../server/support/children';
import {
  authorizeWithRetry, fixture, me, miniappSession, percentile, pool, readDb, removeDir, report, sessionHash, sleep, startConfigWallet, tempDir,
} from './load-helpers';
import type { MiniappSession, SessionData } from './load-helpers';

jest.setTimeout(60_000);

/** Every client here is 127.0.0.1: the per-address attempt limit is not what this measures. */
const NO_ATTEMPT_LIMIT = JSON.stringify({ attemptLimit: null });
const dirs: string[] = [];

function newDir(prefix: string): string {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await stopAll();
  for (const dir of dirs) removeDir(dir);
});

interface Acked {
  sessionId: string;
  customerId: string;
  scopes: string[];
}

interface KillRecord {
  /** Sessions acknowledged before this kill (acked[0 .. ackedBefore) were answered by servers up to this one). */
  ackedBefore: number;
  inflight: number;
  sessionsInDb: number;
  restartMs: number;
}

/**
 * Miniapp sessions on `workers` loops (each iteration a new user with its own authorizer) against the
 * child `start()` returns; after every `perServer` acknowledged sessions the child is killed with
 * SIGKILL, the database is checked at once, and a new child is started on the same data directory;
 * after `kills` kills, `tail` more sessions, then the loops stop.
 */
async function runWithKills(options: {
  label: string;
  start: () => Promise<Child>;
  dbPath: string;
  walletUrl?: () => string;
  kills: number;
  perServer: number;
  tail: number;
  workers: number;
  /** The wallet keeps its tokens across the kills (else only the last server's sessions reach it). */
  walletSurvives: boolean;
}) {
  const hardDeadline = Date.now() + 40_000;
  let current = await options.start();
  const acked: Acked[] = [];
  const sessions: MiniappSession[] = [];
  let failures = 0;
  let freshCodeRecoveries = 0;
  let inflight = 0;
  let stop = false;
  let serial = 0;
  const ms: number[] = [];

  const loops = Array.from({ length: options.workers }, async () => {
    while (!stop && Date.now() < hardDeadline && serial < 5_000) {
      const i = serial++;
      const session = miniappSession(() => current.url, i, {
        customerId: `restart-${i}`,
        scopes: i % 3 === 0 ? ['auth_base', 'auth_user'] : ['auth_base'],
        ...(options.walletUrl ? { walletUrl: options.walletUrl } : {}),
      });
      sessions.push(session);
      inflight++;
      const outcome = await authorizeWithRetry(session);
      inflight--;
      if (outcome.data) {
        acked.push({ sessionId: (outcome.data as SessionData).sessionId, customerId: session.customerId, scopes: session.scopes });
        ms.push(outcome.ms);
        if (session.codes.length > 1) freshCodeRecoveries++;
      } else {
        failures++;
        await sleep(20);
      }
    }
  });

  const until = async (condition: () => boolean, what: string) => {
    while (!condition()) {
      if (Date.now() > hardDeadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  };

  const started = performance.now();
  const kills: KillRecord[] = [];
  try {
    for (let k = 0; k < options.kills; k++) {
      const target = acked.length + options.perServer;
      await until(() => acked.length >= target, `${options.perServer} sessions on server ${k + 1}`);
      const inflightAtKill = inflight;
      await kill9(current);
      const ackedBefore = acked.length;
      // Straight after the crash, before any restart: every acknowledged session is in the database.
      const db = readDb(options.dbPath);
      const missing = acked.filter((a) => !db.sessions.has(sessionHash(a.sessionId)));
      expect(missing).toEqual([]);
      await sleep(300); // down for a moment: miniapps meanwhile get errors
      const t = performance.now();
      current = await options.start();
      kills.push({ ackedBefore, inflight: inflightAtKill, sessionsInDb: db.sessions.size, restartMs: Math.round(performance.now() - t) });
    }
    const target = acked.length + options.tail;
    await until(() => acked.length >= target, 'sessions after the last restart');
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  const elapsed = performance.now() - started;
  const bounds = [0, ...kills.map((k) => k.ackedBefore), acked.length];
  const byServer = bounds.slice(1).map((b, i) => b - (bounds[i] as number));
  report(
    `[load] ${options.label}: ${acked.length} sessions acknowledged in ${(elapsed / 1000).toFixed(2)} s ` +
      `(${((acked.length * 1000) / elapsed).toFixed(1)} exchanges/s, ${options.workers} workers; by server ${byServer.join(' / ')}); ` +
      `failed authorize calls ${failures}; completed with a fresh code ${freshCodeRecoveries}; ` +
      `per session p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms; kills ${JSON.stringify(kills)}`,
  );

  // Mid-run: exchanges were under way at every kill; and every server acknowledged sessions.
  for (const k of kills) expect(k.inflight).toBeGreaterThan(0);
  expect(byServer.every((n) => n > 0)).toBe(true);
  // No duplicates on the client side: every acknowledged session id is distinct.
  expect(new Set(acked.map((a) => a.sessionId)).size).toBe(acked.length);

  // Every acknowledged session, from every server, is there on the last one, its tokens opening: /me
  // answers it (200), or, for a session whose tokens a restarted wallet no longer knows, asks for a new
  // authorization after opening both tokens (401 REAUTH_REQUIRED; a lost session is SESSION_EXPIRED, a
  // token that does not open a 500).
  const lastServerFrom = bounds[bounds.length - 2] as number;
  const profiles = await pool(acked, 64, (a) => me(current.url, a.sessionId));
  const broken = profiles
    .map((p, i) => ({ p, a: acked[i] as Acked, i }))
    .filter(({ p, a, i }) => {
      if (!options.walletSurvives && i < lastServerFrom) return !(p.status === 401 && p.body.error?.code === 'REAUTH_REQUIRED');
      return p.status !== 200 || p.body.customerId !== a.customerId || !a.scopes.every((s) => p.body.scopes.includes(s));
    });
  expect(broken.map(({ p, i }) => ({ index: i, status: p.status, body: p.body }))).toEqual([]);

  return { current, acked, kills, sessions, bounds };
}

/**
 * The database after a clean stop: acknowledged sessions (plus at most those committed while their
 * answer was lost in a kill), one per code, one grant per customer; claims a kill left are held only
 * until their lease ends (a resend then takes them over), never by a process id.
 */
function checkDatabase(dataDir: string, acked: Acked[], kills: KillRecord[]) {
  const db = readDb(path.join(dataDir, 'auth.sqlite'));
  expect(acked.filter((a) => !db.sessions.has(sessionHash(a.sessionId)))).toEqual([]);
  const unacknowledged = db.sessions.size - acked.length;
  const inflight = kills.reduce((n, k) => n + k.inflight, 0);
  report(
    `[load]   database after the run: ${db.sessions.size} sessions (${unacknowledged} committed but unanswered at a kill), ` +
      `${db.codesDone.size} codes done, ${db.codesPending.size} claims still leased after the kills, ${db.grantRows} grant rows`,
  );
  expect(unacknowledged).toBeGreaterThanOrEqual(0);
  expect(unacknowledged).toBeLessThanOrEqual(inflight);
  expect(db.codesDone.size).toBe(db.sessions.size); // one session per exchanged code
  expect(db.codesPending.size).toBeLessThanOrEqual(inflight);
  expect(db.grantRows).toBe(db.sessions.size); // one customer per miniapp session in these runs
  return db;
}

it('wallet and backend killed together (kill -9) mid-run and restarted on the same data directory, twice: every session answered 2xx is still there and usable', async () => {
  const dataDir = newDir('load-restart-');
  const { current, acked, kills } = await runWithKills({
    label: 'servers kill -9 / restart ×2',
    start: () => startChild(fixture('run-servers.mjs'), [dataDir, '0', NO_ATTEMPT_LIMIT]),
    dbPath: path.join(dataDir, 'auth.sqlite'),
    kills: 2,
    perServer: 150,
    tail: 50,
    workers: 40,
    walletSurvives: false,
  });
  expect(await stopCleanly(current)).toBe(0);
  checkDatabase(dataDir, acked, kills);
});

it('the backend alone killed (kill -9) mid-run and restarted while the wallet stays up: sessions survive, their tokens refresh', async () => {
  const dataDir = newDir('load-restart-backend-');
  // The wallet simulator runs here with the data directory's keys (created now; the child reads them),
  // slow enough that exchanges stay in flight for a while: the kills catch some mid-exchange. Access
  // tokens of 30 s: inside the refresh margin, so the final /me of every session refreshes its grant
  // (the stored refresh token opens on a server that did not store it).
  const { wallet, url: walletUrl } = await startConfigWallet(dataDir, { latencyMs: 30, accessTokenTtlMs: 30_000 });
  try {
    const before = wallet.stats.refreshToken;
    const { current, acked, kills } = await runWithKills({
      label: 'backend alone kill -9 / restart ×2 (wallet up)',
      start: () => startChild(fixture('run-backend.mjs'), [dataDir, walletUrl, NO_ATTEMPT_LIMIT]),
      dbPath: path.join(dataDir, 'auth.sqlite'),
      walletUrl: () => walletUrl,
      kills: 2,
      perServer: 150,
      tail: 50,
      workers: 40,
      walletSurvives: true,
    });
    expect(wallet.stats.refreshToken - before).toBeGreaterThanOrEqual(acked.length);
    expect(await stopCleanly(current)).toBe(0);
    checkDatabase(dataDir, acked, kills);
  } finally {
    await wallet.close();
  }
});
