/**
 * The demo tells the truth in every failure, and no two things on screen contradict each other
 * (Chromium, a phone's 390 × 844): who failed at sign-in and on a consent button (the wallet, the
 * network, the shop's server, or something to do in the wallet first), what the developer panel
 * calls each failure, what the wallet's page says is shared, sign-out, order updates, the checkout,
 * the wallet's memory across a relaunch and across tabs, the tabs' chrome.
 */
import type { Page } from 'playwright-core';
import {
  allowProfile,
  answerWallet,
  armBackendFault,
  armWalletFault,
  calls,
  consentSheet,
  CONTACT_BUTTON,
  CONTACT_WORDS,
  goTo,
  kitLog,
  openDevPanel,
  PHONE,
  PROFILE_BUTTON,
  useDemo,
  walletPage,
} from './helpers';

jest.setTimeout(120_000);

const { openDemo } = useDemo();

const signinCard = (page: Page) => page.locator('#signin');

/** The Permissions row of `name` on Me. */
const permission = (page: Page, name: string) => page.locator('#permissions li').filter({ hasText: name }).locator('.pill');

describe('1–3: a failure says which side failed and what a tap will do', () => {
  test('the backend unreachable at launch: the shop’s server is named, not the wallet; "Try again" then works', async () => {
    let down = true;
    const { page } = await openDemo({
      viewport: PHONE,
      signedIn: false,
      before: (p) => p.route('**/api/auth/session', (route) => (down ? route.abort('connectionrefused') : route.fallback())),
    });
    await signinCard(page).getByText('Couldn’t sign in').waitFor();
    await signinCard(page).getByText('Your wallet answered, but Tigris Market’s server didn’t. Try again in a moment.').waitFor();
    expect(await signinCard(page).textContent()).not.toContain('Your wallet didn’t answer');
    down = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
  });

  test('the same in Arabic', async () => {
    const { page } = await openDemo({ viewport: PHONE, lang: 'ar', signedIn: false, before: (p) => p.route('**/api/auth/session', (route) => route.abort('connectionrefused')) });
    // The phone is set to Arabic: the page opens in Arabic.
    await signinCard(page).getByText('استجابت محفظتك، لكن خادم سوق دجلة لم يستجب. حاول مرة أخرى بعد قليل.').waitFor();
  });

  test('the code exchange fails (backend 500) after the wallet said yes: the button says so, Permissions agree, a tap retries', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await armBackendFault(page, 'HTTP_500');
    await goTo(page, 'Me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo']);
    const button = page.locator('#profile-button');
    await page.locator('#profile-button[data-state="error"]').waitFor();
    await button.getByText('Your wallet allowed it, but Tigris Market couldn’t finish. Tap to try again.').waitFor();
    // Permissions says what the wallet allowed: no contradiction with the button's words.
    expect(await permission(page, 'Name and photo').textContent()).toBe('Allowed');
    expect(await button.textContent()).not.toMatch(/Something went wrong/);
    // "Tap to try again.": the tap finishes it (the wallet remembers the yes: no second page).
    await button.getByText('Your wallet allowed it, but Tigris Market couldn’t finish. Tap to try again.').click();
    await page.locator('#profile-card').waitFor();
    expect(await walletPage(page).count()).toBe(0);
  });

  test('2001 on a consent button: what to do in the wallet, no bare "Try again"', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await armWalletFault(page, 'error:2001');
    await goTo(page, 'Me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    const button = page.locator('#profile-button');
    await page.locator('#profile-button[data-state="error"]').waitFor();
    await button.getByText('Accept your wallet’s user agreement in your wallet app first, then tap again.').waitFor();
    expect(await button.textContent()).not.toMatch(/Try again|isn’t available/);
  });

  test('2001 at sign-in: what to do in the wallet, and the button signs in (never "Try again")', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await goTo(page, 'Me');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await armWalletFault(page, 'error:2001');
    await goTo(page, 'Shop');
    await signinCard(page).getByRole('button', { name: 'Sign in' }).click();
    await signinCard(page).getByText('Your wallet asks you to accept its user agreement first. Accept it in your wallet app, then sign in.').waitFor();
    expect(await signinCard(page).getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await signinCard(page).getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
  });

  test('network error 12 on a consent button: said plainly, and a tap retries', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
    await armWalletFault(page, 'error:12');
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    const hint = page.locator('#contact-button').getByText('No internet connection. Tap to try again.');
    await hint.waitFor();
    await hint.click();
    await answerWallet(page, 'Allow', [CONTACT_WORDS]);
    await page.getByText('Your wallet shared your contact details for this delivery.').waitFor();
    // (At sign-in the kit retries a silent scope's network error by itself: tests/demo-app has the words it ends with.)
  });
});

