/**
 * The DSL demo (demo-miniapp/miniprogram/) as its user meets it, through the harness: its app.js
 * and pages run with the kit's shipped files, against the real demo servers (merchant backend and
 * simulated wallet OpenAPI) over `my.request`, with the demo's stand-in wallet answering through
 * a scripted `my.confirm`. Taps go through the handlers the pages' and components' AXML name.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadServerModule, removeDir, tempDir } from '../demo-server/helpers';
import { button, byClass, classesOf, elements, MiniProgram, textOf } from './harness';
import { readAxml } from './harness/axml';
import { demoMy, type DemoMy } from './demo-my';
import { expectQuietConsole } from './helpers';
import { checkAxml } from './static-checks';
import { waitUntil } from '../support/wait-until';

const PROJECT = resolve(__dirname, '../../demo-miniapp/miniprogram');
const APP = JSON.parse(readFileSync(join(PROJECT, 'app.json'), 'utf8')) as { pages: string[] };
const [SHOP, CART, ME] = APP.pages as [string, string, string];

let servers: { url: string; close(): Promise<void> };
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('dsl-demo-');
  const runner = await loadServerModule('start-servers.mjs');
  servers = await runner.startServers({ dataDir, env: {}, logger: null });
}, 30_000);

const launched: MiniProgram[] = [];
afterEach(() => {
  for (const mp of launched.splice(0)) mp.close();
});

afterAll(async () => {
  await servers?.close();
  removeDir(dataDir);
});

interface Demo {
  mp: MiniProgram;
  wallet: DemoMy;
  /** Waits until no request is in flight and the pages have rendered. */
  idle(): Promise<void>;
}

/**
 * Launches the demo on the shop page with its own wallet user (`storage` shared between launches);
 * requests to the `unreachable` paths fail as a refused connection does.
 */
async function launch(storage?: Map<string, string>, backendUrl = servers.url.replace(/\/$/, ''), unreachable?: Set<string>): Promise<Demo> {
  const wallet = demoMy(storage, unreachable);
  const mp = new MiniProgram({ my: wallet.my, project: { root: PROJECT, pages: APP.pages }, modules: { config: join(PROJECT, 'config.js') } });
  launched.push(mp);
  mp.modules.config.config.backendUrl = backendUrl;
  const settled = async () => {
    await mp.settle();
    if (wallet.inflight !== 0) return false;
    await mp.settle();
    return wallet.inflight === 0;
  };
  const idle = () => waitUntil(settled, 'the demo to stop waiting for the network', { timeoutMs: 15_000, everyMs: 5 });
  mp.launch();
  await mp.switchTab(SHOP);
  await idle();
  return { mp, wallet, idle };
}

test('the first screen signs in silently at launch and asks nothing', async () => {
  const { mp, wallet } = await launch();
  expect(textOf(byClass(mp.tree(), 'signin'))).toMatch(/^Signed in silently Your wallet signed you in without asking: only your wallet account is used\. ···\d{4}$/);
  expect(wallet.minted).toEqual([['auth_base']]);
  expect(wallet.confirms).toHaveLength(0);
  expect(wallet.requests.map((u) => u.replace(servers.url.replace(/\/$/, ''), ''))).toEqual(['/sim/codes', '/api/auth/session']);
  expect(textOf(mp.tree())).toContain('Barhi dates 12,000 IQD Add');
});

test('adding to the cart brings the order-updates sheet; “Continue” opens the wallet’s page inside that tap', async () => {
  const { mp, wallet, idle } = await launch();
  wallet.setUser('manual');
  mp.tap(elements(mp.tree(), 'button').find((b) => b.attrs['data-id'] === 'dates')!);
  await idle();
  expect(wallet.toasts).toEqual(['Barhi dates added to your cart']);
  expect(textOf(byClass(mp.tree(), 'mak-sheet'))).toBe(
    'Get order updates? We send a message to your wallet inbox when your order ships and when it arrives. Nothing else. Your wallet will ask you to confirm. Continue Not now',
  );
  expect(wallet.confirms).toHaveLength(0);

  mp.tap(button(mp.tree(), 'Continue'));
  expect(wallet.confirms.map((c) => c.content)).toEqual(['messages in your wallet inbox']);
  wallet.confirms[0]?.answer(true);
  await idle();
  expect(wallet.toasts).toContain('Order updates are on.');
  await mp.switchTab(CART);
  expect(textOf(mp.tree())).toContain('Barhi dates × 1 12,000 IQD');
  expect(textOf(mp.tree())).toContain('Order updates go to your wallet inbox.');
});

/** A kit error code or scope name in text a shopper reads (`SERVICE_ERROR`, `USER_NAME`, `auth_base`). */
const CODE = /\b[A-Z]+(?:_[A-Z]+)+\b|\bauth_(?:base|user)\b/;

