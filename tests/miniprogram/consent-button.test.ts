/**
 * <consent-button> in a DSL page, as a user meets it: the shipped files in the harness, taps
 * through the `onTap` its AXML names, `my` from the wallet simulator as a free variable.
 */
import { button, byClass, classesOf, elements, textOf } from './harness';
import { callback, setup } from './helpers';

const NAME = 'USER_NAME USER_AVATAR';

test('a tap asks the wallet inside the tap handler its AXML names, then shows the grant', async () => {
  const { mp, sim, submitted } = setup({ user: 'manual' });
  const onAuthorized = callback();
  const cb = await mp.mount('consent-button', { scopes: NAME, onAuthorized }, 'Show my name');
  expect(cb.data.state).toBe('idle');
  expect(textOf(cb.view)).toBe('Show my name');
  expect(sim.calls).toHaveLength(0);

  const handlers = mp.tap(button(cb.view, 'Show my name'));
  // Synchronously, inside that one handler call: the wallet's prompt is open.
  expect(handlers).toEqual(['onTap']);
  expect(sim.calls.map((c) => [...c.scopes])).toEqual([['USER_NAME', 'USER_AVATAR']]);
  expect(cb.data.state).toBe('pending');

  await mp.settle();
  expect(byClass(cb.view, 'mak-consent-spinner')).toHaveLength(1);
  // Told in the status region (role="status": what Alipay documents; no aria-live or aria-busy).
  const status = () => elements(cb.view).find((e) => e.attrs.role === 'status')!;
  expect(textOf(status())).toBe('Waiting for your wallet…');

  sim.prompts[0]?.allow();
  await mp.settle();
  expect(cb.data.state).toBe('authorized');
  expect(textOf(cb.view)).toBe('Show my name Access allowed');
  expect(textOf(status())).toBe('Access allowed');
  expect(byClass(cb.view, 'mak-consent-check')).toHaveLength(1);
  expect(onAuthorized.payloads).toEqual([{ session: expect.objectContaining({ scopes: ['USER_NAME', 'USER_AVATAR'] }) }]);
  expect(submitted).toEqual([['USER_NAME', 'USER_AVATAR']]);
});

test('it is authorized at mount when the session already covers its scopes, without asking', async () => {
  const { mp, sim, authorizer } = setup();
  await authorizer.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  const calls = sim.calls.length;
  const cb = await mp.mount('consent-button', { scopes: ['USER_AVATAR', 'USER_NAME'] });
  expect(cb.data.state).toBe('authorized');
  expect(textOf(cb.view)).toBe('Allow access Access allowed');
  expect(sim.calls).toHaveLength(calls);
});

test('a refusal shows the denied state with its rationale; a new tap asks again', async () => {
  const { mp, sim } = setup({ user: 'deny' });
  const onDenied = callback();
  const cb = await mp.mount('consent-button', { scopes: NAME, rationale: 'We print your name on your orders.', onDenied }, 'Show my name');
  mp.tap(button(cb.view, 'Show my name'));
  await mp.settle();
  expect(cb.data.state).toBe('denied');
  expect(textOf(cb.view)).toBe('Show my name Not allowed yet. Tap to allow access. We print your name on your orders.');
  expect(onDenied.payloads).toEqual([{ scopes: ['USER_NAME', 'USER_AVATAR'], error: expect.objectContaining({ name: 'AuthError', code: 'USER_CANCELLED' }) }]);

  sim.setUser('allow');
  mp.tap(button(cb.view, 'Show my name'));
  expect(sim.calls).toHaveLength(2);
  await mp.settle();
  expect(cb.data.state).toBe('authorized');
});

