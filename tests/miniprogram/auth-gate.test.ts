/**
 * <auth-gate> in a DSL page: the default slot when the session covers its scopes, else the
 * fallback slot (a built-in consent button when the page gives none); the branch not shown is not
 * rendered at all, and the gate follows the authorizer live.
 */
import { button, components, textOf } from './harness';
import { callback, setup } from './helpers';

const USING = { 'auth-gate': 'auth-gate', 'consent-button': 'consent-button' } as const;

const PROFILE_PAGE = `
  <auth-gate scopes="USER_NAME USER_AVATAR" onAuthorized="onAllowed" onError="onFailed">
    <view class="profile">Your profile</view>
    <view slot="fallback">
      <text>Add your name to your orders.</text>
      <consent-button scopes="USER_NAME USER_AVATAR">Show my name</consent-button>
    </view>
  </auth-gate>`;

test('unauthorized it renders only the fallback; a tap on its consent button opens it, and the gate tells the page once', async () => {
  const { mp, sim } = setup();
  const onAllowed = callback();
  const page = await mp.openTestPage(PROFILE_PAGE, { onAllowed }, USING);
  expect(textOf(mp.tree(page))).toBe('Add your name to your orders. Show my name');
  expect(components(mp.tree(page), 'auth-gate')[0]?.instance).toBeTruthy();

  mp.tap(button(mp.tree(page), 'Show my name'));
  expect(sim.calls).toHaveLength(1);
  await mp.settle();
  expect(textOf(mp.tree(page))).toBe('Your profile');
  // The fallback is gone from the tree, its button unmounted.
  expect(components(mp.tree(page), 'consent-button')).toHaveLength(0);
  // The page's own button opened it: the gate's onAuthorized still tells the page, once.
  expect(onAllowed.payloads).toEqual([{ session: expect.objectContaining({ scopes: ['USER_NAME', 'USER_AVATAR'] }) }]);
});

test('authorized already when it mounts, it does not call onAuthorized: nothing opened', async () => {
  const { mp, authorizer } = setup();
  await authorizer.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  const onAllowed = callback();
  const page = await mp.openTestPage(PROFILE_PAGE, { onAllowed }, USING);
  expect(textOf(mp.tree(page))).toBe('Your profile');
  expect(onAllowed.payloads).toEqual([]);
});

test('without a fallback it offers a built-in consent button; the gate raises its outcomes', async () => {
  const { mp, sim } = setup({ user: 'deny' });
  const onAllowed = callback();
  const onDenied = callback();
  const page = await mp.openTestPage(
    '<auth-gate scopes="USER_CONTACTINFO" buttonLabel="Use my wallet contact details" rationale="The courier needs a phone number." onAuthorized="onAllowed" onDenied="onDenied"><view>Contact shared</view></auth-gate>',
    { onAllowed, onDenied },
    USING,
  );
  mp.tap(button(mp.tree(page), 'Use my wallet contact details'));
  await mp.settle();
  expect(textOf(mp.tree(page))).toBe('Use my wallet contact details Not allowed yet. Tap to allow access. The courier needs a phone number.');
  expect(onDenied.payloads).toEqual([{ scopes: ['USER_CONTACTINFO'], error: expect.objectContaining({ code: 'USER_CANCELLED' }) }]);

  sim.setUser('allow');
  mp.tap(button(mp.tree(page), 'Use my wallet contact details'));
  expect(sim.calls).toHaveLength(2);
  await mp.settle();
  expect(textOf(mp.tree(page))).toBe('Contact shared');
  expect(onAllowed.payloads).toEqual([{ session: expect.objectContaining({ scopes: ['USER_CONTACTINFO'] }) }]);
});

test('it follows the authorizer live: a grant elsewhere opens it, a sign-out closes it', async () => {
  const { mp, authorizer } = setup();
  const page = await mp.openTestPage(PROFILE_PAGE, {}, USING);
  await authorizer.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  await mp.settle();
  expect(textOf(mp.tree(page))).toBe('Your profile');
  await authorizer.signOut();
  await mp.settle();
  expect(textOf(mp.tree(page))).toBe('Add your name to your orders. Show my name');
});

test('bad scopes keep it closed and call its onError with INVALID_SCOPE once (not again through its built-in button)', async () => {
  const { mp } = setup();
  const onFailed = callback();
  const page = await mp.openTestPage('<auth-gate scopes="USER NAME!" onError="onFailed"><view>Secret</view></auth-gate>', { onFailed }, USING);
  expect(textOf(mp.tree(page))).toBe('Allow access This isn’t available right now.');
  expect(button(mp.tree(page), 'Allow access').attrs.disabled).toBe(true);
  expect(onFailed.payloads).toEqual([{ error: expect.objectContaining({ name: 'AuthError', code: 'INVALID_SCOPE' }) }]);
});

test('mounted before provideAuthorizer: closed, its button disabled, onError once; provided, it works', async () => {
  const { mp, sim, authorizer } = setup({ provide: false });
  const onFailed = callback();
  const page = await mp.openTestPage('<auth-gate scopes="USER_NAME" onError="onFailed"><view>Secret</view></auth-gate>', { onFailed }, USING);
  expect(button(mp.tree(page), 'Share my profile').attrs.disabled).toBe(true);
  expect(onFailed.payloads).toEqual([{ error: expect.objectContaining({ name: 'TypeError' }) }]);
  mp.kit.provideAuthorizer(authorizer);
  await mp.settle();
  mp.tap(button(mp.tree(page), 'Share my profile'));
  expect(sim.calls).toHaveLength(1);
  await mp.settle();
  expect(textOf(mp.tree(page))).toBe('Secret');
  expect(onFailed).toHaveBeenCalledTimes(1);
});

test('with a locale it sets the direction of what it shows; without one it leaves the page’s alone', async () => {
  const { mp } = setup();
  const page = await mp.openTestPage('<auth-gate scopes="USER_NAME" locale="ar" /><auth-gate scopes="USER_NAME" />', {}, USING);
  const [arabic, plain] = components(mp.tree(page), 'auth-gate');
  expect(String((arabic!.children[0] as { attrs: Record<string, unknown> }).attrs.class)).toContain('mak-rtl');
  expect(textOf(arabic!)).toBe('شارك ملفي الشخصي');
  expect(String((plain!.children[0] as { attrs: Record<string, unknown> }).attrs.class)).not.toMatch(/mak-(rtl|ltr)/);
});

test('its data-* reach its callbacks as the dataset of their second argument (its built-in button’s outcomes too); style reaches the root', async () => {
  const { mp, sim } = setup({ user: 'deny' });
  const onAllowed = callback();
  const onDenied = callback();
  const page = await mp.openTestPage(
    '<auth-gate scopes="USER_CONTACTINFO" data-step="{{step}}" style="margin: 0 16px" onAuthorized="onAllowed" onDenied="onDenied"><view>Contact shared</view></auth-gate>',
    { data: { step: 2 }, onAllowed, onDenied },
    USING,
  );
  expect((components(mp.tree(page), 'auth-gate')[0]!.children[0] as { attrs: Record<string, unknown> }).attrs.style).toBe('margin: 0 16px');
  mp.tap(button(mp.tree(page), 'Share my contact details'));
  await mp.settle();
  sim.setUser('allow');
  mp.tap(button(mp.tree(page), 'Share my contact details'));
  await mp.settle();
  const event = { currentTarget: { dataset: { step: 2 } }, target: { dataset: { step: 2 } } };
  expect(onDenied.events).toEqual([event]);
  expect(onAllowed.events).toEqual([event]);
});
