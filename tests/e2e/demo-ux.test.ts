/**
 * The demo as a user sees it, in a real browser at a phone's 390 × 844 (and a desktop's 1440 × 900
 * where the layout differs), in English and Arabic: what closing the wallet's page shows, what the
 * page says is shared, the size of every control, toasts, the words used, the consent sheet's title,
 * the developer panel, and axe-core's audit of every page.
 */
import type { Page } from 'playwright-core';
import { AUTH_ERROR_CODES, SCOPES } from '../../utils';
import {
  allowProfile,
  answerWallet,
  armWalletFault,
  cartWithAnItem,
  consentSheet,
  consentState,
  CONTACT_BUTTON,
  CONTACT_WORDS,
  DESKTOP,
  goTo,
  openDevPanel,
  PHONE,
  PROFILE_BUTTON,
  useDemo,
  walletPage,
} from './helpers';
import { controls, seriousViolations, shownText, smallControls } from './inspect';

jest.setTimeout(120_000);

const { openDemo, url } = useDemo();

const NOT_ALLOWED = 'Not allowed yet. Tap to allow access.';
const WENT_WRONG = 'Something went wrong. Tap to try again.';

/** The developer panel and the wallet's own page may show codes; nothing else may. */
const DEVELOPER_ONLY = '.devpanel-wrap, #wallet-layer';
const CODE_WORDS = new RegExp(`\\b(${[...AUTH_ERROR_CODES, ...Object.keys(SCOPES)].join('|')})\\b`);

async function expectPlainText(page: Page): Promise<void> {
  const text = await shownText(page, DEVELOPER_ONLY);
  expect(text.match(CODE_WORDS)?.[0] ?? null).toBeNull();
}

/** The permission rows on Me: name → pill text. */
async function permissionRows(page: Page): Promise<Record<string, string>> {
  const rows = page.locator('#permissions li');
  const out: Record<string, string> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out[(await row.locator('.permission-name').evaluate((n) => n.firstChild?.textContent ?? '')).trim()] = (await row.locator('.pill').textContent())!.trim();
  }
  return out;
}

const SHARED_ROWS = [
  { name: 'Name and photo', scopes: ['USER_NAME', 'USER_AVATAR'] },
  { name: 'Contact details', scopes: ['USER_CONTACTINFO'] },
  { name: 'Inbox notifications', scopes: ['NOTIFICATION_INBOX'] },
];

/** Me's "Shared with" list is what the kit's consent record grants, and Permissions says the same. */
async function expectSharedIsTheRecord(page: Page, expected: string[]): Promise<void> {
  const granted: string[] = [];
  for (const row of SHARED_ROWS) {
    const states = await Promise.all(row.scopes.map((s) => consentState(page, s)));
    if (states.every((s) => s === 'granted')) granted.push(row.name);
  }
  expect(granted).toEqual(expected);
  await page.waitForFunction((n) => document.querySelectorAll('#profile-scopes li').length === n, expected.length);
  expect(await page.locator('#profile-scopes li').allTextContents()).toEqual(expected);
  const rows = await permissionRows(page);
  for (const row of SHARED_ROWS) expect([row.name, rows[row.name]]).toEqual([row.name, granted.includes(row.name) ? 'Allowed' : 'Not asked']);
}

/** Adds an item: order updates come due and the miniapp's sheet opens; "Continue" or "Not now". */
async function addAndAnswerSheet(page: Page, item: string, answer: 'Continue' | 'Not now'): Promise<void> {
  await goTo(page, 'Shop');
  await page.getByRole('button', { name: `Add ${item} to cart` }).click();
  await consentSheet(page).getByRole('button', { name: answer }).click();
}

/** What the walk through every screen taps and waits for, in each language. */
const SCREEN_LABELS = {
  en: { cart: 'Cart', me: 'Me', shop: 'Shop', add: 'Add Barhi dates to cart', profile: PROFILE_BUTTON, wallet: 'Authorize Tigris Market?', allow: 'Allow', notNow: 'Not now' },
  ar: { cart: 'السلة', me: 'حسابي', shop: 'المتجر', add: 'أضف تمر برحي إلى السلة', profile: 'اعرض اسمي وصورتي', wallet: 'هل تفوّض سوق دجلة؟', allow: 'سماح', notNow: 'ليس الآن' },
} as const;

/**
 * From a fresh launch, visits every screen and sheet a user meets and calls `check` at each of the
 * 8 stops (named by `where`): Shop, Cart (empty), Me, the wallet's page, Me with the profile, the
 * consent sheet, Cart with an item, and the developer panel (left open).
 */
