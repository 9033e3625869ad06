/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import type { ConsentPromptCloseDetail } from '../../components';
import { CLARO_SCOPES } from '../../utils';
import { defineKit, flush, make, mount, openSheetFor, resetDom, shadow, sheets } from './helpers';

afterEach(resetDom);

/** The consent sheet that is open now (there is at most one). */
function openSheet() {
  const open = sheets().filter((s) => s.open);
  expect(open).toHaveLength(1);
  const el = open[0]!;
  return { el, ui: shadow(el), dialog: shadow(el).getByRole('dialog') };
}

function noSheetOpen() {
  expect(sheets().filter((s) => s.open)).toHaveLength(0);
  for (const s of sheets()) {
    expect(s).toHaveAttribute('data-state', 'closed');
    expect(s.shadowRoot!.querySelector('[part~="root"]')).toHaveAttribute('hidden');
  }
}

async function sheetFor(kit: ReturnType<typeof defineKit>, scopes: string | string[] = 'NOTIFICATION_INBOX') {
  const { answer } = await openSheetFor(kit, scopes);
  return { answer, ...openSheet() };
}

describe('<consent-prompt>: deferred consent goes through the sheet', () => {
  test('it never opens before the user engaged; after engagement it opens, with no wallet call yet', async () => {
    const kit = defineKit();
    const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
    await flush();
    noSheetOpen();
    expect(kit.sim.calls).toHaveLength(0);
    expect(kit.authorizer.engaged).toBe(false);

    kit.authorizer.markEngaged();
    await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
    const { el, dialog, ui } = openSheet();
    // Created on demand: the page had no <consent-prompt>.
    expect(el.parentElement).toBe(document.body);
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleName('Get updates in your wallet inbox?');
    expect(dialog).toHaveAccessibleDescription('Allow notifications so this miniapp can send you updates in your wallet inbox.');
    expect(ui.getByRole('button', { name: 'Continue' })).toBeInTheDocument();
    expect(ui.getByRole('button', { name: 'Not now' })).toBeInTheDocument();
    expect(kit.sim.calls).toHaveLength(0);
    expect(el.scopes).toEqual(['NOTIFICATION_INBOX']);

    // "Continue" is the gesture: the wallet is asked inside the click.
    ui.getByRole('button', { name: 'Continue' }).click();
    expect(kit.sim.calls).toHaveLength(1);
    expect(kit.sim.calls[0]!.scopes).toEqual(['NOTIFICATION_INBOX']);
    noSheetOpen();
    await expect(answer).resolves.toMatchObject({ scopes: ['NOTIFICATION_INBOX'] });
    expect(kit.authorizer.consentState('NOTIFICATION_INBOX')).toBe('granted');
  });

  test('"Continue" by user-event click: the wallet call happens in that click', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const { ui, answer } = await sheetFor(kit);
    const cont = ui.getByRole('button', { name: 'Continue' });
    let during = -1;
    cont.addEventListener('click', () => queueMicrotask(() => (during = kit.sim.calls.length)));
    await user.click(cont);
    expect(during).toBe(1);
    await expect(answer).resolves.toBeTruthy();
  });

  test('"Not now" rejects, leaves consent "unknown" and asks nothing', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const { ui, answer } = await sheetFor(kit);
    await user.click(ui.getByRole('button', { name: 'Not now' }));
    noSheetOpen();
    await expect(answer).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    expect(kit.authorizer.consentState('NOTIFICATION_INBOX')).toBe('unknown');
    expect(kit.sim.calls).toHaveLength(0);
    // Not a refusal: a later deferred request may show the sheet again.
    const again = kit.authorizer.authorize('NOTIFICATION_INBOX');
    await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
    openSheet().ui.getByRole('button', { name: 'Continue' }).click();
    await expect(again).resolves.toBeTruthy();
  });

  test('Escape is "Not now"', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const { answer } = await sheetFor(kit);
    await user.keyboard('{Escape}');
    noSheetOpen();
    await expect(answer).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    expect(kit.authorizer.consentState('NOTIFICATION_INBOX')).toBe('unknown');
    expect(kit.sim.calls).toHaveLength(0);
  });

  test('a tap on the backdrop is "Not now"', async () => {
    const kit = defineKit();
    const { el, answer } = await sheetFor(kit);
    (el.shadowRoot!.querySelector('[part~="backdrop"]') as HTMLElement).click();
    await expect(answer).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    expect(kit.sim.calls).toHaveLength(0);
  });

  test('focus moves into the sheet, is trapped there, and goes back where it was', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const before = mount(make('button', {}, 'Page button'));
    before.focus();
    const { el, ui, answer } = await sheetFor(kit);
    const cont = ui.getByRole('button', { name: 'Continue' });
    const notNow = ui.getByRole('button', { name: 'Not now' });
    expect(document.activeElement).toBe(el);
    expect(el.shadowRoot!.activeElement).toBe(cont);
    await user.tab();
    expect(el.shadowRoot!.activeElement).toBe(notNow);
    await user.tab();
    expect(el.shadowRoot!.activeElement).toBe(cont);
    await user.tab({ shift: true });
    expect(el.shadowRoot!.activeElement).toBe(notNow);
    // Focus pushed outside by script comes back.
    before.focus();
    expect(el.shadowRoot!.activeElement).toBe(cont);
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(before);
    await expect(answer).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  });

  test('focus goes back into a shadow root too (the consent button that was focused)', async () => {
    const kit = defineKit();
    const button = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share'));
    const inner = shadow(button).getByRole('button');
    inner.focus();
    const { ui } = await sheetFor(kit);
    ui.getByRole('button', { name: 'Not now' }).click();
    expect(button.shadowRoot!.activeElement).toBe(inner);
  });

  test('it closes itself when the request goes away (pending.signal aborts on sign-out)', async () => {
    const kit = defineKit();
    const closes: ConsentPromptCloseDetail[] = [];
    document.addEventListener('consent-prompt-close', (e) => closes.push((e as CustomEvent<ConsentPromptCloseDetail>).detail));
    const { answer } = await sheetFor(kit);
    await kit.authorizer.signOut();
    noSheetOpen();
    await expect(answer).rejects.toMatchObject({ code: 'ABORTED' });
    expect(closes).toEqual([{ scopes: ['NOTIFICATION_INBOX'], reason: 'cancel' }]);
    expect(kit.sim.calls).toHaveLength(0);
  });

  test('it closes when the caller aborts its own signal', async () => {
    const kit = defineKit();
    const controller = new AbortController();
    const answer = kit.authorizer.authorize('NOTIFICATION_INBOX', { signal: controller.signal });
    kit.authorizer.markEngaged();
    await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
    controller.abort();
    await expect(answer).rejects.toMatchObject({ code: 'ABORTED' });
    await waitFor(noSheetOpen);
  });

  test('open and close events bubble and say why', async () => {
    const kit = defineKit();
    const seen: string[] = [];
    document.addEventListener('consent-prompt-open', (e) => seen.push(`open:${(e as CustomEvent).detail.scopes}`));
    document.addEventListener('consent-prompt-close', (e) => seen.push(`close:${(e as CustomEvent).detail.reason}`));
    const first = await sheetFor(kit);
    first.ui.getByRole('button', { name: 'Continue' }).click();
    await first.answer;
    const second = await sheetFor(kit, 'USER_CONTACTINFO');
    second.ui.getByRole('button', { name: 'Not now' }).click();
    await second.answer.catch(() => undefined);
    expect(seen).toEqual(['open:NOTIFICATION_INBOX', 'close:continue', 'open:USER_CONTACTINFO', 'close:dismiss']);
  });

  test('a consent button tapped while the sheet is open for its scopes proceeds and closes the sheet', async () => {
    const kit = defineKit();
    const button = mount(make('consent-button', { scopes: 'NOTIFICATION_INBOX' }, 'Notify me'));
    const { answer } = await sheetFor(kit);
    button.click();
    expect(kit.sim.calls).toHaveLength(1);
    await expect(answer).resolves.toBeTruthy();
    noSheetOpen();
    await waitFor(() => expect(button).toHaveAttribute('data-state', 'authorized'));
  });
});

