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
  expect(textOf(cb.view)).toBe('Share my profile Access allowed');
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
  mp.tap(button(cb.view, 'Share my contact details'));
  await mp.settle();
  expect(textOf(byClass(cb.view, 'mak-consent-rationale'))).toBe('Your phone number and email are used to contact you about this service.');

  const claro = setup({ user: 'deny' });
  const claroAuthorizer = claro.mp.kit.createAuthorizer({ catalogue: claro.mp.kit.CLARO_SCOPES, submit: () => Promise.resolve({}) });
  claro.mp.kit.provideAuthorizer(claroAuthorizer);
  const kyc = await claro.mp.mount('consent-button', { scopes: 'User_Customer_KYC_Info' });
  claro.mp.tap(button(kyc.view, 'Share my identity details'));
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
  mp.tap(button(cb.view, 'Share my profile'));
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
  expect(button(cb.view, 'Share my profile').attrs.disabled).toBe(false);
  expect(onError).toHaveBeenCalledTimes(1);
  await cb.setProps({ scopes: ['USER_NAME', '?'] });
  expect(button(cb.view, 'Allow access').attrs.disabled).toBe(true);
  expect(onError).toHaveBeenCalledTimes(2);
});

test.each([
  ['ar', 'شارك ملفي الشخصي', 'mak-rtl'],
  ['ar-IQ', 'شارك ملفي الشخصي', 'mak-rtl'],
  ['ku', 'پرۆفایلەکەم هاوبەش بکە', 'mak-rtl'],
  ['ckb', 'پرۆفایلەکەم هاوبەش بکە', 'mak-rtl'],
  ['en', 'Share my profile', 'mak-ltr'],
  ['fr', 'Share my profile', 'mak-ltr'],
  [42, 'Share my profile', 'mak-ltr'],
])('locale %s: the built-in texts (%s…) of that language, unknown ones English, direction class %s', async (locale, label, direction) => {
  const { mp } = setup({ user: 'deny' });
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', locale });
  const root = elements(cb.view, 'view')[0];
  expect(classesOf(root!)).toContain(direction);
  mp.tap(button(cb.view, label));
  await mp.settle();
  const denied = { ar: 'لم يُسمح بالوصول بعد. اضغط لتسمح بالوصول.', ku: 'هێشتا ڕێگە نەدراوە. دەست لێ بدە بۆ ڕێگەدان.' };
  const expected = direction === 'mak-rtl' ? denied[label === 'پرۆفایلەکەم هاوبەش بکە' ? 'ku' : 'ar'] : 'Not allowed yet. Tap to allow access.';
  expect(textOf(byClass(cb.view, 'mak-consent-message'))).toBe(expected);
});

test('the disabled prop disables the button (also bare, as in HTML; the string "false" does not); className and the state reach the root', async () => {
  const { mp, sim } = setup();
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', disabled: true, className: 'checkout-consent' });
  const root = elements(cb.view, 'view')[0]!;
  expect(classesOf(root)).toEqual(expect.arrayContaining(['mak-consent', 'mak-consent--idle', 'checkout-consent']));
  expect(root.attrs['data-state']).toBe('idle');
  expect(mp.tap(button(cb.view, 'Share my profile'))).toEqual([]);
  expect(sim.calls).toHaveLength(0);
  await cb.setProps({ disabled: '' });
  expect(mp.tap(button(cb.view, 'Share my profile'))).toEqual([]);
  await cb.setProps({ disabled: 'false' });
  mp.tap(button(cb.view, 'Share my profile'));
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
  mp.tap(button(cb.view, 'Share my profile'));
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
  expect(classesOf(button(cb.view, 'Share my profile'))).toContain('mak-btn--disabled');
  expect(button(cb.view, 'Share my profile').attrs['hover-class']).toBe('none');
  await cb.setProps({ disabled: false });
  expect(classesOf(button(cb.view, 'Share my profile'))).not.toContain('mak-btn--disabled');
  expect(button(cb.view, 'Share my profile').attrs['hover-class']).toBe('mak-btn--pressed');
});

