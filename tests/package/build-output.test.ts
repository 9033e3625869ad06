/**
 * What the package's own build does that an app's bundler cannot: internal member names (the
 * `name_` convention) shortened with one mapping for every chunk and format, and the H5 / Node
 * builds on the platform's AbortController, the DSL kit alone keeping the stand-in.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { filesUnder } from '../support/files';
import { loadRepoModule } from '../demo-server/helpers';

const root = resolve(__dirname, '../..');
const dist = join(root, 'dist');
/** The files of the package's H5 / Node builds: entries, shared chunks (ESM and CommonJS), the IIFE. */
const h5Files = filesUnder(dist).filter((f) => /\.(c?js)$/.test(f) && !f.includes(`${join('dist', 'miniprogram')}`) && !f.endsWith('miniprogram.cjs'));
const read = (f: string) => readFileSync(f, 'utf8');

interface Parts {
  INTERNAL_NAME: RegExp;
  internalNames(root?: string): Record<string, string>;
}
let parts: Parts;
beforeAll(async () => {
  parts = (await loadRepoModule('scripts/rollup-parts.mjs')) as Parts;
});

test('no internal member name is left in the H5 and Node builds', () => {
  expect(h5Files.length).toBeGreaterThan(10);
  for (const file of h5Files) {
    // A property access or key with the convention's trailing `_` (locals keep theirs: app bundlers shorten them).
    const left = [...read(file).matchAll(/(?:\.|[{,]\s*)([A-Za-z$][\w$]*[A-Za-z0-9$]_)(?=\s*[:(=,;)}.\s])/g)].map((m) => m[1]!).filter((n) => parts.INTERNAL_NAME.test(n));
    expect({ file, left: left.filter((n) => !/^(const|let|var|function)$/.test(n)) }).toEqual({ file, left: [] });
  }
});

test('one mapping from the sources: every internal name gets the same short name in every build', () => {
  const mapping = parts.internalNames(root);
  const names = Object.keys(mapping);
  expect(names).toEqual(expect.arrayContaining(['controller_', 'waiters_', 'fetchCode_', 'consentCode_']));
  const short = Object.values(mapping);
  expect(new Set(short).size).toBe(short.length);
  // Never a name the kit's objects (or the DOM's elements) carry for real.
  for (const name of ['id', 'at', 'of', 'is', 'v']) expect(short).not.toContain(name);
  // The flight's controller is read in the shared chunk and the entry: the same name in both formats.
  const esm = h5Files.filter((f) => f.endsWith('.js')).map(read).join('\n');
  const cjs = h5Files.filter((f) => f.endsWith('.cjs')).map(read).join('\n');
  for (const text of [esm, cjs]) expect(text).toContain(`.${mapping.controller_}.signal`);
});

test('the H5 elements’ own member names take their short names after every other (the core and the DSL kit keep the shortest)', () => {
  const mapping = parts.internalNames(root);
  const sources = ['utils', 'components', 'server'].flatMap((dir) => filesUnder(join(root, dir))).filter((f) => f.endsWith('.ts'));
  const isElement = (f: string) => /^components[\\/](?!(?:.*[\\/])?miniprogram[\\/])/.test(f.slice(root.length + 1));
  const beyond = new Set(sources.filter((f) => !isElement(f)).flatMap((f) => [...read(f).matchAll(/[A-Za-z$][\w$]*/g)].map((m) => m[0])));
  const elementOnly = Object.keys(mapping).filter((name) => !beyond.has(name));
  const others = Object.keys(mapping).filter((name) => beyond.has(name));
  // The elements' members follow the convention too (`this.render_()`).
  expect(elementOnly).toEqual(expect.arrayContaining(['render_', 'root_', 'wrapper_']));
  // Short names are given in order: every other name got one before any element's.
  const order = Object.values(mapping);
  const lastOther = Math.max(...others.map((name) => order.indexOf(mapping[name]!)));
  const firstElement = Math.min(...elementOnly.map((name) => order.indexOf(mapping[name]!)));
  expect(lastOther).toBeLessThan(firstElement);
});

test('the CommonJS build and the ESM build work together on one page (shared objects agree on names)', async () => {
  // The prompt lock is kept on the host and shared by every copy of the kit: an ESM authorizer and
  // a CommonJS one take turns on it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cjs = require(join(dist, 'index.cjs')) as typeof import('../../utils');
  const esm = (await loadRepoModule('dist/index.js')) as typeof import('../../utils');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createWalletSimulator } = require(join(dist, 'testing.cjs')) as typeof import('../../utils/testing');
  const sim = createWalletSimulator({ user: 'manual' });
  const submit = async () => ({});
  const a = cjs.createAuthorizer({ submit, host: sim.my, engagementTarget: null, storage: cjs.memoryStorage() });
  const b = esm.createAuthorizer({ submit, host: sim.my, engagementTarget: null, storage: esm.memoryStorage() });
  const first = a.authorize('USER_NAME', { gesture: true });
  const second = b.authorize('USER_CONTACTINFO', { gesture: true });
  await new Promise((r) => setImmediate(r));
  expect(sim.prompts.map((p) => p.scopes)).toEqual([['USER_NAME']]);
  sim.prompts[0]!.allow();
  await expect(first).resolves.toMatchObject({ scopes: ['USER_NAME'] });
  await new Promise((r) => setImmediate(r));
  expect(sim.prompts.map((p) => p.scopes)).toEqual([['USER_CONTACTINFO']]);
  sim.prompts[0]!.allow();
  await expect(second).resolves.toMatchObject({ scopes: ['USER_CONTACTINFO'] });
});

test('the H5 and Node builds use the platform AbortController; the DSL kit keeps the stand-in', () => {
  const STAND_IN = 'This operation was aborted';
  for (const file of h5Files) expect({ file, standIn: read(file).includes(STAND_IN) }).toEqual({ file, standIn: false });
  const dsl = filesUnder(join(dist, 'miniprogram')).filter((f) => f.endsWith('.js'));
  expect(dsl.some((f) => read(f).includes(STAND_IN))).toBe(true);
  expect(read(join(dist, 'miniprogram.cjs'))).toContain(STAND_IN);
});
