/**
 * <consent-prompt> in a DSL page: while mounted, a consent prompt that comes due without a tap is
 * shown as a sheet; "Continue" (through the `onTap` the AXML names) opens the wallet inside that
 * tap, "Not now" and the backdrop dismiss it, and it closes when the request goes away.
 */
import { button, byClass, classesOf, elements, textOf } from './harness';
import { callback, setup } from './helpers';

/** A request for order updates made by code, not by a tap, after the user engaged. */
function deferredRequest(authorizer: Record<string, any>, scopes = 'NOTIFICATION_INBOX') {
  authorizer.markEngaged();
  const outcome: { value?: unknown; error?: any } = {};
  authorizer.authorize(scopes).then(
    (value: unknown) => (outcome.value = value),
    (error: unknown) => (outcome.error = error),
  );
  return outcome;
}

test('a deferred prompt shows the sheet, and “Continue” opens the wallet inside that tap', async () => {
  const { mp, sim, authorizer } = setup();
  const onOpen = callback();
  const onClose = callback();
  const sheet = await mp.mount('consent-prompt', { onOpen, onClose });
  expect(elements(sheet.view)).toHaveLength(0);

  const outcome = deferredRequest(authorizer);
  await mp.settle();
  expect(sheet.data.open).toBe(true);
  expect(textOf(sheet.view)).toBe(
    'Get updates in your wallet inbox? Allow notifications so this miniapp can send you updates in your wallet inbox. Your wallet will ask you to confirm. Continue Not now',
  );
  // A dialog named by its heading, with the attributes Alipay documents (no aria-modal).
  const dialog = elements(sheet.view).find((e) => e.attrs.role === 'dialog')!;
  const heading = elements(sheet.view).find((e) => e.attrs.role === 'heading')!;
  expect(dialog.attrs['aria-labelledby']).toMatch(/^mak-sheet-title-\d+$/);
  expect(heading.attrs.id).toBe(dialog.attrs['aria-labelledby']);
  expect(textOf(heading)).toBe('Get updates in your wallet inbox?');
  expect(onOpen.payloads).toEqual([{ scopes: ['NOTIFICATION_INBOX'] }]);
  expect(sim.calls).toHaveLength(0);

  expect(mp.tap(button(sheet.view, 'Continue'))).toEqual(['onContinue']);
  expect(sim.calls.map((c) => [...c.scopes])).toEqual([['NOTIFICATION_INBOX']]);
  await mp.settle();
  expect(elements(sheet.view)).toHaveLength(0);
  expect(outcome.value).toMatchObject({ scopes: ['NOTIFICATION_INBOX'] });
  expect(onClose.payloads).toEqual([{ scopes: ['NOTIFICATION_INBOX'], reason: 'continue' }]);
});

test('“Not now” closes the sheet without asking the wallet and leaves the consent record as it was', async () => {
  const { mp, sim, authorizer } = setup();
  const onClose = callback();
  const sheet = await mp.mount('consent-prompt', { onClose });
  const outcome = deferredRequest(authorizer);
  await mp.settle();
  mp.tap(button(sheet.view, 'Not now'));
  await mp.settle();
  expect(elements(sheet.view)).toHaveLength(0);
  expect(sim.calls).toHaveLength(0);
  // Told from a refusal by the error alone: "Not now" on the kit's sheet.
  expect(outcome.error).toMatchObject({ code: 'USER_CANCELLED', dismissed: true });
  expect(mp.kit.isConsentDismissed(outcome.error)).toBe(true);
  expect(authorizer.consentState('NOTIFICATION_INBOX')).toBe('unknown');
  expect(onClose.payloads).toEqual([{ scopes: ['NOTIFICATION_INBOX'], reason: 'dismiss' }]);
});