describe('the same rules as the H5 element', () => {
  test.each([
    ['en', 'USER_NAME USER_AVATAR', 'Share my profile'],
    ['en', 'auth_base', 'Sign in with my wallet'],
    ['en', 'USER_CONTACTINFO', 'Share my contact details'],
    ['en', 'NOTIFICATION_INBOX', 'Get updates in my wallet inbox'],
    ['en', 'USER_NAME USER_CONTACTINFO', 'Allow access'],
    ['ar', 'USER_NAME', 'شارك ملفي الشخصي'],
    ['ar', 'USER_CONTACTINFO', 'شارك بيانات التواصل الخاصة بي'],
    ['ku', 'USER_NAME', 'پرۆفایلەکەم هاوبەش بکە'],
  ])('with no label (%s, %s), the button names the data it asks for: "%s"', async (locale, scopes, label) => {
    const { mp } = setup();
    const cb = await mp.mount('consent-button', { scopes, locale });
    expect(cb.data.labelText).toBe(label);
    expect(textOf(button(cb.view, label))).toBe(label);
  });

  /** A backend that answers like the reference backend's 503 (retryable) or 502: the wallet gave a code. */
  const backendDown = (retryable: boolean) => ({
    authorizer: { submit: () => Promise.reject(Object.assign(new Error('applyToken failed'), { code: 'BACKEND_ERROR', status: retryable ? 503 : 502, retryable })) },
  });

  test.each([
    [true, 'Your wallet allowed it, but this miniapp couldn’t finish. Tap to try again.', true],
    [false, 'Your wallet allowed it, but this miniapp couldn’t finish. Try again later.', false],
  ])('the backend failed after the wallet said yes (retryable: %s): "%s", the wallet not blamed', async (retryable, text, tappable) => {
    const { mp, authorizer } = setup(backendDown(retryable));
    const onError = callback();
    const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', onError });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    expect(cb.data.state).toBe('error');
    expect(textOf(byClass(cb.view, 'mak-consent-message'))).toBe(text);
    expect(classesOf(byClass(cb.view, 'mak-consent-message')[0]!).includes('mak-consent-message--tap')).toBe(tappable);
    // The wallet's yes is recorded: a Permissions list read from the record says "Allowed".
    expect(authorizer.consentState('USER_NAME')).toBe('granted');
    expect(onError.payloads).toEqual([{ error: expect.objectContaining({ code: 'BACKEND_ERROR' }) }]);
  });

  test.each([
    // 2001: what to do in the wallet; a tap alone cannot help, so never a bare "try again".
    [2001, 'PENDING_AGREEMENT', 'Accept your wallet’s user agreement in your wallet app first, then tap again.', /try again|isn’t available/i],
    // 12: the network, said plainly.
    [12, 'SERVICE_ERROR', 'No internet connection. Tap to try again.', /went wrong/i],
    // 1003: the wallet did not answer in time.
    [1003, 'TIMEOUT', 'Your wallet didn’t answer. Tap to try again.', /went wrong/i],
  ])('wallet error %s (%s) says so: "%s"', async (walletError, code, text, never) => {
    const { mp, sim } = setup();
    const onError = callback();
    const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', onError });
    sim.failNext({ error: walletError });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    const status = elements(cb.view).find((e) => e.attrs.role === 'status')!;
    expect(textOf(status)).toBe(text);
    expect(textOf(status)).not.toMatch(never);
    expect(onError.payloads).toEqual([{ error: expect.objectContaining({ code }) }]);
  });

  test('"Tap to allow access." is itself tappable: a tap on it asks the wallet again, inside that tap', async () => {
    const { mp, sim } = setup({ user: 'deny' });
    const cb = await mp.mount('consent-button', { scopes: 'USER_NAME' });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    const hint = byClass(cb.view, 'mak-consent-message')[0]!;
    expect(textOf(hint)).toBe('Not allowed yet. Tap to allow access.');
    expect(classesOf(hint)).toContain('mak-consent-message--tap');
    sim.setUser('allow');
    expect(mp.tap(hint)).toEqual(['onHintTap']);
    expect(sim.calls).toHaveLength(2);
    await mp.settle();
    expect(cb.data.state).toBe('authorized');
  });

  test('"Tap to try again." is tappable; a line that invites no tap is not, nor any line of a disabled button', async () => {
    const { mp, sim } = setup();
    const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', disabled: false });
    const hint = () => byClass(cb.view, 'mak-consent-message')[0]!;
    sim.failNext({ error: 1002 });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    expect(textOf(hint())).toBe('Something went wrong. Tap to try again.');
    sim.failNext({ error: 4 });
    mp.tap(hint());
    expect(sim.calls).toHaveLength(2);
    await mp.settle();
    expect(textOf(hint())).toBe('This isn’t available right now.');
    expect(classesOf(hint())).not.toContain('mak-consent-message--tap');
    mp.tap(hint());
    expect(sim.calls).toHaveLength(2);
    // Disabled by the page: not even a line that would invite a tap asks.
    sim.failNext({ error: 1002 });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    await cb.setProps({ disabled: true });
    expect(classesOf(hint())).not.toContain('mak-consent-message--tap');
    mp.tap(hint());
    expect(sim.calls).toHaveLength(3);
  });

  test('authorized reads as done: a check mark, the success class, no pressed look, and a tap asks nothing and shows no spinner', async () => {
    const { mp, sim, submitted, authorizer } = setup();
    const onAuthorized = callback();
    const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', onAuthorized });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    expect(classesOf(elements(cb.view, 'view')[0]!)).toContain('mak-consent--authorized');
    expect(byClass(cb.view, 'mak-consent-check')).toHaveLength(1);
    expect(button(cb.view, 'Share my profile').attrs['hover-class']).toBe('none');
    expect(classesOf(byClass(cb.view, 'mak-consent-message')[0]!)).not.toContain('mak-consent-message--tap');

    const writes = mp.runtime.setDataLog.length;
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    // The session answers at once: no wallet call, no new submission, nothing rendered meanwhile.
    expect(sim.calls).toHaveLength(1);
    expect(submitted).toHaveLength(1);
    expect(mp.runtime.setDataLog.slice(writes).join('\n')).not.toMatch(/pending|Waiting/);
    expect(cb.data.state).toBe('authorized');
    expect(onAuthorized).toHaveBeenCalledTimes(2);

    await authorizer.signOut();
    await mp.settle();
    expect(button(cb.view, 'Share my profile').attrs['hover-class']).toBe('mak-btn--pressed');
  });

  test('one footprint: the icon box, the label and its mirror in every state, and the status line always there', async () => {
    const { mp, sim } = setup({ user: 'manual' });
    const cb = await mp.mount('consent-button', { scopes: 'USER_NAME', rationale: 'We print your name on your orders.' });
    const shape = () => {
      const inner = button(cb.view, 'Share my profile');
      const parts = inner.children.filter((n) => n.type === 'element').map((n) => classesOf(n as never)[0]);
      const status = elements(cb.view).find((e) => e.attrs.role === 'status')!;
      return { parts, line: byClass(status, 'mak-consent-message').length };
    };
    const shapes = [shape()];
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    expect(cb.data.state).toBe('pending');
    shapes.push(shape());
    sim.prompts[0]?.deny();
    await mp.settle();
    expect(cb.data.state).toBe('denied');
    shapes.push(shape());
    sim.failNext({ error: 1002 });
    mp.tap(button(cb.view, 'Share my profile'));
    await mp.settle();
    expect(cb.data.state).toBe('error');
    shapes.push(shape());
    mp.tap(button(cb.view, 'Share my profile'));
    sim.prompts[0]?.allow();
    await mp.settle();
    expect(cb.data.state).toBe('authorized');
    shapes.push(shape());
    for (const s of shapes) expect(s).toEqual({ parts: ['mak-consent-icon', 'mak-consent-label', 'mak-consent-mirror'], line: 1 });
  });
});