describe('which sheet, and what it says', () => {
  test('the <consent-prompt> already in the page is used (no second one is created)', async () => {
    const kit = defineKit();
    const mine = mount(make('consent-prompt'));
    expect(mine).toHaveAttribute('data-state', 'closed');
    const { el } = await sheetFor(kit);
    expect(el).toBe(mine);
    expect(sheets()).toHaveLength(1);
  });

  test('the last connected sheet presents', async () => {
    const kit = defineKit();
    mount(make('consent-prompt', { id: 'a' }));
    const b = mount(make('consent-prompt', { id: 'b' }));
    const { el } = await sheetFor(kit);
    expect(el).toBe(b);
  });

  test('after define() with another authorizer, the sheet in the page follows it', async () => {
    const kit = defineKit();
    const mine = mount(make('consent-prompt'));
    const other = defineKit();
    const { el } = await sheetFor(other);
    expect(el).toBe(mine);
    void kit;
  });

  test('rationale from the matching consent button', async () => {
    const kit = defineKit();
    mount(make('consent-button', { scopes: 'USER_NAME', rationale: 'Other scope, other reason.' }, 'A'));
    mount(make('consent-button', { scopes: 'NOTIFICATION_INBOX', rationale: 'We tell you when your order ships.' }, 'Notify me'));
    const { dialog } = await sheetFor(kit);
    expect(dialog).toHaveAccessibleDescription('We tell you when your order ships.');
  });

  test('rationale from the button for the consent scope, not for a silent scope of another wallet riding along', async () => {
    const kit = defineKit({ authorizer: { catalogue: CLARO_SCOPES } });
    mount(make('consent-button', { scopes: 'User_Base_Info', rationale: 'Sign in with your wallet.' }, 'A'));
    mount(make('consent-button', { scopes: 'User_Customer_Info', rationale: 'We deliver to your address.' }, 'B'));
    const { dialog } = await sheetFor(kit, ['User_Base_Info', 'User_Customer_Info']);
    expect(dialog).toHaveAccessibleDescription('We deliver to your address.');
  });

  test('its own rationale attribute when no button has one; a heading and button labels by attribute', async () => {
    const kit = defineKit();
    mount(make('consent-prompt', { rationale: 'Our own words.', heading: 'One moment', 'continue-label': 'Yes, go on', 'dismiss-label': 'Later' }));
    const { dialog, ui } = await sheetFor(kit);
    expect(dialog).toHaveAccessibleName('One moment');
    expect(dialog).toHaveAccessibleDescription('Our own words.');
    expect(ui.getByRole('button', { name: 'Yes, go on' })).toBeInTheDocument();
    expect(ui.getByRole('button', { name: 'Later' })).toBeInTheDocument();
  });

  test.each([
    ['USER_CONTACTINFO', 'Your phone number and email are used to contact you about this service.'],
    ['AGREEMENT_PAY', 'Payment access lets you pay in this miniapp with your wallet.'],
    ['SOME_NEW_SCOPE', 'This miniapp needs your permission to continue.'],
    ['USER_NAME', 'Your name and profile picture are used to set up your account in this miniapp.'],
  ])('built-in rationale for %s', async (scope, text) => {
    const kit = defineKit();
    const { ui } = await sheetFor(kit, scope);
    expect(ui.getByText(text)).toBeInTheDocument();
  });

  test('two groups in one request: one paragraph each', async () => {
    const kit = defineKit();
    const { dialog } = await sheetFor(kit, ['USER_NAME', 'NOTIFICATION_INBOX']);
    expect(dialog.querySelectorAll('[part~="rationale"] p')).toHaveLength(2);
  });

  test('a removed sheet answers "Not now" for what it showed', async () => {
    const kit = defineKit();
    const mine = mount(make('consent-prompt'));
    const { answer } = await sheetFor(kit);
    mine.remove();
    await expect(answer).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    expect(kit.authorizer.consentState('NOTIFICATION_INBOX')).toBe('unknown');
    expect(kit.sim.calls).toHaveLength(0);
  });

  test('present() refuses what is not a pending consent', () => {
    defineKit();
    const mine = mount(make('consent-prompt'));
    expect(() => mine.present({} as never)).toThrow(TypeError);
  });

  test('with a gesture, no sheet: the wallet opens at once', async () => {
    const kit = defineKit();
    const answer = kit.authorizer.authorize('NOTIFICATION_INBOX', { gesture: true });
    expect(kit.sim.calls).toHaveLength(1);
    await answer;
    noSheetOpen();
  });
});