describe('4: the developer panel names each failure’s side, and tells "Not now" from a refusal', () => {
  test('a backend failure is the backend’s, "Not now" and a refusal in the wallet are two different lines', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    // "Not now" on the miniapp's sheet.
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
    // A refusal in the wallet's page.
    await goTo(page, 'Me');
    await page.getByRole('button', { name: PROFILE_BUTTON }).click();
    await answerWallet(page, 'Deny', ['Get your name']);
    // The backend fails the next exchange.
    await armBackendFault(page, 'HTTP_500');
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await answerWallet(page, 'Allow', [CONTACT_WORDS]);
    await page.locator('#contact-button[data-state="error"]').waitFor();

    await openDevPanel(page);
    const log = await kitLog(page);
    const line = (scope: string) => log.find((l) => l.includes(` | ${scope} | `)) ?? '';
    expect(line('NOTIFICATION_INBOX')).toMatch(/^USER_CANCELLED · not now \| NOTIFICATION_INBOX \| “Not now” on the miniapp’s own sheet/);
    expect(line('USER_NAME USER_AVATAR')).toMatch(/^USER_CANCELLED \| USER_NAME USER_AVATAR \| refused in the wallet’s page: recorded as denied.* · wallet 1001$/);
    expect(line('USER_CONTACTINFO')).toMatch(/^BACKEND_ERROR \| USER_CONTACTINFO \| the wallet said yes; the merchant backend failed.* · HTTP 5\d\d$/);
    expect(log.join('\n')).not.toMatch(/wallet BACKEND_ERROR|wallet UNKNOWN_EXCEPTION/);
  });
});

describe('the developer panel’s fault switch', () => {
  test('a read of the switch answered after "Arm" does not turn "Armed" back into "Nothing armed"', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    // Opening the panel (and the pointer entering it) reads the switch; those reads are held until the arm has been answered.
    let releaseReads: () => void = () => {};
    const readsHeld = new Promise<void>((resolve) => (releaseReads = resolve));
    const delivered: Promise<void>[] = [];
    await page.route('**/sim/faults', (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const done = (async () => {
        const answer = await route.fetch();
        await readsHeld;
        await route.fulfill({ response: answer });
      })();
      delivered.push(done);
      return done;
    });
    await openDevPanel(page);
    await page.getByLabel('Next code exchange (merchant backend → wallet OpenAPI)').selectOption('HTTP_500');
    await page.locator('#backend-fault-arm').click();
    const state = page.locator('#backend-fault-state');
    await state.getByText('Armed: HTTP_500').waitFor();
    expect(delivered.length).toBeGreaterThan(0);
    releaseReads();
    await Promise.all(delivered);
    // The stale answers ("nothing armed" when they were read) reach the page's script, which reads their bodies.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(await state.textContent()).toContain('Armed: HTTP_500');
  });
});

describe('5: the wallet’s page lists only what the shop says it shares', () => {
  test('contact step: the shop says a phone number and nothing else; the wallet’s page lists the mobile number only', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await goTo(page, 'Cart');
    // The shop's words, before and after a refusal.
    const shop = `${await page.locator('#page-cart').textContent()} ${await page.locator('#contact-button').getAttribute('rationale')}`;
    expect(shop).toContain('phone number');
    expect(shop).toContain('Nothing else is shared');
    await goTo(page, 'Shop');
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    const scopes = walletPage(page).locator('.wallet-scopes');
    await scopes.waitFor();
    const listed = (await scopes.locator('li > .wallet-scope-text > span').allTextContents()).join(' | ');
    expect(listed).toBe(CONTACT_WORDS);
    expect(listed).not.toMatch(/e-?mail/i);
  });
});

