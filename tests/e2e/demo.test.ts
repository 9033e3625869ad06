/**
 * The demo miniapp in a real browser (Debian's chromium through playwright-core): the page server,
 * the merchant backend and the simulated wallet OpenAPI run as `npm run demo` runs them, the page
 * runs the built kit under the demo's strict Content-Security-Policy, and each test clicks through it
 * as a user would. `window.__demo = { sim, authorizer }` is read, never driven. How it looks and
 * reads (states, control sizes, texts, toasts, contrast) is checked in demo-ux.test.ts.
 */
import {
  allowProfile,
  answerWallet,
  armWalletFault,
  calls,
  cartWithAnItem,
  closeDevPanel,
  consentSheet,
  consentState,
  CONTACT_BUTTON,
  CONTACT_WORDS,
  expectNoCodeLeak,
  expectNoPageErrors,
  goTo,
  openDevPanel,
  PROFILE_BUTTON,
  sessionScopes,
  signedIn,
  useDemo,
  walletPage,
} from './helpers';

jest.setTimeout(90_000);

const { openDemo, url } = useDemo();

const PROFILE_RATIONALE =
  'We show your name and photo on your orders and receipts, so the courier knows who to hand them to. Nothing else is shared.';
const UPDATES_RATIONALE = 'We send a message to your wallet inbox when your order ships and when it arrives. Nothing else.';

// ---------------------------------------------------------------------------------------------
// The page server

describe('page server', () => {
  test('serves the pages and the kit with a strict CSP, and nothing outside them', async () => {
    const page = await fetch(url());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i); // no inline script
    expect(html).not.toMatch(/<style|\sstyle=/i); // no inline style

    const kit = await fetch(new URL('/kit/index.js', url()));
    expect(kit.status).toBe(200);
    expect(kit.headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const route of ['/cart', '/me']) expect((await fetch(new URL(route, url()))).status).toBe(200);
    for (const escape of ['/kit/..%2Fpackage.json', '/kit/%2e%2e/package.json', '/kit/chunks/', '/kit/../package.json', '/..%2F..%2Fetc%2Fpasswd', '/.gitignore']) {
      expect((await fetch(new URL(escape, url()))).status).toBe(404);
    }
    expect((await fetch(new URL('/kit/index.js', url()), { method: 'POST' })).status).toBe(405);
  });
});

// ---------------------------------------------------------------------------------------------
// Walk-throughs

