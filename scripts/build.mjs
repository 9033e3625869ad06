/**
 * `npm run build`: a clean `dist/`, then rollup with `rollup.config.mjs`. Rollup's CLI colours its
 * output unless NO_COLOR is set, even into a pipe or a CI log: off the terminal it runs with
 * NO_COLOR, so logs stay plain text. FORCE_COLOR still wins.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });

const env = { ...process.env };
if (!process.stderr.isTTY && !env.FORCE_COLOR) env.NO_COLOR = '1';
const rollup = createRequire(import.meta.url).resolve('rollup/dist/bin/rollup');
const run = spawnSync(process.execPath, [rollup, '-c'], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
