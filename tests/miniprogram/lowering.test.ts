/**
 * The DSL build's lowering to ES2015 (miniprogram.config.mjs, `lowerToEs2015`): `??` on a chain of
 * property reads reads it twice instead of keeping it in a temporary (smaller once minified), and
 * never evaluates a call twice.
 */
import { runInNewContext } from 'node:vm';
import { loadRepoModule } from '../demo-server/helpers';

type Lower = () => { renderChunk(code: string): Promise<{ code: string }> };
let lower: (code: string) => Promise<string>;

beforeAll(async () => {
  const { lowerToEs2015 } = (await loadRepoModule('miniprogram.config.mjs')) as { lowerToEs2015: Lower };
  lower = async (code) => (await lowerToEs2015().renderChunk(code)).code;
});

test('`??` on a chain of property reads: no temporary, the same values as the operator', async () => {
  const out = await lower('(o, k) => [o.a ?? 1, o.b.c ?? 2, o[k] ?? 3, o[0] ?? 4, this.x ?? 5];');
  expect(out).not.toMatch(/\?\?|\bvar\b|_o\$/);
  const f = runInNewContext(out) as (o: unknown, k: string) => unknown[];
  expect(f({ a: null, b: { c: undefined }, k: undefined }, 'k')).toEqual([1, 2, 3, 4, 5]);
  expect(f({ a: 0, b: { c: '' }, k: false, 0: null }, 'k')).toEqual([0, '', false, 4, 5]);
});

test('`??` on a call or through one keeps a temporary: the call runs once', async () => {
  const out = await lower('(g) => [g() ?? 1, g().a ?? 2, g()[0] ?? 3];');
  expect(out).not.toMatch(/\?\?/);
  let calls = 0;
  const f = runInNewContext(out) as (g: () => unknown) => unknown[];
  expect(f(() => (calls++, { a: 7, 0: null }))).toEqual([{ a: 7, 0: null }, 7, 3]);
  expect(calls).toBe(3);
});
