/**
 * `npm run shots`: screenshots of every page and sheet of the demo, in English and Arabic, at a phone's
 * 390 × 844 (and, with `--desktop`, at 1440 × 900), for review. Written to `shots/` (git-ignored):
 * `shots/<width>x<height>/<lang>-<nn>-<what>.png` for the walk-through, and
 * `<lang>-f<nn>-<what>.png` for the failures a user can meet (the backend unreachable at launch, the
 * code exchange failing after the wallet's yes, wallet errors 2001 and 12, a sign-out, and what the
 * developer panel says of each). It starts the demo on a free port with a fresh data directory and
 * drives Debian's chromium (`CHROMIUM_PATH` to use another) like a user, faults armed from the
 * developer panel as a developer would.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startDemo } from '../demo-miniapp/start.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'shots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const LANGS = ['en', 'ar'];

/** Texts the walk needs, per language (the demo's own and the wallet's). */
const UI = {
  en: { me: 'Me', cart: 'Cart', shop: 'Shop', profile: 'Show my name and photo', contact: 'Use my wallet contact details', add: 'Add Barhi dates to cart', addMore: 'Add Kleicha cookies to cart', wallet: 'Authorize Tigris Market?', allow: 'Allow', deny: 'Deny', close: 'Close', notNow: 'Not now', signOut: 'Sign out', signIn: 'Sign in', place: 'Place order' },
  ar: { me: 'حسابي', cart: 'السلة', shop: 'المتجر', profile: 'اعرض اسمي وصورتي', contact: 'استخدم بيانات التواصل من محفظتي', add: 'أضف تمر برحي إلى السلة', addMore: 'أضف كليجة إلى السلة', wallet: 'هل تفوّض سوق دجلة؟', allow: 'سماح', deny: 'رفض', close: 'إغلاق', notNow: 'ليس الآن', signOut: 'تسجيل الخروج', signIn: 'تسجيل الدخول', place: 'إتمام الطلب' },
};