test('consumer text is plain language on every page, also after a failed sign-in', async () => {
  const { mp } = await launch();
  for (const page of [SHOP, CART, ME]) {
    await mp.switchTab(page);
    expect(textOf(mp.tree())).not.toMatch(CODE);
  }
  // No network at all: the stand-in wallet cannot reach its server either (its error 12).
  const { mp: offline } = await launch(undefined, 'http://127.0.0.1:9');
  const failed = async () => (await offline.settle(), textOf(byClass(offline.tree(), 'signin')).startsWith('Couldn’t sign in'));
  await waitUntil(failed, 'the sign-in to fail', { timeoutMs: 15_000 });
  expect(textOf(byClass(offline.tree(), 'signin'))).toBe('Couldn’t sign in No internet connection. Check it, then try again. Try again');
});

test('the backend unreachable at launch: the shop’s server is named, not the wallet; "Try again" then works', async () => {
  const down = new Set(['/api/auth/session']);
  const { mp, wallet, idle } = await launch(undefined, undefined, down);
  const signin = textOf(byClass(mp.tree(), 'signin'));
  expect(signin).toBe('Couldn’t sign in Your wallet answered, but Tigris Market’s server didn’t. Try again in a moment. Try again');
  expect(signin).not.toMatch(/wallet didn’t answer/);
  expect(signin).not.toMatch(CODE);
  expect(wallet.minted).toEqual([['auth_base']]);
  down.clear();
  mp.tap(button(mp.tree(), 'Try again'));
  await idle();
  expect(textOf(byClass(mp.tree(), 'signin'))).toMatch(/^Signed in silently/);
});

test('“Not now” records nothing and is asked once: the toast says the cart is the way back, and there it is, not on the next Add', async () => {
  const { mp, wallet, idle } = await launch();
  const add = () => mp.tap(elements(mp.tree(), 'button').find((b) => b.attrs['data-id'] === 'tea')!);
  add();
  await idle();
  mp.tap(button(mp.tree(), 'Not now'));
  await idle();
  expect(wallet.toasts).toContain('No problem. You can turn on order updates in your cart.');
  expect(byClass(mp.tree(), 'mak-sheet')).toHaveLength(0);
  add();
  await idle();
  expect(byClass(mp.tree(), 'mak-sheet')).toHaveLength(0);
  expect(wallet.confirms).toHaveLength(0);
  // Where the toast says: the cart's button asks, inside its tap.
  await mp.switchTab(CART);
  mp.tap(button(mp.tree(), 'Turn on order updates'));
  expect(wallet.confirms.map((c) => c.content)).toEqual(['messages in your wallet inbox']);
  await idle();
  expect(textOf(mp.tree())).toContain('Order updates go to your wallet inbox.');
});

test('closing the wallet’s page on order updates says the cart is the way back, as “Not now” does', async () => {
  const { mp, wallet, idle } = await launch();
  wallet.setUser('manual');
  mp.tap(elements(mp.tree(), 'button').find((b) => b.attrs['data-id'] === 'tea')!);
  await idle();
  mp.tap(button(mp.tree(), 'Continue'));
  wallet.confirms[0]?.close();
  await idle();
  expect(wallet.toasts).toContain('No problem. You can turn on order updates in your cart.');
  expect(wallet.toasts).not.toContain('Order updates are on.');
});

test('Me: name and photo behind a tap; deny once, tap again, allow: the profile comes from the backend', async () => {
  const { mp, wallet, idle } = await launch();
  await mp.switchTab(ME);
  wallet.setUser('deny');
  mp.tap(button(mp.tree(), 'Show my name and photo'));
  expect(wallet.confirms.map((c) => c.content)).toEqual(['your name, your profile picture']);
  await idle();
  expect(textOf(mp.tree())).toContain('Not allowed yet. Tap to allow access. We show your name and photo on your orders');
  expect(textOf(byClass(mp.tree(), 'permission'))).toContain('Name and photo Not allowed');

  wallet.setUser('allow');
  mp.tap(button(mp.tree(), 'Show my name and photo'));
  await idle();
  const profile = textOf(byClass(mp.tree(), 'profile'));
  expect(profile).toMatch(/^\S.* Customer ID \d{20}$/);
  expect(profile.startsWith('···')).toBe(false);
  expect(wallet.requests.some((u) => u.endsWith('/api/auth/me'))).toBe(true);
  expect(textOf(byClass(mp.tree(), 'permission'))).toContain('Name and photo Allowed');
});

/** A wallet storage holding a cart (as the demo stores it) with one pack of dates. */
const withDates = () => new Map([['tigris-market:cart', JSON.stringify({ dates: 1 })]]);

test('Cart: the contact details are their own wallet request, never with the profile', async () => {
  const { mp, wallet, idle } = await launch(withDates());
  await mp.switchTab(CART);
  mp.tap(button(mp.tree(), 'Use my wallet contact details'));
  expect(wallet.confirms.map((c) => c.content)).toEqual(['your phone number and email']);
  await idle();
  expect(textOf(mp.tree())).toContain('Your wallet shared your contact details for this delivery.');
  expect(wallet.minted.slice(1)).toEqual([['USER_CONTACTINFO']]);
});

