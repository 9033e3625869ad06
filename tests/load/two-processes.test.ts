/**
 * Two reference backends, each a process of its own, over ONE SQLite database (issue 9, item 5), with
 * the simulated wallet in a third process, on 127.0.0.1. Eight clients per backend exchange codes as
 * fast as they can; customers are shared across both backends, so both processes write the same token
 * rows. Every exchange must be answered with a session: an exchange that fails after the wallet
 * consumed its code loses the user's tokens for good.
 */
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startChild, stopAll, stopCleanly } from '../server/support/children';
import type { Child } from '../server/support/children';
import { loadServerModule, mintCode, postSession, readDb, readTokenKey, removeDir, report, sha256, tempDir, tokenRowReader } from './load-helpers';

jest.setTimeout(90_000);

const EXCHANGES = 600; // in all, over both backends
const CLIENTS_PER_BACKEND = 8;
const CUSTOMERS = 40;

let dataDir: string;

afterAll(async () => {
  await stopAll();
  if (dataDir) removeDir(dataDir);
});

it(`2 backend processes × ${CLIENTS_PER_BACKEND} clients on one database: all ${EXCHANGES} exchanges answered with a session, none lost`, async () => {
  dataDir = tempDir('load-two-processes-');
  // The keys first (the children read them); then the wallet and both backends.
  (await loadServerModule('keys.mjs')).loadDemoConfig({ dataDir, env: {} });
  const wallet = await startChild('run-wallet.mjs', [dataDir]);
  const backends: Child[] = await Promise.all([0, 1].map(() => startChild('run-backend.mjs', [dataDir, wallet.url])));

  let started = 0;
  const answers: { backend: number; code: string; customerId: string; status: number; body: any }[] = [];
  await Promise.all(
    backends.flatMap((backend, b) =>
      Array.from({ length: CLIENTS_PER_BACKEND }, async () => {
        while (started < EXCHANGES) {
          const customerId = `shared-${started++ % CUSTOMERS}`;
          const code = await mintCode(wallet.url, customerId);
          const answer = await postSession(backend.url, code, randomUUID());
          answers.push({ backend: b, code, customerId, ...answer });
        }
      }),
    ),
  );

  const failures = answers.filter((a) => a.status !== 200);
  const tally: Record<string, number> = {};
  for (const f of failures) tally[`${f.status} ${f.body?.error?.code}`] = (tally[`${f.status} ${f.body?.error?.code}`] ?? 0) + 1;
  report(`[load] two backend processes on one database: ${answers.length - failures.length} of ${answers.length} exchanges answered 200; failures ${JSON.stringify(tally)}`);
  expect(tally).toEqual({});
  expect(new Set(answers.map((a) => a.body.sessionId)).size).toBe(EXCHANGES);
  for (const a of answers) expect(a.body.customerId).toBe(a.customerId);
  // Both backends did their share.
  expect(answers.filter((a) => a.backend === 0).length).toBeGreaterThan(0);
  expect(answers.filter((a) => a.backend === 1).length).toBeGreaterThan(0);

  for (const backend of backends) expect(await stopCleanly(backend)).toBe(0);
  await stopCleanly(wallet);
  // The database holds every session, one done record per code, no claim pending, one readable token
  // row per customer.
  const db = readDb(path.join(dataDir, 'merchant.sqlite'), await tokenRowReader(readTokenKey(dataDir)));
  expect(db.sessions).toEqual(new Set(answers.map((a) => sha256(a.body.sessionId))));
  expect(db.codesDone).toEqual(new Set(answers.map((a) => sha256(a.code))));
  expect(db.codesPending.size).toBe(0);
  expect(db.customerRows).toBe(CUSTOMERS);
  expect(db.decrypted).toBe(CUSTOMERS);
});