async function open(browser, url, viewport, lang, { before, signedIn = true } = {}) {
  const context = await browser.newContext({ viewport, locale: lang === 'ar' ? 'ar-IQ' : 'en-US', reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  // The demo keeps its language choice in localStorage: start in `lang`.
  await context.addInitScript((l) => localStorage.setItem('tigris-market:lang', l), lang);
  const page = await context.newPage();
  await before?.(page);
  await page.goto(url);
  await page.locator(`#signin[data-state="${signedIn ? 'signed-in' : 'failed'}"]`).waitFor({ state: 'attached' });
  return { context, page };
}

/** Waits until animations and fonts settle, then writes one screenshot. */
async function shoot(page, dir, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(() => Promise.all(document.getAnimations({ subtree: true }).map((a) => a.finished.catch(() => undefined))));
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

const tab = (page, name) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
const walletPage = (page, t) => page.getByRole('dialog', { name: t.wallet });
const wide = (viewport) => viewport.width >= 900;

/** The developer panel: beside the phone on a wide screen, a sheet from the capsule's ••• on a phone. */
async function withPanel(page, viewport, fn) {
  if (!wide(viewport)) await page.getByRole('button', { name: 'Wallet developer panel' }).click();
  await page.locator('#devpanel[open]').waitFor();
  await fn();
  if (!wide(viewport)) await page.locator('#devpanel summary').click();
}

/** Arms the next `my.getAuthCode` failure (`error:2001`…) or the next code exchange's (`HTTP_500`…). */
async function arm(page, viewport, { wallet, backend }) {
  await withPanel(page, viewport, async () => {
    if (wallet) {
      await page.locator('#wallet-fault').selectOption(wallet);
      await page.locator('#wallet-fault-arm').click();
    }
    if (backend) {
      await page.locator('#backend-fault').selectOption(backend);
      await page.locator('#backend-fault-arm').click();
      await page.getByText(`Armed: ${backend}`).waitFor();
    }
  });
}

/** One language at one size: every page, the sheets, the panel and the toasts. */
async function walk(browser, url, viewport, lang, snap) {
  const t = UI[lang];
  const { context, page } = await open(browser, url, viewport, lang);
  try {
    await snap(page, 'shop');
    await tab(page, t.cart);
    await snap(page, 'cart-empty');
    await tab(page, t.me);
    await snap(page, 'me');

    await page.getByRole('button', { name: t.profile }).click();
    await walletPage(page, t).waitFor();
    await snap(page, 'wallet-sheet');
    await walletPage(page, t).getByRole('button', { name: t.close, exact: true }).click();
    await page.locator('#profile-button[data-state="denied"]').waitFor();
    await snap(page, 'me-wallet-closed');
    await page.getByRole('button', { name: t.profile }).click();
    await walletPage(page, t).getByRole('button', { name: t.deny, exact: true }).click();
    await page.locator('#profile-button[data-state="denied"]').waitFor();
    await snap(page, 'me-denied');
    await page.getByRole('button', { name: t.profile }).click();
    await walletPage(page, t).getByRole('button', { name: t.allow, exact: true }).click();
    await page.locator('#profile-card').waitFor();
    await page.waitForFunction(() => document.querySelector('#profile-avatar img') !== null);
    await snap(page, 'me-profile');
    await page.locator('#permissions').scrollIntoViewIfNeeded();
    await snap(page, 'me-permissions');

    await tab(page, t.shop);
    await page.getByRole('button', { name: t.add }).click();
    await page.locator('consent-prompt[data-state="open"]').waitFor();
    await snap(page, 'consent-prompt');
    await page.locator('consent-prompt').getByRole('button', { name: t.notNow }).click();
    // The next addition asks nothing: the toast says where order updates are offered (the cart).
    await page.getByRole('button', { name: t.addMore }).click();
    await snap(page, 'shop-toast');

    await tab(page, t.cart);
    await snap(page, 'cart-needs-contact');
    await page.getByRole('button', { name: t.contact }).click();
    await walletPage(page, t).waitFor();
    await snap(page, 'wallet-sheet-contact');
    await walletPage(page, t).getByRole('button', { name: t.allow, exact: true }).click();
    await page.locator('#page-cart auth-gate[data-state="authorized"]').first().waitFor();
    await snap(page, 'cart-contact');
    await page.getByRole('button', { name: t.place }).click();
    await page.locator('#checkout').waitFor({ state: 'hidden' });
    await snap(page, 'cart-order-placed');

    if (!wide(viewport)) await page.getByRole('button', { name: 'Wallet developer panel' }).click();
    await snap(page, 'developer-panel');
    await page.locator('#kit-log').scrollIntoViewIfNeeded();
    await snap(page, 'developer-panel-kit');
  } finally {
    await context.close();
  }
}

/** The failures a user can meet, and what the page and the developer panel say of each. */
async function failures(browser, url, viewport, lang, snap) {
  const t = UI[lang];
  // The shop's server unreachable at launch: the sign-in card names it, not the wallet.
  const down = await open(browser, url, viewport, lang, { signedIn: false, before: (p) => p.route('**/api/auth/session', (route) => route.abort('connectionrefused')) });
  await snap(down.page, 'shop-backend-unreachable');
  await down.context.close();

  const { context, page } = await open(browser, url, viewport, lang);
  try {
    // The code exchange fails after the wallet's yes: the button says which side, Permissions agree.
    await arm(page, viewport, { backend: 'HTTP_500' });
    await tab(page, t.me);
    await page.getByRole('button', { name: t.profile }).click();
    await walletPage(page, t).getByRole('button', { name: t.allow, exact: true }).click();
    await page.locator('#profile-button[data-state="error"]').waitFor();
    await snap(page, 'me-backend-failed');
    await page.locator('#permissions').scrollIntoViewIfNeeded();
    await snap(page, 'me-backend-failed-permissions');
    await page.locator('#miniapp').evaluate((m) => m.scrollTo({ top: 0, behavior: 'instant' }));

    // 2001: the user must accept the wallet's agreement first (no bare "Try again").
    await page.evaluate(() => window.__demo.authorizer.signOut());
    await arm(page, viewport, { wallet: 'error:2001' });
    await page.getByRole('button', { name: t.profile }).click();
    await page.locator('#profile-button[data-state="error"]').waitFor();
    await snap(page, 'me-2001-agreement');

    // 12: the network, on the cart's contact step.
    await tab(page, t.shop);
    await page.getByRole('button', { name: t.add }).click();
    await page.locator('consent-prompt').getByRole('button', { name: t.notNow }).click();
    await arm(page, viewport, { wallet: 'error:12' });
    await tab(page, t.cart);
    await page.getByRole('button', { name: t.contact }).click();
    await page.locator('#contact-button[data-state="error"]').waitFor();
    await snap(page, 'cart-12-network');

    // Signed out: Me offers "Sign in", never a "Sign out" that does nothing.
    await tab(page, t.me);
    await page.locator('#miniapp').evaluate((m) => m.scrollTo({ top: m.scrollHeight, behavior: 'instant' }));
    await snap(page, 'me-signed-out');

    // 2001 at sign-in: what to do in the wallet, and a "Sign in" button.
    await arm(page, viewport, { wallet: 'error:2001' });
    await tab(page, t.shop);
    await page.locator('#signin').getByRole('button', { name: t.signIn }).click();
    await page.locator('#signin[data-state="failed"]').waitFor();
    await snap(page, 'shop-2001-agreement');

    // What the developer panel says of each: the backend's code as the backend's, "Not now" apart.
    if (!wide(viewport)) await page.getByRole('button', { name: 'Wallet developer panel' }).click();
    await page.locator('#kit-log').scrollIntoViewIfNeeded();
    await snap(page, 'developer-panel-failures');
  } finally {
    await context.close();
  }
}

async function main() {
  const desktop = process.argv.includes('--desktop');
  rmSync(OUT, { recursive: true, force: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'mak-shots-'));
  const demo = await startDemo({ port: 0, dataDir, quiet: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'],
  });
  let count = 0;
  try {
    for (const viewport of desktop ? [PHONE, DESKTOP] : [PHONE]) {
      const dir = join(OUT, `${viewport.width}x${viewport.height}`);
      mkdirSync(dir, { recursive: true });
      for (const lang of LANGS) {
        for (const [run, prefix] of [
          [walk, ''],
          [failures, 'f'],
        ]) {
          let n = 0;
          const snap = async (page, name) => {
            await shoot(page, dir, `${lang}-${prefix}${String(++n).padStart(2, '0')}-${name}`);
            count++;
          };
          await run(browser, demo.url, viewport, lang, snap);
        }
      }
    }
  } finally {
    await browser.close();
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`${count} screenshots in ${OUT}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