async function walkEveryScreen(page: Page, lang: 'en' | 'ar', check: (where: string) => Promise<void>): Promise<void> {
  const t = SCREEN_LABELS[lang];
  await check('Shop');
  await goTo(page, t.cart);
  await check('Cart, empty');
  await goTo(page, t.me);
  await check('Me');
  await page.getByRole('button', { name: t.profile }).click();
  await walletPage(page, t.wallet).waitFor();
  await check('the wallet’s page');
  await walletPage(page, t.wallet).getByRole('button', { name: t.allow, exact: true }).click();
  await page.locator('#profile-card').waitFor();
  await page.locator('#profile-avatar img').waitFor();
  await check('Me, with the profile');
  await goTo(page, t.shop);
  await page.getByRole('button', { name: t.add }).click();
  await page.locator('consent-prompt[data-state="open"]').waitFor();
  await check('the consent sheet');
  await page.locator('consent-prompt').getByRole('button', { name: t.notNow }).click();
  await goTo(page, t.cart);
  await page.locator('#cart-lines li').first().waitFor();
  await check('Cart, with an item');
  await openDevPanel(page);
  await check('the developer panel');
}

/** Launches the demo in `lang` and expects `find` to find nothing on each of the 8 stops of the walk. */
async function expectNoneOnEveryScreen(lang: 'en' | 'ar', find: (page: Page) => Promise<unknown[]>): Promise<void> {
  const { page } = await openDemo({ viewport: PHONE, lang, reducedMotion: true });
  const checked: string[] = [];
  await walkEveryScreen(page, lang, async (where) => {
    checked.push(where);
    expect([where, await find(page)]).toEqual([where, []]);
  });
  expect(checked).toHaveLength(8);
}

// ---------------------------------------------------------------------------------------------

describe('closing the wallet’s page is a cancellation, not an error', () => {
  test('the consent button shows the neutral not-allowed state, records nothing, and a tap asks again', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await goTo(page, 'Me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await walletPage(page).getByRole('button', { name: 'Close' }).click();

    const button = page.locator('#profile-button');
    await page.locator('#profile-button[data-state="denied"]').waitFor();
    await button.getByText(NOT_ALLOWED).waitFor();
    expect(await button.getByText(WENT_WRONG).count()).toBe(0);
    expect(await consentState(page, 'USER_NAME')).toBe('unknown');
    expect((await permissionRows(page))['Name and photo']).toBe('Not asked');

    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo']);
    await page.locator('#profile-card').waitFor();
  });

  test('closed after the miniapp’s sheet: a kind word, and order updates still not asked', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await addAndAnswerSheet(page, 'Barhi dates', 'Continue');
    await walletPage(page).getByRole('button', { name: 'Close' }).click();
    await page.getByText('No problem. You can turn on order updates in your cart.').waitFor();
    expect(await consentState(page, 'NOTIFICATION_INBOX')).toBe('unknown');
    await goTo(page, 'Cart');
    await page.locator('#updates-button[data-state="idle"]').waitFor();
  });

  test('a real failure still shows the error', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await armWalletFault(page, 'empty');
    await cartWithAnItem(page);
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await page.locator('#contact-button[data-state="error"]').getByText(WENT_WRONG).waitFor();
  });
});

