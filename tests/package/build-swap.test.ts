/**
 * `npm run build` never leaves `dist/` missing while it runs (a running demo serves it, and
 * `npm test` builds first): the build goes to a folder of its own and its files are moved in, each
 * replacing its old version at once. Run with a small config into a folder of the test's own,
 * while a reader keeps reading the old files.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let work: string;
let dist: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'mak-build-swap-'));
  dist = join(work, 'dist');
  mkdirSync(join(dist, 'sub'), { recursive: true });
  writeFileSync(join(dist, 'index.js'), 'export const version = "old";\n');
  writeFileSync(join(dist, 'sub', 'tiny-build.cjs'), 'exports.version = "old";\n');
  writeFileSync(join(dist, 'stale.js'), 'a file the new build does not make\n');
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Runs the build into `dist`, reading `watched` every millisecond until it ends. */
async function buildWhileReading(env: Record<string, string>, watched: string[], args: string[] = []): Promise<{ status: number | null; missing: string[]; output: string }> {
  const missing: string[] = [];
  const child = spawn(process.execPath, ['scripts/build.mjs', '--config', 'tests/package/fixtures/tiny.rollup.mjs', '--out', dist, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const reader = setInterval(() => {
    for (const file of watched) {
      try {
        if (readFileSync(file, 'utf8').length === 0) missing.push(`${file} (empty)`);
      } catch {
        missing.push(file);
      }
    }
  }, 1);
  const status = await new Promise<number | null>((done) => child.on('close', done));
  clearInterval(reader);
  return { status, missing, output };
}

test('dist/ is never without its files during a build; afterwards it holds the new build only', async () => {
  const watched = [join(dist, 'index.js'), join(dist, 'sub', 'tiny-build.cjs')];
  const { status, missing, output } = await buildWhileReading({}, watched);
  expect([status, output]).toEqual([0, expect.any(String)]);
  expect(missing).toEqual([]);
  expect(readFileSync(join(dist, 'index.js'), 'utf8')).toContain("'new'");
  expect(readFileSync(join(dist, 'sub', 'tiny-build.cjs'), 'utf8')).toContain("'new'");
  // What the new build no longer makes is gone; the staging folder too.
  expect(existsSync(join(dist, 'stale.js'))).toBe(false);
  expect(readdirSync(work)).toEqual(['dist']);
});

test('a failed build leaves dist/ as it was', async () => {
  const { status, missing } = await buildWhileReading({ MAK_TINY_FAIL: '1' }, [join(dist, 'index.js')]);
  expect(status).not.toBe(0);
  expect(missing).toEqual([]);
  expect(readFileSync(join(dist, 'index.js'), 'utf8')).toContain('"old"');
  expect(existsSync(join(dist, 'stale.js'))).toBe(true);
  expect(readdirSync(work)).toEqual(['dist']);
});

describe('--quiet (what `npm test` builds with): silent when all is well, rollup\'s words when not', () => {
  test('a build that passes without a warning prints nothing, and builds', async () => {
    const { status, output } = await buildWhileReading({}, [], ['--quiet']);
    expect([status, output]).toEqual([0, '']);
    expect(readFileSync(join(dist, 'index.js'), 'utf8')).toContain("'new'");
  });

  test('a failed build prints why', async () => {
    const { status, output } = await buildWhileReading({ MAK_TINY_FAIL: '1' }, [], ['--quiet']);
    expect(status).not.toBe(0);
    expect(output).toContain('missing.mjs');
  });

  test('a build that warns prints the warning', async () => {
    const { status, output } = await buildWhileReading({ MAK_TINY_WARN: '1' }, [], ['--quiet']);
    expect(status).toBe(0);
    expect(output).toContain('(!)');
    expect(output).toContain('mak-no-such-package');
  });
});
