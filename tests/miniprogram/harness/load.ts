/**
 * Loads shipped mini program files the way antd-mini's tests do: esbuild bundles them (the kit
 * entry and every component in ONE bundle, so they share one module instance, as in the app),
 * and the bundle runs in a `vm` context whose globals are only what a DSL engine gives: `my`,
 * `getCurrentPages`, `getApp`, `App`, `Page`, `Component`, timers and a console that records.
 * `globalThis`, `global`, `window`, `self` and `document` are undefined inside.
 */
import { buildSync } from 'esbuild';
import { relative, resolve, sep } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { babelledDist } from './babel';
import type { Engine } from './engine';
import { DIST, ROOT } from './paths';

export { DIST, ROOT } from './paths';

export interface Entry {
  kind: 'component' | 'page' | 'app';
  /** The `.js` file. */
  file: string;
  /** Component: its path without extension; page: its route. */
  key: string;
}

export type Registrar = Record<Entry['kind'], (options: Record<string, unknown>, entry: Entry) => void>;

/**
 * One bundle: the kit entry and `modules` as exports, then every entry file in order. With the
 * engine's `babel`, the kit's scripts are read from their babel-transformed copy (a project's
 * imports of `miniapp-auth-kit/dist/miniprogram/…` too).
 */
export function bundle(entries: Entry[], modules: Record<string, string> = {}, engine?: Pick<Engine, 'babel'>): string {
  const kitDir = engine?.babel ? babelledDist() : DIST;
  const kitFile = (file: string) => (resolve(file).startsWith(DIST + sep) ? resolve(kitDir, relative(DIST, resolve(file))) : resolve(file));
  const exported = { kit: resolve(DIST, 'index.js'), ...modules };
  const lines = [
    ...Object.entries(exported).map(([name, file]) => `export * as ${name} from ${JSON.stringify(kitFile(file))};`),
    ...entries.map((e) => `import ${JSON.stringify(kitFile(e.file))};`),
  ];
  const out = buildSync({
    stdin: { contents: lines.join('\n'), resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    globalName: '__harness',
    write: false,
    logLevel: 'silent',
    charset: 'utf8',
    // The engine loads each component file itself: the package's `sideEffects: false` must not drop them.
    ignoreAnnotations: true,
    // A project's `import … from 'miniapp-auth-kit/…'` reads this repository's files.
    alias: { 'miniapp-auth-kit/dist/miniprogram': kitDir, 'miniapp-auth-kit': ROOT },
  });
  return (out.outputFiles[0] as { text: string }).text;
}

export interface LoadResult {
  kit: Record<string, any>;
  /** The other modules asked for, by name. */
  modules: Record<string, any>;
  /** What the mini program wrote to its console. */
  logs: unknown[][];
}

/**
 * ES modules run in import order, dependencies first, and each entry file makes exactly one
 * `Component()`, `Page()` or `App()` call: the n-th call belongs to the n-th entry (checked).
 */
export function run(code: string, entries: Entry[], registrar: Registrar, globals: Record<string, unknown>): LoadResult {
  let calls = 0;
  const logs: unknown[][] = [];
  const record = (...args: unknown[]) => void logs.push(args);
  const define = (kind: Entry['kind']) => (options: Record<string, unknown>) => {
    const entry = entries[calls++];
    if (!entry || entry.kind !== kind) throw new Error(`${kind}() call #${calls} does not match the entry files (${entry ? entry.file : 'none left'})`);
    registrar[kind](options, entry);
  };
  const context = createContext({
    ...globals,
    Component: define('component'),
    Page: define('page'),
    App: define('app'),
    setTimeout,
    clearTimeout,
    console: { log: record, info: record, warn: record, error: record, debug: record },
  });
  // The forbidden globals are parameters left undefined: any use of them reads undefined.
  const wrapped = `(function (globalThis, global, window, self, document) {\n${code}\nreturn __harness;\n})`;
  const fn = runInContext(wrapped, context, { filename: 'miniprogram.bundle.js' }) as () => Record<string, any>;
  const { kit, ...modules } = fn.call(undefined);
  if (calls !== entries.length) throw new Error(`${entries.length - calls} entry file(s) made no Component()/Page()/App() call`);
  return { kit, modules, logs };
}