describe('6–8: states that agree with each other', () => {
  test('after a sign-out, Me offers "Sign in", never an enabled "Sign out" that does nothing', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await goTo(page, 'Me');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You’re signed out. Sign in to use what you allow here.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.locator('#page-me').getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.locator('#signin').getAttribute('data-state')).toBe('signed-in');
  });

  test('"Not now" on order updates: not offered again on the next Add (nor after a relaunch); the cart offers it, as the toast says', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
    await page.getByText('No problem. You can turn on order updates in your cart.').waitFor();
    for (const item of ['Kleicha cookies', 'Cardamom tea']) {
      await page.getByRole('button', { name: `Add ${item} to cart` }).click();
      await page.getByText(`${item} added to your cart`).waitFor();
    }
    await page.waitForTimeout(400);
    expect(await page.locator('consent-prompt[data-state="open"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Relaunch mini program' }).click();
    await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Add Sumac to cart' }).click();
    await page.waitForTimeout(400);
    expect(await page.locator('consent-prompt[data-state="open"]').count()).toBe(0);
    expect((await calls(page)).filter((c) => c.scopes.includes('NOTIFICATION_INBOX'))).toHaveLength(0);
    // Where the toast said.
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: 'Turn on order updates' }).click();
    await answerWallet(page, 'Allow', ['Send messages to your wallet inbox']);
    await page.getByText('Order updates go to your wallet inbox.').waitFor();
  });

  test('"Place order" waits for step 1 (the delivery contact); the steps go with the order', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await goTo(page, 'Cart');
    // No order: no checkout steps.
    expect(await page.locator('#checkout').isVisible()).toBe(false);
    await goTo(page, 'Shop');
    await page.getByRole('button', { name: 'Add Barhi dates to cart' }).click();
    await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
    await goTo(page, 'Cart');
    const place = page.getByRole('button', { name: 'Place order' });
    expect(await place.isDisabled()).toBe(true);
    await page.getByText('Add a delivery contact (step 1) to place your order.').waitFor();
    await page.getByRole('button', { name: CONTACT_BUTTON }).click();
    await answerWallet(page, 'Allow', [CONTACT_WORDS]);
    await page.getByText('Your wallet shared your contact details for this delivery.').waitFor();
    expect(await place.isEnabled()).toBe(true);
    expect(await page.getByText('Add a delivery contact (step 1) to place your order.').isVisible()).toBe(false);
    await place.click();
    await page.getByText('Order placed. This is a demo: nothing was charged.').waitFor();
    await page.getByText('Your cart is empty.').waitFor();
    expect(await page.locator('#checkout').isVisible()).toBe(false);
    expect(await page.getByText('Step 1', { exact: true }).isVisible()).toBe(false);
  });
});

describe('9: the wallet, relaunch, tabs and the chrome', () => {
  test('the wallet keeps its grants across a relaunch, as the page shows them Allowed', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    await allowProfile(page);
    await page.getByRole('button', { name: 'Relaunch mini program' }).click();
    await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
    const grants = await page.evaluate(() => [...(window as any).__demo.sim.grants].sort());
    expect(grants).toEqual(['USER_AVATAR', 'USER_NAME']);
    await openDevPanel(page);
    expect(await page.locator('#wallet-grants').textContent()).toMatch(/^The wallet remembers: (USER_NAME, USER_AVATAR|USER_AVATAR, USER_NAME) \(asked again without a page\)\.$/);
    await page.locator('#devpanel summary').click();
    await goTo(page, 'Me');
    expect(await permission(page, 'Name and photo').textContent()).toBe('Allowed');
  });

  test('two tabs agree after a sign-out in one of them', async () => {
    const a = await openDemo({ viewport: PHONE });
    await allowProfile(a.page);
    const b = await openDemo({ tabOf: a });
    await goTo(b.page, 'Me');
    await b.page.locator('#profile-card').waitFor();

    await a.page.getByRole('button', { name: 'Sign out' }).click();
    await a.page.getByRole('button', { name: PROFILE_BUTTON }).waitFor();

    // The other tab follows: signed out, its wallet forgot the same grants, nothing says otherwise.
    await b.page.getByRole('button', { name: PROFILE_BUTTON }).waitFor();
    expect(await b.page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await permission(b.page, 'Name and photo').textContent()).toBe('Not asked');
    expect(await permission(b.page, 'Wallet account').textContent()).toBe('Not asked');
    expect(await b.page.evaluate(() => (window as any).__demo.sim.grants.size)).toBe(0);
    await goTo(b.page, 'Shop');
    expect(await b.page.locator('#signin').getAttribute('data-state')).toBe('signed-out');
    // And a sign-in in that tab asks the wallet again, as in the first.
    await b.page.locator('#signin').getByRole('button', { name: 'Sign in' }).click();
    await b.page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
  });

  test('Relaunch starts on the first page; the tabs show no back arrow; the name is written once', async () => {
    const { page } = await openDemo({ viewport: PHONE });
    const back = page.locator('#wallet-back');
    const named = () => page.evaluate(() => {
      // Visible elements whose own text is the miniapp's name, outside the guide, the panel and the wallet's page.
      return Array.from(document.querySelectorAll('body *')).filter((el) => {
        if (el.closest('.guide, .devpanel-wrap, #wallet-layer')) return false;
        const own = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
        return own === 'Tigris Market' && (el as HTMLElement).checkVisibility();
      }).length;
    });
    for (const tab of ['Shop', 'Cart', 'Me']) {
      await goTo(page, tab);
      expect([tab, await back.isVisible()]).toEqual([tab, false]);
      expect([tab, await named()]).toEqual([tab, 1]);
    }
    await goTo(page, 'Cart');
    await page.getByRole('button', { name: 'Relaunch mini program' }).click();
    await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
    expect(await page.evaluate(() => location.pathname)).toBe('/');
    expect(await page.locator('#page-shop').isVisible()).toBe(true);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Shop', exact: true }).getAttribute('aria-current')).toBe('page');
  });
});
