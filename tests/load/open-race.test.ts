/**
 * Two processes making the tables of one new SQLite file at the same instant (two first starts of the
 * demo, or two instances of a merchant's backend): both succeed. The switch to WAL and the schema are
 * steps SQLite does not wait on by itself (no busy handler); the old demo store failed one open in six
 * before it retried them.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fixture, removeDir, tempDir } from './load-helpers';

jest.setTimeout(60_000);

const FIXTURE = fixture('open-store.mjs');

function openAt(dbPath: string, at: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FIXTURE, dbPath, String(at)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => resolve(out.trim()));
  });
}

it('two processes opening one new database at once both succeed (20 rounds)', async () => {
  const dir = tempDir('load-open-race-');
  try {
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const dbPath = path.join(dir, `round-${round}.sqlite`);
      const at = Date.now() + 400;
      outcomes.push(...(await Promise.all([openAt(dbPath, at), openAt(dbPath, at)])));
    }
    expect(outcomes.filter((o) => o !== 'OK')).toEqual([]);
  } finally {
    removeDir(dir);
  }
});