describe('"Not now" on the kit’s sheet is told from a refusal', () => {
  const PAGE = '<consent-button scopes="USER_NAME" onDenied="onDenied" onError="onError" /><consent-prompt />';
  const USING = { 'consent-button': 'consent-button', 'consent-prompt': 'consent-prompt' } as const;

  test('a tap that waits behind an open sheet gets a sheet of its own; its "Not now" reaches onDenied as dismissed, a refusal in the wallet does not', async () => {
    const { mp, sim, authorizer } = setup({ user: 'deny' });
    const onDenied = callback();
    const onError = callback();
    const page = await mp.openTestPage(PAGE, { onDenied, onError }, USING);
    authorizer.markEngaged();
    const deferred = authorizer.authorize('NOTIFICATION_INBOX').catch((error: unknown) => error);
    await mp.settle();
    expect(textOf(byClass(mp.tree(page), 'mak-sheet'))).toMatch(/^Get updates in your wallet inbox\?/);
    // The sheet holds the prompt's turn: the button's request waits, then gets the sheet.
    mp.tap(button(mp.tree(page), 'Share my profile'));
    mp.tap(button(mp.tree(page), 'Not now'));
    await mp.settle();
    expect(mp.kit.isConsentDismissed(await deferred)).toBe(true);
    expect(textOf(byClass(mp.tree(page), 'mak-sheet'))).toMatch(/^Share your profile\?/);
    mp.tap(button(mp.tree(page), 'Not now'));
    await mp.settle();
    expect(sim.calls).toHaveLength(0);
    // A refusal in the wallet, for comparison.
    mp.tap(button(mp.tree(page), 'Share my profile'));
    await mp.settle();
    expect(sim.calls).toHaveLength(1);

    const [dismissed, refused] = onDenied.payloads.map((p) => p.error);
    expect(onDenied.payloads.map((p) => p.scopes)).toEqual([['USER_NAME'], ['USER_NAME']]);
    expect(dismissed).toMatchObject({ name: 'AuthError', code: 'USER_CANCELLED', dismissed: true });
    expect(mp.kit.isConsentDismissed(dismissed)).toBe(true);
    expect(refused).toMatchObject({ name: 'AuthError', code: 'USER_CANCELLED' });
    expect(refused.dismissed).toBeUndefined();
    expect(mp.kit.isConsentDismissed(refused)).toBe(false);
    expect(onError).not.toHaveBeenCalled();
    // "Not now" records nothing; the wallet's refusal is recorded.
    expect(authorizer.consentState('NOTIFICATION_INBOX')).toBe('unknown');
    expect(authorizer.consentState('USER_NAME')).toBe('denied');
  });
});