test('the name and photo stay on Me after the contact details are shared: the new backend session adds to the one before', async () => {
  // An order in the cart (the cart offers its steps only then).
  const { mp, wallet, idle } = await launch(withDates());
  await mp.switchTab(ME);
  wallet.setUser('allow');
  mp.tap(button(mp.tree(), 'Show my name and photo'));
  await idle();
  const named = textOf(byClass(mp.tree(), 'profile'));
  expect(named.startsWith('···')).toBe(false);
  await mp.switchTab(CART);
  mp.tap(button(mp.tree(), 'Use my wallet contact details'));
  await idle();
  expect(textOf(mp.tree())).toContain('Your wallet shared your contact details for this delivery.');
  await mp.switchTab(ME);
  await idle();
  // The profile was read again with the newest session, which covers the name too.
  expect(wallet.requests.filter((u) => u.endsWith('/api/auth/me'))).toHaveLength(2);
  expect(textOf(byClass(mp.tree(), 'profile'))).toBe(named);
});

test('Cart: no steps without an order; "Place order" once step 1 is done, and the steps go with the order', async () => {
  const empty = await launch();
  await empty.mp.switchTab(CART);
  expect(textOf(empty.mp.tree())).toBe('Your cart Your cart is empty.');
  expect(elements(empty.mp.tree(), 'button')).toHaveLength(0);

  const { mp, wallet, idle } = await launch(withDates());
  await mp.switchTab(CART);
  const place = () => button(mp.tree(), 'Place order');
  expect(textOf(mp.tree())).toContain('Add a delivery contact (step 1) to place your order. Place order');
  expect(place().attrs.disabled).toBe(true);
  mp.tap(button(mp.tree(), 'Use my wallet contact details'));
  await idle();
  expect(place().attrs.disabled).toBe(false);
  expect(textOf(mp.tree())).not.toContain('Add a delivery contact');
  mp.tap(place());
  await idle();
  expect(wallet.toasts).toContain('Order placed. This is a demo: nothing was charged.');
  expect(textOf(mp.tree())).toBe('Your cart Your cart is empty.');
});

test('العربية: every page and the kit’s components switch to Arabic, right to left', async () => {
  const { mp, idle } = await launch(withDates());
  await mp.switchTab(ME);
  mp.tap(button(mp.tree(), 'العربية'));
  await idle();
  expect(textOf(mp.tree())).toContain('اعرض اسمي وصورتي');
  expect(classesOf(elements(mp.tree(), 'view')[0]!)).toContain('rtl');
  await mp.switchTab(SHOP);
  expect(textOf(mp.tree())).toContain('مختارات اليوم');
  await mp.switchTab(CART);
  const contact = elements(mp.tree()).find((e) => classesOf(e).includes('mak-consent'));
  expect(classesOf(contact!)).toContain('mak-rtl');
});

test('sign-out forgets the session; a relaunch over the same storage restores it without asking the wallet', async () => {
  const storage = new Map<string, string>();
  const first = await launch(storage);
  await first.mp.switchTab(ME);
  first.mp.tap(button(first.mp.tree(), 'Show my name and photo'));
  await first.idle();

  const again = await launch(storage);
  expect(again.wallet.minted).toEqual([]);
  expect(textOf(byClass(again.mp.tree(), 'signin'))).toMatch(/^Signed in silently/);
  await again.mp.switchTab(ME);
  await again.idle();
  expect(byClass(again.mp.tree(), 'profile')).toHaveLength(1);

  again.mp.tap(button(again.mp.tree(), 'Sign out'));
  await again.idle();
  expect(textOf(again.mp.tree())).toContain('Show my name and photo');
  // Never a sign-out that does nothing; the shop's card offers to sign in again.
  expect(elements(again.mp.tree(), 'button').map((b) => textOf(b))).not.toContain('Sign out');
  await again.mp.switchTab(SHOP);
  expect(textOf(byClass(again.mp.tree(), 'signin'))).toBe('Signed out Sign in');
  expect(again.wallet.requests.some((u) => u.endsWith('/api/auth/logout'))).toBe(true);
});

test('every page’s AXML names only its own methods, data fields, loop variables and listed components', async () => {
  const { mp } = await launch();
  for (const route of APP.pages) {
    const { options } = mp.runtime.pageDefinitions.get(route)!;
    const json = JSON.parse(readFileSync(join(PROJECT, `${route}.json`), 'utf8'));
    const problems = checkAxml(readAxml(join(PROJECT, `${route}.axml`)), {
      names: Object.keys(options.data ?? {}),
      methods: Object.keys(options).filter((k) => typeof options[k] === 'function'),
      components: Object.keys(json.usingComponents ?? {}),
    });
    expect([route, problems]).toEqual([route, []]);
  }
  expectQuietConsole(mp);
});
