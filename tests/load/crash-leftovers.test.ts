/**
 * Claims left by a crash (issue 9, item 8). A backend killed (kill -9) while the wallet is slow leaves
 * the claims of its exchanges under way in the database. They must not outlive it: a backend starting
 * on the database clears them (and leaves alone the claims of a backend still running on it), and a
 * backend that meets the claim of a dead process settles the code at once instead of waiting it out.
 * Backends run as child processes (tests/load/fixtures/run-backend.mjs); the wallet simulator runs here
 * and survives the kill, as a real wallet does.
 */
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { kill9, startChild, stopAll, stopCleanly } from '../server/support/children';
import { mintCode, postSession, readDb, removeDir, sha256, startConfigWallet, tempDir } from './load-helpers';
import { waitUntil } from '../support/wait-until';

jest.setTimeout(60_000);

let dataDir: string;
let wallet: any;

afterAll(async () => {
  await stopAll();
  await wallet?.close();
  if (dataDir) removeDir(dataDir);
});

/** Waits until the database shows `predicate` true. */
const until = (dbPath: string, predicate: (db: ReturnType<typeof readDb>) => boolean, what: string) => waitUntil(() => predicate(readDb(dbPath)), what);

it('claims of a killed backend: cleared by the next start (not those of a live backend), and a resend meets no stale claim', async () => {
  dataDir = tempDir('load-crash-');
  const dbPath = path.join(dataDir, 'merchant.sqlite');
  const started = await startConfigWallet(dataDir);
  wallet = started.wallet;
  const walletUrl = started.url;
  // A wallet timeout far beyond this test's own: a backend that waited a stale claim out would never answer in time.
  const options = JSON.stringify({ requestTimeoutMs: 120_000 });
  const start = () => startChild('run-backend.mjs', [dataDir, walletUrl, options]);
  const [doomed, survivor] = await Promise.all([start(), start()]);

  // 8 exchanges under way on the doomed backend, the wallet slow to answer: slow enough that all 8
  // are claimed at once also on a busy machine.
  wallet.setLatency(5_000);
  const codes = await Promise.all(Array.from({ length: 8 }, (_, i) => mintCode(walletUrl, `crash-${i}`)));
  const keys = codes.map(() => randomUUID());
  const consumedBefore = wallet.stats.authorizationCode;
  const receivedBefore = wallet.stats.applyToken;
  const caught = codes.map((code, i) => postSession(doomed.url, code, keys[i]).catch(() => null));
  await until(dbPath, (db) => db.codesPending.size === 8, 'the 8 claims');
  // Killed once the wallet holds all 8 calls (a claim is written before its call is sent).
  await waitUntil(() => wallet.stats.applyToken >= receivedBefore + 8, 'the wallet to receive the 8 calls');
  await kill9(doomed);
  await Promise.all(caught);
  // The wallet goes on with what it was sent: the codes are spent.
  await waitUntil(() => wallet.stats.authorizationCode >= consumedBefore + 8, 'the wallet to spend the 8 codes');
  wallet.setLatency(0);
  expect(readDb(dbPath).codesPending).toEqual(new Set(codes.map(sha256)));

  // A miniapp resending one of them (same key) to the other backend: the claim's owner is dead, so the
  // code is settled now (the wallet spent it: USED_CODE, and the kit gets a fresh code).
  const resent = await postSession(survivor.url, codes[0] as string, keys[0]);
  expect({ status: resent.status, code: resent.body.error?.code }).toEqual({ status: 409, code: 'USED_CODE' });
  expect(readDb(dbPath).codesPending.has(sha256(codes[0] as string))).toBe(false);

  // An exchange under way on the survivor while the killed backend restarts (slow enough to outlast
  // the restart on a busy machine): its claim stays.
  wallet.setLatency(5_000);
  const liveCode = await mintCode(walletUrl, 'crash-live');
  const live = postSession(survivor.url, liveCode, randomUUID());
  await until(dbPath, (db) => db.codesPending.has(sha256(liveCode)), 'the live claim');
  const restarted = await start();
  expect(readDb(dbPath).codesPending).toEqual(new Set([sha256(liveCode)]));
  expect((await live).status).toBe(200);
  wallet.setLatency(0);
  expect(readDb(dbPath).codesPending.size).toBe(0);

  // The restarted backend settles the other caught codes at once too.
  const again = await postSession(restarted.url, codes[1] as string, keys[1]);
  expect({ status: again.status, code: again.body.error?.code }).toEqual({ status: 409, code: 'USED_CODE' });

  expect(await stopCleanly(survivor)).toBe(0);
  expect(await stopCleanly(restarted)).toBe(0);
});
