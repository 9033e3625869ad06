/**
 * Engagement without a DOM: `withAuthorization(pageOptions)` marks the provided authorizer engaged
 * from a page handler that receives a tap, and from loading a page that is not the first of the
 * stack; never from the first page's load or from onShow; it never asks the wallet itself. And
 * `provideAuthorizer`, the one place the app hands its authorizer to the components.
 */
import { button, textOf } from './harness';
import { setup } from './helpers';

/** The error `fn` throws (from the mini program's realm: compared by name, not by class). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

test('bad input is a TypeError', () => {
  const { mp } = setup();
  for (const bad of [undefined, null, 'Page', 42, [], () => undefined]) {
    expect(thrown(() => mp.kit.withAuthorization(bad))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('withAuthorization') });
  }
  for (const bad of [undefined, null, {}, { authorize() {} }, 'authorizer']) {
    expect(thrown(() => mp.kit.provideAuthorizer(bad))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('provideAuthorizer') });
  }
});

test('a tap handler runs with the user already engaged; other events do not engage', async () => {
  const { mp, authorizer } = setup();
  const seen: boolean[] = [];
  const options = mp.kit.withAuthorization({
    data: { title: 'Shop' },
    onAdd(this: { data: { title: string } }) {
      seen.push(authorizer.engaged, this.data.title === 'Shop');
    },
    onInput() {
      seen.push(authorizer.engaged);
    },
  });
  const page = await mp.openTestPage('<view><input onInput="onInput" /><button onTap="onAdd">Add</button></view>', options);
  page.api.onInput({ type: 'input', detail: { value: 'x' } });
  expect(authorizer.engaged).toBe(false);
  mp.tap(button(mp.tree(page), 'Add'));
  expect(seen).toEqual([false, true, true]);
});

test('a long press engages too', async () => {
  const { mp, authorizer } = setup();
  const page = await mp.openTestPage('<view onLongTap="onHold">Hold me</view>', mp.kit.withAuthorization({ onHold() {} }));
  mp.tap(mp.tree(page)[0] as never, 'longTap');
  expect(authorizer.engaged).toBe(true);
});

test('loading the first page does not engage, onShow never does; a page opened on top of it does', async () => {
  const { mp, authorizer } = setup();
  const events: string[] = [];
  const options = (name: string) =>
    mp.kit.withAuthorization({
      onLoad() {
        events.push(`${name} load, engaged ${authorizer.engaged}`);
      },
      onShow() {
        events.push(`${name} show`);
      },
    });
  await mp.openTestPage('<view>First</view>', options('first'));
  mp.runtime.callPage(mp.top!, 'onShow');
  expect(authorizer.engaged).toBe(false);
  await mp.openTestPage('<view>Second</view>', options('second'));
  expect(authorizer.engaged).toBe(true);
  expect(events).toEqual(['first load, engaged false', 'first show', 'first show', 'second load, engaged true', 'second show']);
});

test('a tap on the tab bar engages (onTabItemTap)', async () => {
  const { mp, authorizer } = setup();
  const page = await mp.openTestPage('<view>Cart</view>', mp.kit.withAuthorization({ onTabItemTap() {} }));
  mp.runtime.callPage(page, 'onTabItemTap', { from: 'tap', pagePath: 'pages/cart/index', text: 'Cart', index: 1 });
  expect(authorizer.engaged).toBe(true);
});

test('a page with no onLoad of its own, opened on top of another, engages all the same', async () => {
  const { mp, authorizer } = setup();
  await mp.openTestPage('<view>First</view>', mp.kit.withAuthorization({ data: {} }));
  expect(authorizer.engaged).toBe(false);
  await mp.openTestPage('<view>Second</view>', mp.kit.withAuthorization({ data: {} }));
  expect(authorizer.engaged).toBe(true);
});

test('a tab page with no onTabItemTap of its own engages on a tap of the tab bar', async () => {
  const { mp, authorizer } = setup();
  const page = await mp.openTestPage('<view>Me</view>', mp.kit.withAuthorization({ data: {} }));
  expect(authorizer.engaged).toBe(false);
  mp.runtime.callPage(page, 'onTabItemTap', { from: 'tap', pagePath: 'pages/me/index', text: 'Me', index: 2 });
  expect(authorizer.engaged).toBe(true);
});

test('it returns a copy: the original options are untouched, data and fields kept; it never calls the wallet', async () => {
  const { mp, sim } = setup();
  const onLoad = () => undefined;
  const original = { data: { n: 1 }, products: ['dates'], onLoad };
  const wrapped = mp.kit.withAuthorization(original);
  expect(original.onLoad).toBe(onLoad);
  expect(wrapped.data).toBe(original.data);
  expect(wrapped.products).toBe(original.products);
  const page = await mp.openTestPage('<button onTap="onLoad">Tap</button>', wrapped);
  mp.tap(button(mp.tree(page), 'Tap'));
  await mp.openTestPage('<view />', mp.kit.withAuthorization({ onLoad }));
  expect(sim.calls).toHaveLength(0);
});

test('a consent request made by code waits for the user’s first tap, then goes through the page’s sheet', async () => {
  const { mp, sim, authorizer } = setup();
  const page = await mp.openTestPage(
    '<view><button onTap="onAdd">Add to cart</button><consent-prompt /></view>',
    mp.kit.withAuthorization({
      onLoad() {
        void authorizer.authorize('NOTIFICATION_INBOX').catch(() => undefined);
      },
      onAdd() {},
    }),
    { 'consent-prompt': 'consent-prompt' },
  );
  expect(textOf(mp.tree(page))).toBe('Add to cart');
  mp.tap(button(mp.tree(page), 'Add to cart'));
  await mp.settle();
  expect(textOf(mp.tree(page))).toContain('Get updates in your wallet inbox? Allow notifications');
  expect(sim.calls).toHaveLength(0);
});

test('providing another authorizer moves the mounted components over to it', async () => {
  const { mp, authorizer } = setup();
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME' });
  await authorizer.authorize('USER_NAME', { gesture: true });
  await mp.settle();
  expect(cb.data.state).toBe('authorized');
  const other = mp.kit.createAuthorizer({ storageKey: 'another-app', submit: () => Promise.resolve({}) });
  mp.kit.provideAuthorizer(other);
  await mp.settle();
  expect(cb.data.state).toBe('idle');
});

test('the user actions of the page’s events object engage: a tab bar tap (before and after it switches), the back button', async () => {
  for (const [event, fire] of [
    ['beforeTabItemTap', (mp: any, page: any) => mp.runtime.pageEvent(page, 'beforeTabItemTap', { index: 1 })],
    ['onTabItemTap', (mp: any, page: any) => mp.runtime.pageEvent(page, 'onTabItemTap', { index: 1 })],
    ['onBack', (mp: any) => mp.navigateBack()],
  ] as const) {
    const { mp, authorizer } = setup();
    const handled: string[] = [];
    const page = await mp.openTestPage('<view>Cart</view>', mp.kit.withAuthorization({ events: { [event]: () => handled.push(`${event}, engaged ${authorizer.engaged}`) } }));
    expect(authorizer.engaged).toBe(false);
    await fire(mp, page);
    expect(handled).toEqual([`${event}, engaged true`]);
  }
});

test('events that are not the user’s own (a resize, the keyboard) do not engage; the events object is a copy', async () => {
  const { mp, authorizer } = setup();
  const onResize = () => undefined;
  const events = { onResize, onKeyboardHeight() {} };
  const options = mp.kit.withAuthorization({ events });
  const page = await mp.openTestPage('<view>Cart</view>', options);
  mp.runtime.pageEvent(page, 'onResize', { size: { windowWidth: 320 } });
  mp.runtime.pageEvent(page, 'onKeyboardHeight', { height: 200 });
  expect(authorizer.engaged).toBe(false);
  expect(options.events).not.toBe(events);
  expect(events.onResize).toBe(onResize);
});

test('methods and events that come from the page’s mixins engage as the page’s own do', async () => {
  const { mp, authorizer } = setup();
  const seen: boolean[] = [];
  const onAdd = () => seen.push(authorizer.engaged);
  const cartMixin = { onAdd, events: { onBack: () => undefined } };
  const page = await mp.openTestPage('<button onTap="onAdd">Add</button>', mp.kit.withAuthorization({ mixins: [cartMixin] }));
  mp.tap(button(mp.tree(page), 'Add'));
  expect(seen).toEqual([true]);

  const second = setup();
  await second.mp.openTestPage('<view>Shop</view>', second.mp.kit.withAuthorization({ mixins: [cartMixin] }));
  await second.mp.navigateBack();
  expect(second.authorizer.engaged).toBe(true);
  // The mixin itself, shared by other pages, is left as it was.
  expect(cartMixin.onAdd).toBe(onAdd);
});