test('without a rationale of its own, the denied state explains with the text of the data group, from the authorizer’s catalogue', async () => {
  const { mp } = setup({ user: 'deny', authorizer: {} });
  const cb = await mp.mount('consent-button', { scopes: 'USER_CONTACTINFO' });
  mp.tap(button(cb.view, 'Allow access'));
  await mp.settle();
  expect(textOf(byClass(cb.view, 'mak-consent-rationale'))).toBe('Your phone number and email are used to contact you about this service.');

  const claro = setup({ user: 'deny' });
  const claroAuthorizer = claro.mp.kit.createAuthorizer({ catalogue: claro.mp.kit.CLARO_SCOPES, submit: () => Promise.resolve({}) });
  claro.mp.kit.provideAuthorizer(claroAuthorizer);
  const kyc = await claro.mp.mount('consent-button', { scopes: 'User_Customer_KYC_Info' });
  claro.mp.tap(button(kyc.view, 'Allow access'));
  await claro.mp.settle();
  expect(textOf(byClass(kyc.view, 'mak-consent-rationale'))).toBe('Your identity details (ID type and number, name) are used to verify your account.');
});

test.each([
  [1002, 'SERVICE_ERROR', 'Something went wrong. Tap to try again.'],
  [4, 'NO_PERMISSION', 'This isn’t available right now.'],
])('wallet error %s: the error state says %s and onError gets the AuthError', async (walletError, code, message) => {
  const { mp, sim } = setup();
  const onError = callback();
  const cb = await mp.mount('consent-button', { scopes: NAME, onError });
  sim.failNext({ error: walletError });
  mp.tap(button(cb.view, 'Allow access'));
  await mp.settle();
  expect(cb.data.state).toBe('error');
  expect(textOf(byClass(cb.view, 'mak-consent-message'))).toBe(message);
  expect(onError.payloads).toEqual([{ error: expect.objectContaining({ name: 'AuthError', code }) }]);
});

test('mounted before provideAuthorizer it renders disabled and calls onError; once provided it works', async () => {
  const { mp, sim, authorizer } = setup({ provide: false });
  const onError = callback();
  const cb = await mp.mount('consent-button', { scopes: NAME, onError }, 'Show my name');
  const tag = button(cb.view, 'Show my name');
  expect(tag.attrs.disabled).toBe(true);
  expect(cb.data.state).toBe('error');
  expect(onError.payloads).toEqual([{ error: expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('provideAuthorizer') }) }]);
  expect(mp.tap(tag)).toEqual([]);
  expect(sim.calls).toHaveLength(0);

  mp.kit.provideAuthorizer(authorizer);
  await mp.settle();
  expect(button(cb.view, 'Show my name').attrs.disabled).toBe(false);
  expect(cb.data.state).toBe('idle');
  mp.tap(button(cb.view, 'Show my name'));
  expect(sim.calls).toHaveLength(1);
  await mp.settle();
  expect(cb.data.state).toBe('authorized');
  expect(onError).toHaveBeenCalledTimes(1);
});

test.each([
  ['a name with a space and a bang', 'USER_NAME!'],
  ['an empty string', ''],
  ['an array of numbers', [1, 2]],
  ['a number', 42],
  ['an array with one bad name', ['USER_NAME', 'no-dashes']],
])('bad scopes (%s) render disabled and call onError with INVALID_SCOPE, once', async (_, scopes) => {
  const { mp, sim } = setup();
  const onError = callback();
  const cb = await mp.mount('consent-button', { scopes, onError });
  expect(button(cb.view, 'Allow access').attrs.disabled).toBe(true);
  expect(mp.tap(button(cb.view, 'Allow access'))).toEqual([]);
  expect(sim.calls).toHaveLength(0);
  await cb.setProps({ rationale: 'still bad' });
  expect(onError.payloads).toEqual([{ error: expect.objectContaining({ name: 'AuthError', code: 'INVALID_SCOPE' }) }]);
});

