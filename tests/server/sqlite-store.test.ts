/**
 * sqliteStore under the review's findings: a write lock held by another process never freezes the
 * event loop, and a lock held for long answers a retryable 503 before the wallet is called; a file
 * that is not a database is refused clearly, untouched, before anything else is written.
 */
import { mkdtempSync, readFileSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { sqliteStore } from '../../server/store/sqlite';
import { StoreError } from '../../server/store/types';
import { listen } from '../../server/adapters/listen';
import { testAuth } from './support/auth';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mak-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Another process takes the database's write lock and holds it for `ms`; resolves once it holds it. */
function holdWriteLock(filename: string, ms: number): Promise<{ done: Promise<void> }> {
  const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(filename)}); db.exec('BEGIN IMMEDIATE'); console.log('LOCKED'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve) => child.stdout.once('data', () => resolve({ done })));
}

it('a write lock held 1.5 s elsewhere: the event loop keeps turning; the exchange answers a retryable 503 before the wallet is called, and succeeds once the lock is gone', async () => {
  const filename = join(dir, 'auth.sqlite');
  const t = testAuth({ store: sqliteStore({ filename }) });
  await t.auth.ready();
  const code = t.wallet.issueCode();
  const lock = await holdWriteLock(filename, 1500);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const answer = await t.post(code, 'k');
  loop.disable();
  await lock.done;
  // Busy waits are a few ms at a time: nothing near the 1.5 s the lock was held.
  expect(loop.max / 1e6).toBeLessThan(200);
  // The claim could not be written within its patience: 503 before the wallet, retryable.
  expect(answer).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_ERROR', retryable: true } } });
  expect(t.wallet.count('applyToken')).toBe(0);
  // Once the lock is gone the same request succeeds.
  expect((await t.post(code, 'k')).status).toBe(200);
  await t.auth.close();
});

it('a lock taken while the wallet is being called: the completion waits it out (asynchronously) and commits', async () => {
  const filename = join(dir, 'auth.sqlite');
  const t = testAuth({ store: sqliteStore({ filename }) });
  await t.auth.ready();
  const hold = t.wallet.hold('applyToken');
  const answer = t.post(t.wallet.issueCode(), 'k');
  await new Promise((r) => setTimeout(r, 50));
  const lock = await holdWriteLock(filename, 1500);
  hold.release();
  const result = await answer;
  await lock.done;
  expect(result.status).toBe(200);
  expect(await t.auth.getSession(result.body.sessionId)).toMatchObject({ customerId: 'customer-1' });
  await t.auth.close();
});

it('a file that is not a SQLite database: a StoreError that says so, the file untouched, nothing created beside it, and no server listening', async () => {
  const filename = join(dir, 'merchant.sqlite');
  const garbage = Buffer.from('this is not a database, it is a damaged file '.repeat(200));
  writeFileSync(filename, garbage, { mode: 0o600 });
  const store = sqliteStore({ filename });
  const error = await store.init().catch((e) => e);
  expect(error).toBeInstanceOf(StoreError);
  expect(error.code).toBe('STORE_UNREADABLE');
  expect(error.message).toBe(`sqliteStore: ${filename} is not a SQLite database, or it is damaged. Nothing was written to it; restore it from a backup or point filename at a new file.`);
  expect(readFileSync(filename)).toEqual(garbage);
  expect(readdirSync(dir)).toEqual(['merchant.sqlite']);
  const t = testAuth({ store: sqliteStore({ filename }) });
  await expect(listen(t.auth)).rejects.toMatchObject({ code: 'STORE_UNREADABLE' });
  // The handler answers a clear 500 too (the cause is logged, not sent).
  expect((await t.post(t.wallet.issueCode(), 'k')).status).toBe(500);
  expect(readdirSync(dir)).toEqual(['merchant.sqlite']);
});

it('a damaged database (a valid header, broken pages): refused the same way', async () => {
  const filename = join(dir, 'auth.sqlite');
  const store = sqliteStore({ filename });
  await store.init();
  await store.close();
  const bytes = readFileSync(filename);
  bytes.fill(0x55, 100);
  writeFileSync(filename, bytes);
  const error = await sqliteStore({ filename }).init().catch((e) => e);
  expect(error).toMatchObject({ name: 'StoreError', code: 'STORE_UNREADABLE' });
  expect(readFileSync(filename)).toEqual(bytes);
});

it('a file another process creates between the check and the create (two first starts at one instant) is opened, not refused with EEXIST', async () => {
  const filename = join(dir, 'race.sqlite');
  const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
  // The other process: it creates the file right after this one found none.
  const exists = jest.spyOn(fs, 'existsSync').mockImplementationOnce((path) => {
    if (path === filename) fs.writeFileSync(filename, '', { mode: 0o600 });
    return false;
  });
  const store = sqliteStore({ filename });
  try {
    await store.init();
    expect(exists).toHaveBeenCalledWith(filename);
    expect(readFileSync(filename).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
  } finally {
    exists.mockRestore();
    await store.close();
  }
});