test('a tap on the backdrop is “Not now” too', async () => {
  const { mp, sim, authorizer } = setup();
  const sheet = await mp.mount('consent-prompt');
  const outcome = deferredRequest(authorizer);
  await mp.settle();
  expect(mp.tap(byClass(sheet.view, 'mak-prompt-backdrop')[0]!)).toEqual(['onDismiss']);
  await mp.settle();
  expect(outcome.error).toMatchObject({ code: 'USER_CANCELLED' });
  expect(sim.calls).toHaveLength(0);
});

test('before the user engaged nothing is shown; engagement brings the sheet, never the wallet', async () => {
  const { mp, sim, authorizer } = setup();
  const sheet = await mp.mount('consent-prompt');
  void authorizer.authorize('NOTIFICATION_INBOX').catch(() => undefined);
  await mp.settle();
  expect(sheet.data.open).toBe(false);
  authorizer.markEngaged();
  await mp.settle();
  expect(sheet.data.open).toBe(true);
  expect(sim.calls).toHaveLength(0);
});

test('the sheet closes when the request goes away (sign-out)', async () => {
  const { mp, authorizer } = setup();
  const onClose = callback();
  const sheet = await mp.mount('consent-prompt', { onClose });
  const outcome = deferredRequest(authorizer);
  await mp.settle();
  await authorizer.signOut();
  await mp.settle();
  expect(sheet.data.open).toBe(false);
  expect(outcome.error).toMatchObject({ code: 'ABORTED' });
  expect(onClose.payloads).toEqual([{ scopes: ['NOTIFICATION_INBOX'], reason: 'cancel' }]);
});

test('it shows the rationale a consent button on the page wrote for the same scopes', async () => {
  const { mp, authorizer } = setup();
  const page = await mp.openTestPage(
    `<consent-button scopes="NOTIFICATION_INBOX" rationale="We tell you when your order ships.">Turn on order updates</consent-button>
     <consent-prompt />`,
    {},
    { 'consent-button': 'consent-button', 'consent-prompt': 'consent-prompt' },
  );
  deferredRequest(authorizer);
  await mp.settle();
  expect(textOf(byClass(mp.tree(page), 'mak-sheet-rationale'))).toBe('We tell you when your order ships.');
});

test('its own props: heading, rationale, labels, locale (Arabic: right to left), className', async () => {
  const { mp, authorizer } = setup();
  const sheet = await mp.mount('consent-prompt', { heading: 'ابقَ على اطلاع', rationale: 'نخبرك عند شحن طلبك.', continueLabel: 'نعم', locale: 'ar', className: 'shop-sheet' });
  deferredRequest(authorizer);
  await mp.settle();
  expect(textOf(sheet.view)).toBe('ابقَ على اطلاع نخبرك عند شحن طلبك. ستطلب منك محفظتك التأكيد. نعم ليس الآن');
  expect(classesOf(elements(sheet.view)[0]!)).toEqual(expect.arrayContaining(['mak-prompt', 'mak-rtl', 'shop-sheet']));
});

test('taken off the page, it answers “Not now” for what it held and stops presenting', async () => {
  const { mp, sim, authorizer } = setup();
  const page = await mp.openTestPage('<consent-prompt a:if="{{show}}" />', { data: { show: true } }, { 'consent-prompt': 'consent-prompt' });
  const first = deferredRequest(authorizer);
  await mp.settle();
  mp.runtime.setData(page, { show: false });
  await mp.settle();
  expect(first.error).toMatchObject({ code: 'USER_CANCELLED' });
  // No sheet any more: the authorizer has no presenter, and the core asks the wallet itself.
  deferredRequest(authorizer);
  await mp.settle();
  expect(sim.calls).toHaveLength(1);
});

test('a second deferred prompt waits for the first to close', async () => {
  const { mp, authorizer } = setup();
  const sheet = await mp.mount('consent-prompt');
  deferredRequest(authorizer, 'NOTIFICATION_INBOX');
  const second = deferredRequest(authorizer, 'USER_CONTACTINFO');
  await mp.settle();
  expect(textOf(sheet.view)).toContain('updates in your wallet inbox');
  mp.tap(button(sheet.view, 'Continue'));
  await mp.settle();
  expect(textOf(sheet.view)).toContain('Your phone number and email');
  mp.tap(button(sheet.view, 'Continue'));
  await mp.settle();
  expect(second.value).toMatchObject({ scopes: expect.arrayContaining(['USER_CONTACTINFO']) });
});