test('scopes fixed later enable the button; broken again, onError is called again', async () => {
  const { mp } = setup();
  const onError = callback();
  const cb = await mp.mount('consent-button', { scopes: 'bad scope!', onError });
  await cb.setProps({ scopes: 'USER_NAME' });
  expect(button(cb.view, 'Allow access').attrs.disabled).toBe(false);
  expect(onError).toHaveBeenCalledTimes(1);
  await cb.setProps({ scopes: ['USER_NAME', '?'] });
  expect(button(cb.view, 'Allow access').attrs.disabled).toBe(true);
  expect(onError).toHaveBeenCalledTimes(2);
});

test.each([
  ['ar', 'اسمح بالوصول', 'mak-rtl'],
  ['ar-IQ', 'اسمح بالوصول', 'mak-rtl'],
  ['ku', 'ڕێگە بدە', 'mak-rtl'],
  ['ckb', 'ڕێگە بدە', 'mak-rtl'],
  ['en', 'Allow access', 'mak-ltr'],
  ['fr', 'Allow access', 'mak-ltr'],
  [42, 'Allow access', 'mak-ltr'],
])('locale %s: the built-in texts (%s…) of that language, unknown ones English, direction class %s', async (locale, label, direction) => {
  const { mp } = setup({ user: 'deny' });
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', locale });
  const root = elements(cb.view, 'view')[0];
  expect(classesOf(root!)).toContain(direction);
  mp.tap(button(cb.view, label));
  await mp.settle();
  const denied = { ar: 'لم يُسمح بالوصول بعد. اضغط لتسمح بالوصول.', ku: 'هێشتا ڕێگە نەدراوە. دەست لێ بدە بۆ ڕێگەدان.' };
  const expected = direction === 'mak-rtl' ? denied[label === 'ڕێگە بدە' ? 'ku' : 'ar'] : 'Not allowed yet. Tap to allow access.';
  expect(textOf(byClass(cb.view, 'mak-consent-message'))).toBe(expected);
});

test('the disabled prop disables the button (also bare, as in HTML; the string "false" does not); className and the state reach the root', async () => {
  const { mp, sim } = setup();
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', disabled: true, className: 'checkout-consent' });
  const root = elements(cb.view, 'view')[0]!;
  expect(classesOf(root)).toEqual(expect.arrayContaining(['mak-consent', 'mak-consent--idle', 'checkout-consent']));
  expect(root.attrs['data-state']).toBe('idle');
  expect(mp.tap(button(cb.view, 'Allow access'))).toEqual([]);
  expect(sim.calls).toHaveLength(0);
  await cb.setProps({ disabled: '' });
  expect(mp.tap(button(cb.view, 'Allow access'))).toEqual([]);
  await cb.setProps({ disabled: 'false' });
  mp.tap(button(cb.view, 'Allow access'));
  expect(sim.calls).toHaveLength(1);
  await mp.settle();
  expect(classesOf(elements(cb.view, 'view')[0]!)).toContain('mak-consent--authorized');
});

test('its own tap handler refuses while disabled, also when a base library lets the tap through', async () => {
  const { mp, sim } = setup();
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', disabled: true });
  // Called as the engine calls it, past the harness's disabled <button>.
  cb.instance.api.onTap({ type: 'tap', timeStamp: 1, target: {}, currentTarget: { dataset: {} }, detail: {} });
  expect(sim.calls).toHaveLength(0);
  expect(cb.data.state).toBe('idle');
});

test('its tap is the user engaging: a consent request made by code afterwards does not wait for another tap', async () => {
  const { mp, sim, authorizer } = setup({ user: 'manual' });
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME' });
  expect(authorizer.engaged).toBe(false);
  mp.tap(button(cb.view, 'Allow access'));
  expect(authorizer.engaged).toBe(true);
  sim.prompts[0]?.allow();
  await mp.settle();
  const later = authorizer.authorize('NOTIFICATION_INBOX', { defer: false });
  await mp.settle();
  expect(sim.calls.map((c) => [...c.scopes])).toEqual([['USER_NAME'], ['NOTIFICATION_INBOX']]);
  sim.prompts[0]?.allow();
  await expect(later).resolves.toMatchObject({ scopes: expect.arrayContaining(['NOTIFICATION_INBOX']) });
});