describe('what the page says is shared is the current grant', () => {
  test('after a sign-out and a grant of name and photo only, and after a relaunch, Me lists what the consent record holds', async () => {
    const { page } = await openDemo({ viewport: PHONE });

    await allowProfile(page);
    await addAndAnswerSheet(page, 'Barhi dates', 'Continue');
    await answerWallet(page, 'Allow', ['Send messages to your wallet inbox']);
    await page.getByText('Order updates are on.').waitFor();
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await answerWallet(page, 'Allow', [CONTACT_WORDS]);
    await goTo(page, 'Me');
    await expectSharedIsTheRecord(page, ['Name and photo', 'Contact details', 'Inbox notifications']);

    // Sign-out ends the backend session too.
    const backendSession = await page.evaluate(() => (window as any).__demo.authorizer.session().data.sessionId as string);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: PROFILE_BUTTON }).waitFor();
    expect((await fetch(new URL('/api/auth/me', url()), { headers: { Authorization: `Bearer ${backendSession}` } })).status).toBe(401);

    const profileAnswer = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/auth/me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo']);
    await page.locator('#profile-card').waitFor();
    await expectSharedIsTheRecord(page, ['Name and photo']);
    // The session after the sign-out covers the new grant only: nothing allowed before it comes back.
    const answer = (await (await profileAnswer).json()) as { scopes: string[]; user: Record<string, unknown> };
    expect(answer.scopes).not.toContain('USER_CONTACTINFO');
    expect(answer.scopes).not.toContain('NOTIFICATION_INBOX');
    expect(answer.user).toEqual({ userId: expect.any(String), userName: { fullName: expect.any(String) }, avatar: expect.stringMatching(/^\/sim\/avatars\//) });

    await page.getByRole('button', { name: 'Relaunch mini program' }).click();
    await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
    await goTo(page, 'Me');
    await page.locator('#profile-card').waitFor();
    await expectSharedIsTheRecord(page, ['Name and photo']);
  });
});

describe('sign-out', () => {
  test('ends every backend session the page opened, not only the last one', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    const opened: Array<Promise<string>> = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/auth/session' && r.status() === 200) opened.push(r.json().then((b: { sessionId: string }) => b.sessionId));
    });
    // The launch's silent session was opened before the listener: take it from the kit.
    const launch = await page.evaluate(() => (window as any).__demo.authorizer.session().data.sessionId as string);
    await allowProfile(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: PROFILE_BUTTON }).waitFor();
    const sessions = [launch, ...(await Promise.all(opened))];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    const statuses = await Promise.all(sessions.map((id) => fetch(new URL('/api/auth/me', url()), { headers: { Authorization: `Bearer ${id}` } }).then((r) => r.status)));
    expect(statuses).toEqual(sessions.map(() => 401));
  });
});

describe('every control is at least 44 × 44 CSS px', () => {
  test.each(['en', 'ar'] as const)('%s: Shop, Cart, Me, the sheets and the developer panel', (lang) => expectNoneOnEveryScreen(lang, smallControls));
});

describe('toasts', () => {
  /** The controls a shown toast overlaps (by the part of each control that is not clipped). */
  async function controlsUnderToast(page: Page): Promise<string[]> {
    const toast = await page.locator('#toast').boundingBox();
    expect(toast).not.toBeNull();
    const { x, y, width, height } = toast!;
    return (await controls(page))
      .filter((c) => c.shown && c.shown.left < x + width && c.shown.right > x && c.shown.top < y + height && c.shown.bottom > y)
      .map((c) => c.name);
  }

  test('never cover a control, and go when the user goes to another tab', async () => {
    const { page } = await openDemo({ viewport: PHONE, reducedMotion: true });
    await addAndAnswerSheet(page, 'Barhi dates', 'Not now');
    const toast = page.locator('#toast');
    await toast.getByText('No problem. You can turn on order updates in your cart.').waitFor();
    expect(await controlsUnderToast(page)).toEqual([]);
    await goTo(page, 'Cart');
    await toast.waitFor({ state: 'hidden' });

    // At the bottom of Me, where Sign out is.
    await allowProfile(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await toast.getByText('You’re signed out.').waitFor();
    await page.locator('#miniapp').evaluate((m) => m.scrollTo({ top: m.scrollHeight, behavior: 'instant' }));
    expect(await controlsUnderToast(page)).toEqual([]);
    await goTo(page, 'Shop');
    await toast.waitFor({ state: 'hidden' });
  });
});

describe('consumer text is plain language', () => {
  test('English: no kit error code or scope code outside the developer panel and the wallet’s page; they are in the panel', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await expectPlainText(page);
    await allowProfile(page);
    await expectPlainText(page);

    // A wallet failure on the contact step.
    await armWalletFault(page, 'error:1002');
    await cartWithAnItem(page);
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await page.locator('#contact-button').getByText(WENT_WRONG).waitFor();
    await expectPlainText(page);

    // A sign-in the wallet refuses.
    await goTo(page, 'Me');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await armWalletFault(page, 'error:15');
    await goTo(page, 'Shop');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Couldn’t sign in').waitFor();
    await page.getByText('Signing in with your wallet isn’t available right now.').waitFor();
    await expectPlainText(page);

    // The codes and the explanations are there for developers.
    const panel = (await page.locator('#devpanel').textContent()) ?? '';
    for (const word of ['SERVICE_ERROR', 'NO_PERMISSION', 'wallet 1002', 'wallet 15', 'USER_CONTACTINFO', 'the only kind a first screen may use']) expect(panel).toContain(word);
  });

  test('Arabic: no code, and every number in Arabic-Indic digits (the customer id as the dates)', async () => {
    const { page } = await openDemo({ viewport: PHONE, lang: 'ar' });
    const latinDigits = async () => (await shownText(page, `${DEVELOPER_ONLY}, .wallet-chrome`)).match(/[0-9]+/g) ?? [];
    await expectPlainText(page);
    expect(await latinDigits()).toEqual([]);
    await page.getByRole('button', { name: 'أضف تمر برحي إلى السلة' }).click();
    await consentSheet(page, 'هل تريد تحديثات طلبك؟').getByRole('button', { name: 'ليس الآن' }).click();
    await goTo(page, 'السلة');
    await page.locator('#cart-lines li').first().waitFor();
    expect(await latinDigits()).toEqual([]);
    await goTo(page, 'حسابي');
    await page.getByRole('button', { name: 'اعرض اسمي وصورتي' }).click();
    await walletPage(page, 'هل تفوّض سوق دجلة؟').getByRole('button', { name: 'سماح', exact: true }).click();
    await page.waitForFunction(() => /^[٠-٩]{20}$/.test(document.getElementById('profile-customer')?.textContent ?? ''));
    await expectPlainText(page);
    expect(await latinDigits()).toEqual([]);
  });
});

