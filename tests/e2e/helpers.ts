/**
 * Shared set-up of the real-browser tests: the demo as `npm run demo` runs it (page server, merchant
 * backend, simulated wallet OpenAPI) and Debian's chromium through playwright-core, plus the steps a
 * user takes and the checks every walk-through ends with. `window.__demo = { sim, authorizer }` is
 * read, never driven.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { nativeImport } from '../support/native-import';

const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP = 15_000;

/** A phone, as a miniapp is used (the review size). */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };

export interface Session {
  page: Page;
  /** Every auth code the page's wallet obtained or the page submitted (learned from the network). */
  codes: Set<string>;
  /** Reads of the `/sim/codes` answers under way (each adds its code to `codes`). */
  codeReads: Array<Promise<void>>;
  /** Page errors and console errors (a CSP violation is reported there). */
  errors: string[];
  /** Bodies of POST /api/auth/session, in order. */
  submissions: Array<{ authCode: string; scopes: string[] }>;
}

export interface WalletCall {
  scopes: string[];
  prompted: boolean;
  outcome?: string;
}

interface Demo {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the demo and the browser for the test file (beforeAll), closes every page after each test
 * and everything after the file. Returns `openDemo`, which opens the miniapp as a new user.
 */
export function useDemo() {
  let demo: Demo;
  let browser: Browser;
  let dataDir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/index.js')) || !existsSync(join(ROOT, 'dist/components.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    }
    dataDir = mkdtempSync(join(tmpdir(), 'mak-demo-e2e-'));
    const { startDemo } = await nativeImport(pathToFileURL(join(ROOT, 'demo-miniapp/start.mjs')).href);
    demo = await startDemo({ port: 0, dataDir, quiet: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    });
  }, 90_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    // A backend fault a failed test left armed would hit the next test's sign-in: each test starts clean.
    const disarmed = await fetch(new URL('/sim/faults', demo.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"fault":null}' });
    expect(disarmed.status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await demo?.close().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  /** Opens the miniapp in a new browser profile (a new wallet user) and waits for the silent sign-in. */
  async function openDemo(
    options: {
      viewport?: { width: number; height: number };
      lang?: 'en' | 'ar';
      reducedMotion?: boolean;
      /** Runs before the first load (e.g. `page.route` to take the backend away). */
      before?: (page: Page) => Promise<unknown>;
      /** Wait for the silent sign-in to succeed (default true). */
      signedIn?: boolean;
      /** Open in the browser profile of this session (another tab of the same user). */
      tabOf?: Session;
    } = {},
  ): Promise<Session> {
    const lang = options.lang ?? 'en';
    const context =
      options.tabOf?.page.context() ??
      (await browser.newContext({
        viewport: options.viewport ?? { width: 412, height: 860 },
        locale: lang === 'ar' ? 'ar-IQ' : 'en-US',
        // Measurements of the settled page (sizes, contrast) need no animation under way.
        ...(options.reducedMotion ? { reducedMotion: 'reduce' as const } : {}),
      }));
    if (!options.tabOf) contexts.push(context);
    context.setDefaultTimeout(STEP);
    const page = await context.newPage();
    const session: Session = { page, codes: new Set(), codeReads: [], errors: [], submissions: [] };
    page.on('pageerror', (error) => session.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') session.errors.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/auth/session') {
        const body = request.postDataJSON() as { authCode: string; scopes: string[] };
        session.submissions.push(body);
        session.codes.add(body.authCode);
      }
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname !== '/sim/codes') return;
      const read = response
        .json()
        .then((body: { authCode?: unknown }) => {
          if (typeof body.authCode === 'string') session.codes.add(body.authCode);
        })
        .catch(() => undefined);
      session.codeReads.push(read);
    });
    await options.before?.(page);
    await page.goto(demo.url);
    if (options.signedIn === false) return session;
    await signedIn(page);
    // A phone set to Arabic opens the miniapp in Arabic; otherwise the user switches.
    if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await page.getByRole('button', { name: lang === 'ar' ? 'العربية' : 'English' }).click();
    await page.getByText(lang === 'ar' ? 'تم تسجيل الدخول بصمت' : 'Signed in silently').waitFor();
    return session;
  }

  /**
   * A page of the demo's origin whose HTML is `html` (no CSP: a test page may script inline), in a
   * new browser profile; it reaches the built kit at `/kit/…` as the demo does.
   */
  async function openLab(html: string, options: { viewport?: { width: number; height: number }; files?: Record<string, string> } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: options.viewport ?? PHONE, reducedMotion: 'reduce' });
    contexts.push(context);
    context.setDefaultTimeout(STEP);
    const page = await context.newPage();
    const url = new URL('/lab', demo.url).href;
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
    // Scripts of the lab page, served from the demo's origin too.
    for (const [path, body] of Object.entries(options.files ?? {})) {
      await page.route(new URL(path, demo.url).href, (route) => route.fulfill({ contentType: 'text/javascript; charset=utf-8', body }));
    }
    await page.goto(url);
    return page;
  }

  return { openDemo, openLab, url: () => demo.url };
}

/** The silent login at launch has finished (its status is on the shop page, maybe not shown). */
export async function signedIn(page: Page): Promise<void> {
  await page.locator('#signin[data-state="signed-in"]').waitFor({ state: 'attached' });
}

export const walletPage = (page: Page, name = 'Authorize Tigris Market?'): Locator => page.getByRole('dialog', { name });
/** The miniapp's own consent sheet for order updates (the demo names it). */
export const consentSheet = (page: Page, name = 'Get order updates?'): Locator => page.getByRole('dialog', { name });

export function calls(page: Page): Promise<WalletCall[]> {
  return page.evaluate(() =>
    (window as any).__demo.sim.calls.map((c: WalletCall) => ({ scopes: [...c.scopes], prompted: c.prompted, outcome: c.outcome })),
  );
}

