/**
 * Two processes opening one new database at the same instant (two first starts): both open it. The
 * switch to WAL is the step SQLite does not wait on by itself (no busy handler); before the store
 * retried it, one open in six failed with SQLITE_BUSY.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { FIXTURES } from '../server/support/children';
import { removeDir, tempDir } from './load-helpers';

jest.setTimeout(60_000);

const FIXTURE = path.join(FIXTURES, 'open-store.mjs');

function openAt(dbPath: string, at: number, key: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FIXTURE, dbPath, String(at), key], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => resolve(out.trim()));
  });
}

it('two processes opening one new database at once both succeed (20 rounds)', async () => {
  const dir = tempDir('load-open-race-');
  const key = randomBytes(32).toString('hex');
  try {
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const dbPath = path.join(dir, `round-${round}.sqlite`);
      const at = Date.now() + 400;
      outcomes.push(...(await Promise.all([openAt(dbPath, at, key), openAt(dbPath, at, key)])));
    }
    expect(outcomes.filter((o) => o !== 'OK')).toEqual([]);
  } finally {
    removeDir(dir);
  }
});