describe('the demo miniapp', () => {
  test('(a) the first screen asks nothing: a silent auth_base login only', async () => {
    const session = await openDemo();
    const { page } = session;
    // Give anything that would pop up the time to do so.
    await page.waitForTimeout(600);
    expect(await walletPage(page).count()).toBe(0);
    expect(await consentSheet(page).count()).toBe(0);
    expect(await page.locator('consent-prompt').getAttribute('data-state')).not.toBe('open');
    const made = await calls(page);
    expect(made.length).toBeGreaterThan(0);
    for (const call of made) {
      expect(call.prompted).toBe(false);
      expect(call.scopes).toEqual(['auth_base']);
    }
    expect(await page.evaluate(() => (window as any).__demo.sim.maxOpenPrompts)).toBe(0);
    // Nobody touched the page: the kit still counts it as the first screen.
    expect(await page.evaluate(() => (window as any).__demo.authorizer.engaged)).toBe(false);
    expect(await sessionScopes(page)).toEqual(['auth_base']);
    expect(session.submissions.map((s) => s.scopes)).toEqual([['auth_base']]);
    // Browsing still asks nothing.
    await page.getByRole('heading', { name: 'Barhi dates' }).scrollIntoViewIfNeeded();
    expect(await walletPage(page).count()).toBe(0);
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('(b) allow: the wallet lists name and avatar, then the profile card shows', async () => {
    const session = await openDemo();
    const { page } = session;
    await goTo(page, 'Me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo'], [CONTACT_WORDS]);
    const card = page.locator('#profile-card');
    await card.waitFor();
    await card.getByText('Shared with Tigris Market').waitFor();
    await card.getByText('Name and photo', { exact: true }).waitFor();
    // The backend's /api/auth/me answered: the wallet customer id is shown.
    await page.waitForFunction(() => /^\d{20}$/.test(document.getElementById('profile-customer')?.textContent ?? ''));
    // …and the name and photo the backend read from the wallet's user-info API with its token.
    await page.waitForFunction(() => /^[A-Z][a-z]+ Al-[A-Z][a-z]+$/.test(document.getElementById('profile-name')?.textContent ?? ''));
    const avatar = await page.locator('#profile-avatar img').getAttribute('src');
    expect(avatar).toMatch(/^\/sim\/avatars\/\d+\.svg$/);
    expect(await page.evaluate(async (src) => (await fetch(src as string)).headers.get('content-type'), avatar)).toContain('image/svg+xml');
    expect(await page.getByRole('button', { name: PROFILE_BUTTON }).count()).toBe(0);
    expect(await sessionScopes(page)).toEqual(expect.arrayContaining(['auth_base', 'USER_NAME', 'USER_AVATAR']));
    const prompted = (await calls(page)).filter((c) => c.prompted);
    expect(prompted).toEqual([{ scopes: ['USER_NAME', 'USER_AVATAR'], prompted: true, outcome: 'granted' }]);
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('(c) deny, then a new tap asks again and allow authorizes', async () => {
    const session = await openDemo();
    const { page } = session;
    await goTo(page, 'Me');
    const button = page.locator('#profile-button');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Deny', ['Get your name', 'Get your profile photo']);
    await page.waitForFunction(() => document.getElementById('profile-button')?.getAttribute('data-state') === 'denied');
    await button.getByText('Not allowed yet. Tap to allow access.').waitFor();
    await button.getByText(PROFILE_RATIONALE).waitFor();
    expect(await consentState(page, 'USER_NAME')).toBe('denied');
    expect(await page.locator('#profile-card').isVisible()).toBe(false);

    // A later request without a tap does not ask (the kit answers DENIED at once).
    const code = await page.evaluate(() =>
      (window as any).__demo.authorizer.authorize(['USER_NAME', 'USER_AVATAR']).then(
        () => 'authorized',
        (e: { code: string }) => e.code,
      ),
    );
    expect(code).toBe('DENIED');
    expect(await walletPage(page).count()).toBe(0);

    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo']);
    await page.locator('#profile-card').waitFor();
    expect(await consentState(page, 'USER_NAME')).toBe('granted');
    expect(await consentState(page, 'USER_AVATAR')).toBe('granted');
    const prompted = (await calls(page)).filter((c) => c.prompted);
    expect(prompted.map((c) => c.outcome)).toEqual(['denied', 'granted']);
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('(d) profile and contact data are two separate wallet consent pages', async () => {
    const session = await openDemo();
    const { page } = session;
    const contact = CONTACT_WORDS;
    await goTo(page, 'Me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo'], [contact]);
    await page.locator('#profile-card').waitFor();

    await cartWithAnItem(page);
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await answerWallet(page, 'Allow', [contact], ['Get your name', 'Get your profile photo']);
    await page.getByText('Your wallet shared your contact details for this delivery.').waitFor();

    const prompted = (await calls(page)).filter((c) => c.prompted);
    expect(prompted.map((c) => c.scopes)).toEqual([['USER_NAME', 'USER_AVATAR'], ['USER_CONTACTINFO']]);
    for (const call of await calls(page)) {
      expect(call.scopes.includes('USER_CONTACTINFO') && call.scopes.includes('USER_NAME')).toBe(false);
    }
    expect(await page.evaluate(() => (window as any).__demo.sim.maxOpenPrompts)).toBe(1);
    expect(await sessionScopes(page)).toEqual(expect.arrayContaining(['USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO']));
    // Me still shows the name: the contact step's backend session adds to the profile's.
    const profileAnswer = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/auth/me');
    await goTo(page, 'Me');
    expect(((await (await profileAnswer).json()) as { scopes: string[] }).scopes).toEqual(expect.arrayContaining(['USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO']));
    await page.waitForFunction(() => /^[A-Z][a-z]+ Al-[A-Z][a-z]+$/.test(document.getElementById('profile-name')?.textContent ?? ''));
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('(e) order updates come due programmatically and go through <consent-prompt> first', async () => {
    const session = await openDemo();
    const { page } = session;
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();

    // The miniapp's sheet, not the wallet's page.
    const sheet = consentSheet(page);
    await sheet.waitFor();
    await sheet.getByText(UPDATES_RATIONALE).waitFor();
    expect(await walletPage(page).count()).toBe(0);
    expect((await calls(page)).some((c) => c.scopes.includes('NOTIFICATION_INBOX'))).toBe(false);

    // "Not now": closed, nothing asked, nothing recorded.
    await sheet.getByRole('button', { name: 'Not now' }).click();
    await sheet.waitFor({ state: 'hidden' });
    expect(await consentState(page, 'NOTIFICATION_INBOX')).toBe('unknown');
    expect((await calls(page)).some((c) => c.scopes.includes('NOTIFICATION_INBOX'))).toBe(false);
    expect(await walletPage(page).count()).toBe(0);

    // After "Not now" the toast says where to turn them on: the cart. There, the button's tap opens
    // the wallet's page (another Add does not ask again: see demo-truth.test.ts).
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: 'Turn on order updates' }).click();
    await answerWallet(page, 'Allow', ['Send messages to your wallet inbox']);
    await page.getByText('Order updates go to your wallet inbox.').waitFor();
    expect(await consentState(page, 'NOTIFICATION_INBOX')).toBe('granted');
    expect(await sessionScopes(page)).toEqual(expect.arrayContaining(['NOTIFICATION_INBOX']));
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('(f) Arabic: right to left, with the elements speaking Arabic', async () => {
    const session = await openDemo();
    const { page } = session;
    await page.getByRole('button', { name: 'العربية' }).click();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    await page.getByText('تم تسجيل الدخول بصمت').waitFor();

    await goTo(page, 'حسابي');
    const button = page.locator('#profile-button');
    await page.getByRole('button', { name: 'اعرض اسمي وصورتي' }).click();
    const dialog = walletPage(page, 'هل تفوّض سوق دجلة؟');
    await dialog.waitFor();
    await dialog.getByText('الحصول على اسمك', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'رفض', exact: true }).click();
    // The element's own Arabic text after a refusal, laid out right to left.
    await button.getByText('لم يُسمح بالوصول بعد. اضغط لتسمح بالوصول.').waitFor();
    expect(await button.evaluate((el) => (el.shadowRoot?.querySelector('[dir]') as HTMLElement | null)?.dir)).toBe('rtl');

    // The deferred sheet in Arabic.
    await goTo(page, 'المتجر');
    await page.getByRole('button', { name: 'أضف تمر برحي إلى السلة' }).click();
    const sheet = consentSheet(page, 'هل تريد تحديثات طلبك؟');
    await sheet.waitFor();
    await sheet.getByRole('button', { name: 'متابعة' }).waitFor();
    await sheet.getByRole('button', { name: 'ليس الآن' }).click();
    await sheet.waitFor({ state: 'hidden' });

    // And back.
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['en', 'ltr']);
    await goTo(page, 'Me');
    await button.getByText('Not allowed yet. Tap to allow access.').waitFor();
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('(g) a relaunch after authorizing needs no prompt and no wallet call', async () => {
    const session = await openDemo();
    const { page } = session;
    await allowProfile(page);
    const before = session.submissions.length;

    // The wallet's relaunch button (the capsule) starts the miniapp again, on its first page.
    await page.getByRole('button', { name: 'Relaunch mini program' }).click();
    await page.waitForLoadState('load');
    await signedIn(page);
    await goTo(page, 'Me');
    await page.locator('#profile-card').waitFor();
    await page.getByText('Shared with Tigris Market').waitFor();
    await page.waitForTimeout(500);
    expect(await calls(page)).toEqual([]);
    expect(session.submissions.length).toBe(before);
    expect(await walletPage(page).count()).toBe(0);
    expect(await sessionScopes(page)).toEqual(expect.arrayContaining(['auth_base', 'USER_NAME', 'USER_AVATAR']));
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('sign out clears the session and the consent record', async () => {
    const session = await openDemo();
    const { page } = session;
    await allowProfile(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: PROFILE_BUTTON }).waitFor();
    expect(await sessionScopes(page)).toBeNull();
    expect(await consentState(page, 'USER_NAME')).toBe('unknown');
    await goTo(page, 'Shop');
    await page.getByText('Signed out', { exact: true }).waitFor();
    await expectNoCodeLeak(session);
    expectNoPageErrors(session);
  });

  test('developer panel: a spoiled code is replaced by one fresh code; a wallet error shows on the button', async () => {
    const session = await openDemo();
    const { page } = session;
    // On a phone the panel opens from the capsule (•••).
    await openDevPanel(page);
    await page.getByLabel('Next code exchange (merchant backend → wallet OpenAPI)').selectOption('EXPIRED_CODE');
    await page.locator('#backend-fault-arm').click();
    await page.getByText('Armed: EXPIRED_CODE').waitFor();
    await closeDevPanel(page);

    await allowProfile(page);
    // The expired code was refused; the kit got one fresh code from the wallet, without a second page.
    const profileCalls = (await calls(page)).filter((c) => c.scopes.includes('USER_NAME'));
    expect(profileCalls.map((c) => c.prompted)).toEqual([true, false]);
    expect(session.submissions.filter((s) => s.scopes.includes('USER_NAME'))).toHaveLength(2);

    // A wallet failure on the next call: the contact button shows it, and a new tap works.
    await armWalletFault(page, 'error:1002');
    await cartWithAnItem(page);
    const contact = page.locator('#contact-button');
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await page.waitForFunction(() => document.getElementById('contact-button')?.getAttribute('data-state') === 'error');
    await contact.getByText('Something went wrong. Tap to try again.').waitFor();
    expect(await walletPage(page).count()).toBe(0);
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await answerWallet(page, 'Allow', [CONTACT_WORDS]);
    await page.getByText('Your wallet shared your contact details for this delivery.').waitFor();
    await expectNoCodeLeak(session);
    // The browser logs the backend's refusal of the expired code (HTTP 410) as a failed resource.
    expectNoPageErrors(session, /status of 410/);
  });
});
