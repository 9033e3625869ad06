// Build steps both rollup configs use (rollup.config.mjs for the package, miniprogram.config.mjs for
// the DSL kit): the kit's TypeScript compiled for bundling, modules swapped per target, the internal
// property names shortened, and one declaration build per entry.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import { transform } from 'esbuild';
import { dts } from 'rollup-plugin-dts';

/** The kit's sources (`utils/`, `components/`, `server/`) compiled for bundling; declarations come from `declarations`. */
export function compileKit(compilerOptions = {}, exclude = []) {
  return typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { declaration: false, noEmit: false, module: 'esnext', types: [], sourceMap: false, ...compilerOptions },
    include: ['utils/**/*.ts', 'components/**/*.ts', 'server/**/*.ts'],
    exclude: ['tests/**', 'demo-miniapp/**', ...exclude],
  });
}

/**
 * Resolves each module of `swaps` (`{ 'utils/x.ts': 'utils/x.other.ts' }`, paths from the repository
 * root) to its replacement, whoever imports it: one build's flavour of a module (the H5 build takes
 * `utils/abort-controller.web.ts`, the DSL build `utils/globals.mini.ts`).
 */
export function swapModules(swaps) {
  const to = new Map(Object.entries(swaps).map(([from, into]) => [resolve(from), resolve(into)]));
  return {
    name: 'swap-modules',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && to.has(resolved.id) ? to.get(resolved.id) : resolved;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Internal property names

/**
 * The naming convention: a member no application reads (of the kit's own objects, closures and
 * element instances) ends in one `_` (`flight.controller_`, `this.button_`). Never `__x__`, never a
 * leading `_`. Public names, option and storage keys, host and DOM APIs never end in `_`.
 */
export const INTERNAL_NAME = /^[A-Za-z$](?:[\w$]*[A-Za-z0-9$])?_$/;

/** Short names never given to an internal member: names of real properties the kit's objects may carry. */
const RESERVED = new Set(['id', 'at', 'of', 'is', 'in', 'do', 'if', 'as', 'on', 'to', 'go', 'ok', 'x', 'y', 'z', 'v']);

const SOURCE_DIRS = ['utils', 'components', 'server'];

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

let mapping = null;

/**
 * The H5 elements' sources (`components/` outside its `miniprogram/` folders): their members'
 * names are given short names after every other, so the core and the DSL kit, which every page
 * pays for, keep the shortest ones.
 */
const H5_ELEMENTS = /^components[\\/](?!(?:.*[\\/])?miniprogram[\\/])/;

/**
 * One mapping for every build, computed from the sources alone (so the ESM, CommonJS, IIFE and DSL
 * builds, each chunk of each, name a member alike): the internal names by how often they occur
 * (then by name), each given the shortest free name (the H5 elements' own names last); a name the sources use as a property (or
 * key) of two characters or fewer is never given.
 */
export function internalNames(root = '.') {
  if (mapping) return mapping;
  const counts = new Map();
  const beyondElements = new Set();
  const taken = new Set(RESERVED);
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      const element = H5_ELEMENTS.test(relative(root, file));
      for (const [word] of text.matchAll(/[A-Za-z$][\w$]*/g)) {
        if (!INTERNAL_NAME.test(word)) continue;
        counts.set(word, (counts.get(word) ?? 0) + 1);
        if (!element) beyondElements.add(word);
      }
      // Short names used as properties (`.v`, `{ id: … }`): never given to an internal member.
      for (const [, word] of text.matchAll(/(?:\.|[{,]\s*)([A-Za-z$][\w$]?)(?=\s*:|\b)/g)) taken.add(word);
    }
  }
  const last = (name) => (beyondElements.has(name) ? 0 : 1);
  const names = [...counts].sort((a, b) => last(a[0]) - last(b[0]) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const short = [...letters, ...[...letters].flatMap((a) => [...letters, ...'0123456789'].map((b) => a + b))].filter((n) => !taken.has(n));
  if (names.length > short.length) throw new Error(`mangle: ${names.length} internal names, ${short.length} short names`);
  mapping = Object.fromEntries(names.map((name, i) => [name, short[i]]));
  return mapping;
}

/**
 * Shortens the internal members (`INTERNAL_NAME`) of the kit's modules after they are compiled, with
 * esbuild's property mangling over the one mapping of `internalNames()`: app bundlers never rename
 * properties, only the kit's own build can. Quoted names are left alone. Add it after the compile
 * step (`compileKit`) of any build of the kit: chunks of different builds then agree on names.
 */
export function mangleInternals() {
  const cache = internalNames();
  const kit = new RegExp(`[\\\\/](${SOURCE_DIRS.join('|')})[\\\\/].*\\.ts$`);
  return {
    name: 'mangle-internals',
    async transform(code, id) {
      if (!kit.test(id) || !/[A-Za-z0-9$]_\b/.test(code)) return null;
      const out = await transform(code, { loader: 'js', format: 'esm', mangleProps: INTERNAL_NAME, mangleCache: cache, legalComments: 'none', logLevel: 'silent' });
      const added = Object.keys(out.mangleCache ?? {}).filter((name) => !(name in cache));
      if (added.length > 0) this.error(`mangle: ${added.join(', ')} in ${id} not in the mapping`);
      return { code: out.code, map: null };
    },
  };
}

/** One declaration build for `input`, written for both module formats: `dist/<name>.d.ts` and `.d.cts`. */
export function declarations(name, input, external) {
  return {
    input,
    ...(external ? { external } : {}),
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
  };
}
