/**
 * The harness models what it claims of the DSL engine (a fixture app, not the kit): props
 * defaults, the component2 lifecycle order (and the one without component2), setData with path
 * keys, didUpdate's previous props and data, a parent's handler as a prop, slots,
 * a:if/a:elif/a:else, a:for with its own names, dataset on tap events, unmounting, `$page` (the
 * page or a wrapper of it), page mixins and events, and the forbidden globals being undefined inside.
 */
import { join } from 'node:path';
import { createWalletSimulator } from '../../utils/testing';
import { button, components, elements, ENGINES, MiniProgram, textOf, type Engine } from './harness';
import { bundle, run } from './harness/load';

const ROOT = join(__dirname, 'fixtures/probe-app');

async function open(engine: Engine = ENGINES.alipay) {
  const mp = new MiniProgram({
    my: createWalletSimulator().my,
    project: { root: ROOT, pages: ['pages/index/index'] },
    modules: { probe: join(ROOT, 'components/probe/index.js') },
    engine,
  });
  mp.launch();
  const page = await mp.navigateTo('pages/index/index');
  return { mp, page, log: mp.modules.probe.log as unknown[][], pages: mp.modules.probe.pages as unknown[] };
}

test('props defaults, lifecycle order, setData with path keys, and what didUpdate receives', async () => {
  const { mp, page, log } = await open();
  expect(log).toEqual([
    ['onInit', 'One'],
    ['deriveDataFromProps', 'One'],
    ['didMount', 'default extra'],
    ['deriveDataFromProps', 'One'],
    ['didUpdate', 'One', 'x'],
  ]);
  const probe = components(mp.tree(page), 'probe')[0]!;
  expect(textOf(probe)).toBe('One y changed Slot text Ping');

  log.length = 0;
  mp.runtime.setData(page, { title: 'Two' });
  await mp.settle();
  expect(log).toEqual([
    ['deriveDataFromProps', 'Two'],
    ['didUpdate', 'One', 'y'],
  ]);
  expect(textOf(components(mp.tree(page), 'probe')[0]!)).toContain('Two y changed');
});

test('a tap goes to the method the AXML names; a handler prop reaches the parent; dataset is camelCased', async () => {
  const { mp, page } = await open();
  expect(mp.tap(button(mp.tree(page), 'Ping'))).toEqual(['onTap']);
  expect(page.api.pings).toEqual([{ from: 'One' }]);
  const rows = elements(mp.tree(page), 'view').filter((v) => v.attrs.onTap === 'onRow');
  expect(rows.map((r) => textOf(r))).toEqual(['0: first', '1: second']);
  mp.tap(rows[1]!);
  expect(page.api.rowTaps).toEqual(['r2']);
});

test('a:if/a:elif/a:else render one branch; a component no longer rendered is unmounted', async () => {
  const { mp, page, log } = await open();
  const branch = () => elements(mp.tree(page), 'text').map((t) => textOf(t)).filter((t) => t.length === 1);
  expect(branch()).toEqual(['A']);
  mp.runtime.setData(page, { mode: 'b' });
  await mp.settle();
  expect(branch()).toEqual(['B']);
  mp.runtime.setData(page, { mode: 'z', show: false });
  await mp.settle();
  expect(branch()).toEqual(['C']);
  expect(components(mp.tree(page), 'probe')).toHaveLength(0);
  expect(log[log.length - 1]).toEqual(['didUnmount']);
});

test('inside the vm, the forbidden globals are undefined and my is a free variable', () => {
  const probe = join(__dirname, 'fixtures/globals-probe.js');
  const code = bundle([], { probe });
  const { modules } = run(code, [], { component() {}, page() {}, app() {} }, { my: { marker: 1 } });
  expect(modules.probe.seen()).toEqual({ globalThis: 'undefined', global: 'undefined', window: 'undefined', self: 'undefined', document: 'undefined', my: 1 });
});

test('without component2, only didMount, didUpdate (new props, new data) and didUnmount run', async () => {
  const { mp, page, log } = await open(ENGINES['no-component2']);
  expect(log).toEqual([
    ['didMount', 'default extra'],
    ['didUpdate', 'One', 'x'],
  ]);
  log.length = 0;
  mp.runtime.setData(page, { title: 'Two' });
  await mp.settle();
  expect(log).toEqual([['didUpdate', 'One', 'y']]);
});

test('a component’s $page: the page itself on Alipay; on the page-wrapper engine a Proxy of it that reads the same', async () => {
  const alipay = await open();
  const top = alipay.mp.runtime.globals().getCurrentPages as () => unknown[];
  expect(alipay.pages[0]).toBe(top().at(-1));

  const wrapped = await open(ENGINES['page-wrapper']);
  const page = (wrapped.mp.runtime.globals().getCurrentPages as () => Record<string, unknown>[])().at(-1)!;
  const seen = wrapped.pages[0] as Record<string, unknown>;
  expect(seen).not.toBe(page);
  expect([seen.route, seen.$viewId, seen.data]).toEqual([page.route, page.$viewId, page.data]);
});

test('a page’s mixins: their lifecycles run before the page’s own, their methods are the page’s unless it has its own; its events object answers page events', async () => {
  const { mp } = await open();
  const calls: string[] = [];
  const mixin = { onLoad: () => calls.push('mixin onLoad'), onShared: () => 'mixin', onOwn: () => 'mixin', events: { onBack: () => calls.push('mixin onBack') } };
  const page = await mp.openTestPage('<view />', { mixins: [mixin], onLoad: () => calls.push('page onLoad'), onOwn: () => 'page', events: { onBack: () => calls.push('page onBack') } });
  expect([page.api.onShared(), page.api.onOwn()]).toEqual(['mixin', 'page']);
  await mp.navigateBack();
  expect(calls).toEqual(['mixin onLoad', 'page onLoad', 'mixin onBack', 'page onBack']);
});