test('a label prop replaces the built-in label when the page gives no content; the page’s content wins', async () => {
  const { mp } = setup();
  const labelled = await mp.mount('consent-button', { scopes: 'USER_NAME', label: 'Use my name' });
  expect(textOf(labelled.view)).toBe('Use my name');
  const slotted = await mp.mount('consent-button', { scopes: 'USER_NAME', label: 'Use my name' }, 'Show my name');
  expect(textOf(slotted.view)).toBe('Show my name');
});

test('it follows the authorizer live: a grant elsewhere authorizes it, a sign-out brings it back to idle', async () => {
  const { mp, authorizer } = setup();
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME' });
  await authorizer.authorize('USER_NAME', { gesture: true });
  await mp.settle();
  expect(cb.data.state).toBe('authorized');
  await authorizer.signOut();
  await mp.settle();
  expect(cb.data.state).toBe('idle');
});

test('unmounted, it stops following the authorizer', async () => {
  const { mp, authorizer } = setup();
  const page = await mp.openTestPage('<consent-button a:if="{{show}}" scopes="USER_NAME" />', { data: { show: true } }, { 'consent-button': 'consent-button' });
  const instance = mp.runtime.live.values().next().value!;
  mp.runtime.setData(page, { show: false });
  await mp.settle();
  expect(instance.unmounted).toBe(true);
  expect(mp.runtime.live.size).toBe(0);
  const writes = mp.runtime.setDataLog.length;
  await authorizer.authorize('USER_NAME', { gesture: true });
  await mp.settle();
  expect(mp.runtime.setDataLog.length).toBe(writes);
  expect(instance.api.data.state).toBe('idle');
});

test('several buttons, one handler: each call’s second argument carries that button’s data-* as its dataset (antd-mini’s convention)', async () => {
  const { mp, sim } = setup({ user: 'deny' });
  const onDenied = callback();
  const onAuthorized = callback();
  const page = await mp.openTestPage(
    `<consent-button scopes="USER_NAME" data-field="name" data-order-id="{{order}}" onDenied="onDenied" onAuthorized="onAuthorized">Name</consent-button>
     <consent-button scopes="USER_CONTACTINFO" data-field="phone" onDenied="onDenied" onAuthorized="onAuthorized">Phone</consent-button>`,
    { data: { order: 42 }, onDenied, onAuthorized },
    { 'consent-button': 'consent-button' },
  );
  mp.tap(button(mp.tree(page), 'Phone'));
  await mp.settle();
  sim.setUser('allow');
  mp.tap(button(mp.tree(page), 'Name'));
  await mp.settle();
  expect(onDenied.payloads.map((p) => p.scopes)).toEqual([['USER_CONTACTINFO']]);
  expect(onDenied.events).toEqual([{ currentTarget: { dataset: { field: 'phone' } }, target: { dataset: { field: 'phone' } } }]);
  expect(onAuthorized.events).toEqual([{ currentTarget: { dataset: { field: 'name', orderId: 42 } }, target: { dataset: { field: 'name', orderId: 42 } } }]);
});

test('style reaches the root; a disabled button is told by a class and has no pressed look (ACSS has no [disabled] selector)', async () => {
  const { mp } = setup();
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', disabled: true, style: 'margin-top: 12px' });
  expect(elements(cb.view, 'view')[0]?.attrs.style).toBe('margin-top: 12px');
  expect(classesOf(button(cb.view, 'Allow access'))).toContain('mak-btn--disabled');
  expect(button(cb.view, 'Allow access').attrs['hover-class']).toBe('none');
  await cb.setProps({ disabled: false });
  expect(classesOf(button(cb.view, 'Allow access'))).not.toContain('mak-btn--disabled');
  expect(button(cb.view, 'Allow access').attrs['hover-class']).toBe('mak-btn--pressed');
});
