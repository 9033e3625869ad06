/**
 * The DSL build's lowering to ES2015 (miniprogram.config.mjs, `lowerToEs2015`): `??` and `?.` after
 * a chain of property reads read it twice instead of keeping it in a temporary (smaller once
 * minified), with the operators' values and `this`, and never evaluate a call twice.
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

test('`?.` after a chain of property reads: no temporary, the operator’s values, `this` kept for calls', async () => {
  const out = await lower('(o) => [o.a?.b, o.a?.b.c, o.f?.(), o.a?.m(), o.a?.[0]];');
  expect(out).not.toMatch(/\?\.|\bvar\b/);
  const f = runInNewContext(out) as (o: unknown) => unknown[];
  expect(f({ a: null, f: undefined })).toEqual([undefined, undefined, undefined, undefined, undefined]);
  const a = { b: { c: 3 }, 0: 'zero', m(this: unknown) { return this === a; } };
  expect(f({ a, f(this: { a: unknown }) { return this.a === a; } })).toEqual([{ c: 3 }, 3, true, true, 'zero']);
  // `?.` short-circuits its own link only: a null further on throws (a TypeError of the vm's realm).
  expect(() => f({ a: { b: null } })).toThrow(/null/);
});

test('`?.` after a call: the call runs once', async () => {
  const out = await lower('(g) => [g()?.a, g().b?.c, g().b?.c?.d];');
  expect(out).not.toMatch(/\?\./);
  let calls = 0;
  const f = runInNewContext(out) as (g: () => unknown) => unknown[];
  expect(f(() => (calls++, { a: 1, b: { c: 2 } }))).toEqual([1, 2, undefined]);
  expect(calls).toBe(3);
});

test('a chain called as a whole keeps `this`, and `delete` through `?.` deletes (left to babel)', async () => {
  const out = await lower('(o) => [(o.a?.m)(), delete o.a?.b, o.a];');
  expect(out).not.toMatch(/\?\./);
  const f = runInNewContext(out) as (o: unknown) => unknown[];
  const a = { b: 1, m(this: unknown) { return this === a; } };
  const [kept, deleted, left] = f({ a });
  expect([kept, deleted, left]).toEqual([true, true, { m: a.m }]);
  const remove = runInNewContext(await lower('(o) => delete o.a?.b')) as (o: unknown) => boolean;
  expect(remove({ a: null })).toBe(true);
});