test('with sheets on several pages, the page on top presents', async () => {
  const { mp, sim, authorizer } = setup();
  const using = { 'consent-prompt': 'consent-prompt' } as const;
  const below = await mp.openTestPage('<consent-prompt heading="Below" />', {}, using);
  const top = await mp.openTestPage('<consent-prompt heading="On top" />', {}, using);
  const outcome = deferredRequest(authorizer);
  await mp.settle();
  expect(textOf(mp.tree(top))).toContain('On top');
  expect(textOf(mp.tree(below))).toBe('');
  mp.tap(button(mp.tree(top), 'Not now'));
  await mp.settle();
  expect(outcome.error).toMatchObject({ code: 'USER_CANCELLED' });
  expect(sim.calls).toHaveLength(0);
});

test('two pages of one route (a page opened again over itself): the sheet of the one on top presents', async () => {
  const { mp, authorizer } = setup();
  const using = { 'consent-prompt': 'consent-prompt' } as const;
  const product = '<consent-prompt a:if="{{shown}}" heading="{{heading}}" />';
  const below = await mp.openTestPage(product, { data: { shown: true, heading: 'First visit' } }, using, 'pages/product/index');
  const top = await mp.openTestPage(product, { data: { shown: true, heading: 'Second visit' } }, using, 'pages/product/index');
  // The sheet below mounts again, after the one on top: the newest sheet is not the one on top,
  // and the route does not tell the two pages apart ($viewId does).
  mp.runtime.setData(below, { shown: false });
  await mp.settle();
  mp.runtime.setData(below, { shown: true });
  await mp.settle();
  deferredRequest(authorizer);
  await mp.settle();
  expect(textOf(mp.tree(top))).toContain('Second visit');
  expect(textOf(mp.tree(below))).toBe('');
});

test('a top page without a sheet of its own gets the wallet’s own prompt, not a silent “Not now”', async () => {
  const { mp, sim, authorizer } = setup({ user: 'manual' });
  const below = await mp.openTestPage('<consent-prompt heading="Below" />', {}, { 'consent-prompt': 'consent-prompt' });
  await mp.openTestPage('<view>No sheet here</view>');
  const outcome = deferredRequest(authorizer);
  await mp.settle();
  // No sheet on a page the user cannot see: the wallet asks, as with no sheet mounted at all.
  expect(textOf(mp.tree(below))).toBe('');
  expect(sim.calls.map((c) => [...c.scopes])).toEqual([['NOTIFICATION_INBOX']]);
  sim.prompts[0]?.allow();
  await mp.settle();
  expect(outcome.value).toMatchObject({ scopes: ['NOTIFICATION_INBOX'] });
  expect(outcome.error).toBeUndefined();
});

test('its data-* reach onOpen and onClose as the dataset of their second argument; style reaches the root', async () => {
  const { mp, authorizer } = setup();
  const onOpen = callback();
  const onClose = callback();
  const page = await mp.openTestPage('<consent-prompt data-place="checkout" style="z-index: 3000" onOpen="onOpen" onClose="onClose" />', { onOpen, onClose }, { 'consent-prompt': 'consent-prompt' });
  deferredRequest(authorizer);
  await mp.settle();
  expect(byClass(mp.tree(page), 'mak-prompt')[0]?.attrs.style).toBe('z-index: 3000');
  mp.tap(button(mp.tree(page), 'Not now'));
  await mp.settle();
  const event = { currentTarget: { dataset: { place: 'checkout' } }, target: { dataset: { place: 'checkout' } } };
  expect(onOpen.events).toEqual([event]);
  expect(onClose.events).toEqual([event]);
});