export function consentState(page: Page, scope: string): Promise<string> {
  return page.evaluate((s) => (window as any).__demo.authorizer.consentState(s), scope);
}

export function sessionScopes(page: Page): Promise<string[] | null> {
  return page.evaluate(() => (window as any).__demo.authorizer.session()?.scopes ?? null);
}

export async function goTo(page: Page, tab: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: tab, exact: true }).click();
}

export const PROFILE_BUTTON = 'Show my name and photo';
export const CONTACT_BUTTON = 'Use my wallet contact details';
/** What the wallet's page lists for USER_CONTACTINFO: what the demo's wallet gives the shop (its text says no more). */
export const CONTACT_WORDS = 'Get your mobile phone number';

/** Answers the wallet's own consent page (which must list `expected` and none of `absent`). */
export async function answerWallet(page: Page, answer: 'Allow' | 'Deny', expected: string[], absent: string[] = []): Promise<void> {
  const dialog = walletPage(page);
  await dialog.waitFor();
  for (const text of expected) await dialog.getByText(text, { exact: true }).waitFor();
  for (const text of absent) expect(await dialog.getByText(text, { exact: true }).count()).toBe(0);
  await dialog.getByRole('button', { name: answer, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Puts an item in the cart and opens the Cart tab (its checkout steps show only with an order). The
 * order updates that come due on a first Add are answered "Not now".
 */
export async function cartWithAnItem(page: Page, item = 'Barhi dates'): Promise<void> {
  await goTo(page, 'Shop');
  const asks = await page.evaluate(() => {
    const auth = (window as any).__demo.authorizer;
    const offered = localStorage.getItem('tigris-market:updates-later') === '1';
    return !offered && auth.consentState('NOTIFICATION_INBOX') === 'unknown' && !(auth.session()?.scopes ?? []).includes('NOTIFICATION_INBOX');
  });
  await page.getByRole('button', { name: `Add ${item} to cart` }).click();
  if (asks) await consentSheet(page).getByRole('button', { name: 'Not now' }).click();
  await goTo(page, 'Cart');
  await page.locator('#checkout').waitFor();
}

/** On Me, tap the profile button and allow name and photo in the wallet: the profile card shows. */
export async function allowProfile(page: Page): Promise<void> {
  await goTo(page, 'Me');
  await page.getByRole('button', { name: PROFILE_BUTTON }).click();
  await answerWallet(page, 'Allow', ['Get your name', 'Get your profile photo']);
  await page.locator('#profile-card').waitFor();
}

/** On a phone the developer panel is a sheet opened from the capsule (•••) and closed by its header. */
export async function openDevPanel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Wallet developer panel' }).click();
  await page.locator('#devpanel[open]').waitFor();
}

export async function closeDevPanel(page: Page): Promise<void> {
  await page.locator('#devpanel summary').click();
  await page.locator('#devpanel:not([open])').waitFor({ state: 'attached' });
}

/**
 * In the developer panel, arms a fault for the next my.getAuthCode call (`option` is the value of an
 * option of "Next my.getAuthCode call", e.g. 'empty' or 'error:1002'), then closes the panel.
 */
export async function armWalletFault(page: Page, option: string): Promise<void> {
  await openDevPanel(page);
  await page.getByLabel('Next my.getAuthCode call').selectOption(option);
  await page.locator('#wallet-fault-arm').click();
  await closeDevPanel(page);
}

/** In the developer panel, arms a fault for the next code exchange (`option`: e.g. 'HTTP_500'), then closes the panel. */
export async function armBackendFault(page: Page, option: string): Promise<void> {
  await openDevPanel(page);
  await page.getByLabel('Next code exchange (merchant backend → wallet OpenAPI)').selectOption(option);
  await page.locator('#backend-fault-arm').click();
  await page.getByText(`Armed: ${option}`).waitFor();
  await closeDevPanel(page);
}

/** The developer panel's lines of kit errors and notes, newest first. */
export function kitLog(page: Page): Promise<string[]> {
  return page.locator('#kit-log li').evaluateAll((items) => items.map((li) => Array.from(li.children, (part) => part.textContent ?? '').join(' | ')));
}

/** No auth code in the DOM (shadow roots included), web storage, cookies or the URL. */
export async function expectNoCodeLeak(session: Session): Promise<void> {
  // Every code the page's wallet was handed is known before looking for it.
  await Promise.all(session.codeReads);
  expect(session.codes.size).toBeGreaterThan(0);
  const surface = await session.page.evaluate(() => {
    const parts: string[] = [document.documentElement.outerHTML];
    const walk = (root: Document | ShadowRoot) => {
      for (const element of Array.from(root.querySelectorAll('*'))) {
        const shadow = (element as Element).shadowRoot;
        if (shadow) {
          parts.push(shadow.innerHTML);
          walk(shadow);
        }
      }
    };
    walk(document);
    const storage = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) as string)}`).join('\n');
    return { dom: parts.join('\n'), storage: `${storage(localStorage)}\n${storage(sessionStorage)}`, cookie: document.cookie, url: location.href, history: JSON.stringify(history.state) };
  });
  for (const code of session.codes) {
    expect(surface.dom).not.toContain(code);
    expect(surface.storage).not.toContain(code);
    expect(surface.cookie).not.toContain(code);
    expect(surface.url).not.toContain(code);
    expect(surface.history).not.toContain(code);
  }
}

/** No page error, no console error (CSP violations are reported there), except `expected` ones. */
export function expectNoPageErrors(session: Session, expected?: RegExp): void {
  expect(session.errors.filter((e) => !expected || !expected.test(e))).toEqual([]);
}
