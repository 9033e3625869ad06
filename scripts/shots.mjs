/**
 * `npm run shots`: screenshots of every page and sheet of the demo, in English and Arabic, at a phone's
 * 390 × 844 (and, with `--desktop`, at 1440 × 900), for review. Written to `shots/` (git-ignored):
 * `shots/<width>x<height>/<lang>-<nn>-<what>.png`. It starts the demo on a free port with a fresh
 * data directory and drives Debian's chromium (`CHROMIUM_PATH` to use another) like a user.
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
  en: { me: 'Me', cart: 'Cart', shop: 'Shop', profile: 'Show my name and photo', contact: 'Use my wallet contact details', add: 'Add Barhi dates to cart', addMore: 'Add Kleicha cookies to cart', wallet: 'Authorize Tigris Market?', allow: 'Allow', deny: 'Deny', close: 'Close', notNow: 'Not now', signOut: 'Sign out' },
  ar: { me: 'حسابي', cart: 'السلة', shop: 'المتجر', profile: 'اعرض اسمي وصورتي', contact: 'استخدم بيانات التواصل من محفظتي', add: 'أضف تمر برحي إلى السلة', addMore: 'أضف كليجة إلى السلة', wallet: 'هل تفوّض سوق دجلة؟', allow: 'سماح', deny: 'رفض', close: 'إغلاق', notNow: 'ليس الآن', signOut: 'تسجيل الخروج' },
};

async function open(browser, url, viewport, lang) {
  const context = await browser.newContext({ viewport, locale: lang === 'ar' ? 'ar-IQ' : 'en-US', reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  // The demo keeps its language choice in localStorage: start in `lang`.
  await context.addInitScript((l) => localStorage.setItem('tigris-market:lang', l), lang);
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
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

/** One language at one size: every page, the sheets, the panel and the toasts. */
async function walk(browser, url, viewport, lang) {
  const t = UI[lang];
  const dir = join(OUT, `${viewport.width}x${viewport.height}`);
  mkdirSync(dir, { recursive: true });
  const shots = [];
  const snap = async (page, name) => shots.push(await shoot(page, dir, `${lang}-${String(shots.length + 1).padStart(2, '0')}-${name}`));
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
    await page.getByRole('button', { name: t.addMore }).click();
    await page.locator('consent-prompt').getByRole('button', { name: t.notNow }).click();
    await snap(page, 'shop-toast');

    await tab(page, t.cart);
    await snap(page, 'cart');
    await page.getByRole('button', { name: t.contact }).click();
    await walletPage(page, t).getByRole('button', { name: t.allow, exact: true }).click();
    await page.locator('#contact-button').waitFor({ state: 'detached' }).catch(() => undefined);
    await page.locator('#page-cart auth-gate[data-state="authorized"]').first().waitFor();
    await snap(page, 'cart-contact');

    if (viewport.width < 900) await page.getByRole('button', { name: 'Wallet developer panel' }).click();
    await snap(page, 'developer-panel');
    await page.locator('#kit-log').scrollIntoViewIfNeeded();
    await snap(page, 'developer-panel-kit');
  } finally {
    await context.close();
  }
  return shots;
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
      for (const lang of LANGS) count += (await walk(browser, demo.url, viewport, lang)).length;
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