describe('the consent sheet’s title names what is asked', () => {
  test.each([
    ['en', 'Add Barhi dates to cart', 'Get order updates?'],
    ['ar', 'أضف تمر برحي إلى السلة', 'هل تريد تحديثات طلبك؟'],
  ] as const)('%s', async (lang, add, title) => {
    const { page } = await openDemo({ viewport: PHONE, lang });
    await page.getByRole('button', { name: add }).click();
    const sheet = consentSheet(page, title);
    await sheet.waitFor();
    expect(await sheet.getByRole('heading', { level: 2 }).textContent()).toBe(title);
  });
});

describe('the developer panel on a phone, and the desktop layout', () => {
  test('phone: a sheet over a backdrop that closes it; its labels keep the API’s case', async () => {
    const { page } = await openDemo({ viewport: PHONE, reducedMotion: true });
    await openDevPanel(page);
    const backdrop = page.locator('#devpanel-scrim');
    await backdrop.waitFor();
    expect(await page.getByText('Next my.getAuthCode call').evaluate((n) => (n as HTMLElement).innerText)).toContain('my.getAuthCode');
    // Everything around the panel is behind the backdrop: the wallet bar above, the tab bar under the sheet.
    const tabbar = (await page.locator('.tabbar').boundingBox())!;
    const hits = await page.evaluate(
      ({ x, y }) => ({ top: document.elementFromPoint(20, 20)?.id, tabbar: document.elementFromPoint(x, y)?.closest('.devpanel-wrap') !== null }),
      { x: tabbar.x + tabbar.width / 2, y: tabbar.y + tabbar.height / 2 },
    );
    expect(hits).toEqual({ top: 'devpanel-scrim', tabbar: true });
    await backdrop.click({ position: { x: 20, y: 20 } });
    await page.locator('#devpanel:not([open])').waitFor({ state: 'attached' });
    await backdrop.waitFor({ state: 'hidden' });
  });

  test('"Place order" is set like the other buttons', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
    await goTo(page, 'Cart');
    const font = (selector: string) => page.locator(selector).evaluate((el) => {
      const s = getComputedStyle(el);
      return `${s.fontWeight} ${s.fontSize}`;
    });
    const consent = await page.locator('#contact-button').evaluate((host) => {
      const s = getComputedStyle(host.shadowRoot!.querySelector('button')!);
      return `${s.fontWeight} ${s.fontSize}`;
    });
    expect(await font('#place-order')).toBe(consent);
  });

  test('desktop: the tagline is whole and the consent sheet reaches the bottom of the phone', async () => {
    const { page } = await openDemo({ viewport: DESKTOP, reducedMotion: true });
    const tagline = page.locator('.app-name');
    expect(await tagline.evaluate((n) => n.scrollWidth <= n.clientWidth && n.scrollHeight <= n.clientHeight)).toBe(true);
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).waitFor();
    const gap = await page.evaluate(() => {
      const phone = document.getElementById('phone')!;
      const inner = phone.getBoundingClientRect().bottom - parseFloat(getComputedStyle(phone).borderBottomWidth);
      const sheet = document.querySelector('consent-prompt')!.shadowRoot!.querySelector('[part~="sheet"]')!.getBoundingClientRect();
      return Math.round(inner - sheet.bottom);
    });
    expect(gap).toBe(0);
  });
});

describe('axe-core: no serious or critical violation', () => {
  test.each(['en', 'ar'] as const)('%s: every page and sheet', (lang) => expectNoneOnEveryScreen(lang, seriousViolations));
});
