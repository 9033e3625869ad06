/**
 * The kit's DSL files as a mini program IDE runs them with `enableNodeModuleBabelTransform: true`:
 * every `.js` of dist/miniprogram/ through @babel/preset-env for the old iOS and Android engines,
 * ES modules turned into CommonJS, helpers inlined (no runtime package: the engine has no globals
 * to take one from). The result is a copy of the folder, kept in node_modules/.cache under a hash
 * of what went in, so that every test file and jest worker shares one transform.
 */
import { transformSync, type TransformOptions } from '@babel/core';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { filesUnder } from '../../support/files';
import { DIST, ROOT } from './paths';

/** What the IDE's transform does to a file of a package. */
export const IDE_BABEL: TransformOptions = {
  babelrc: false,
  configFile: false,
  sourceType: 'module',
  comments: false,
  presets: [['@babel/preset-env', { targets: { ios: '9', android: '5' }, modules: 'commonjs' }]],
};

/** One shipped script, as the IDE hands it to the engine. */
export function ideTransform(code: string): string {
  const out = transformSync(code, IDE_BABEL);
  if (!out?.code) throw new Error('babel returned no code');
  return out.code;
}

/** A copy of dist/miniprogram whose scripts went through the IDE's transform (the other files as they are). */
export function babelledDist(): string {
  const files = filesUnder(DIST);
  const hash = createHash('sha256').update(JSON.stringify(IDE_BABEL));
  for (const file of files) hash.update(relative(DIST, file)).update(readFileSync(file));
  const cache = join(ROOT, 'node_modules/.cache/mak-dsl-babel');
  const key = hash.digest('hex').slice(0, 16);
  const dir = join(cache, key);
  if (existsSync(dir)) return dir;
  // Copies of earlier builds go (a worker of this run only ever writes this build's key).
  if (existsSync(cache)) for (const name of readdirSync(cache)) if (!name.startsWith(key)) rmSync(join(cache, name), { recursive: true, force: true });
  // Written aside, then renamed: a jest worker never reads a half-written copy.
  const staging = `${dir}.${process.pid}`;
  for (const file of files) {
    const target = join(staging, relative(DIST, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.endsWith('.js') ? ideTransform(readFileSync(file, 'utf8')) : readFileSync(file));
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another worker got there first with the same content.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}
