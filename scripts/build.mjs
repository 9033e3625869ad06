/**
 * `npm run build`: rollup with `rollup.config.mjs`, written into a fresh folder beside `dist/`
 * (`.dist-next-<pid>`), then moved into `dist/` file by file: each move is a rename, so a reader
 * (a running demo serving `dist/`, a test importing it) meets the old file or the new one, never
 * none; the files the new build no longer has go last. A failed build leaves `dist/` as it was.
 *
 * Rollup's CLI colours its output unless NO_COLOR is set, even into a pipe or a CI log: off the
 * terminal it runs with NO_COLOR, so logs stay plain text. FORCE_COLOR still wins.
 *
 * Options: `--quiet` (what `npm test` uses) prints rollup's output only when the build fails or
 * rollup warns (its `(!)` lines), so a passing test run shows the test runner's output alone. For the
 * build's own test: `--config <file>` (default `rollup.config.mjs`), `--out <dir>` (default `dist`).
 * The config writes to `dist/…` as usual; the build redirects it.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { basename, dirname, resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { moveInto } from './move-into.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const quiet = process.argv.includes('--quiet');
const config = resolve(root, option('config', 'rollup.config.mjs'));
const out = resolve(root, option('out', 'dist'));
const stage = resolve(dirname(out), `.${basename(out)}-next-${process.pid}`);

const env = { ...process.env, MAK_BUILD_CONFIG: config, MAK_BUILD_STAGE: stage };
if (!process.stderr.isTTY && !env.FORCE_COLOR) env.NO_COLOR = '1';
const rollup = createRequire(import.meta.url).resolve('rollup/dist/bin/rollup');

rmSync(stage, { recursive: true, force: true });
let status = 1;
try {
  const stdio = quiet ? ['inherit', 'pipe', 'pipe'] : 'inherit';
  const run = spawnSync(process.execPath, [rollup, '-c', fileURLToPath(new URL('rollup-staged.mjs', import.meta.url))], { cwd: root, env, stdio, maxBuffer: 64 << 20 });
  status = run.status ?? 1;
  const said = quiet ? `${run.stdout ?? ''}${run.stderr ?? ''}` : '';
  if (status !== 0 || said.includes('(!)')) process.stderr.write(said);
  if (status === 0) {
    const moved = moveInto(stage, out);
    if (!quiet) process.stderr.write(`moved ${moved} files into ${basename(out)}/\n`);
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}
process.exit(status);
