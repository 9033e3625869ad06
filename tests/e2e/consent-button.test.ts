/**
 * `<consent-button>` in a real browser (Chromium at a phone's 390 × 844), in English, Arabic and
 * Kurdish: one footprint in every state (the page never reflows around it), the done state, the
 * tappable hint, and a default label that names the data asked for. A bare page of the demo's
 * origin with the built kit, a simulated wallet answered by the test, and a backend that can fail.
 */
import type { Page } from 'playwright-core';
import { expectOneFootprint, type FootprintBox } from '../support/footprint';
import { useDemo } from './helpers';

jest.setTimeout(120_000);

const { openLab } = useDemo();

type Lang = 'en' | 'ar' | 'ku';

/** The lab page: one button (with `label`, or none) followed by an inline neighbour. */
function labPage(lang: Lang, label: string | null): string {
  return `<!doctype html>
<html lang="${lang === 'ku' ? 'ckb' : lang}" dir="${lang === 'en' ? 'ltr' : 'rtl'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<p id="row"><consent-button id="button" scopes="USER_NAME USER_AVATAR" rationale="${lang === 'en' ? 'We show your name on your orders.' : 'نعرض اسمك على طلباتك.'}">${label ?? ''}</consent-button><span id="next">Next</span></p>
<p id="below">Below</p>
<script type="module">
  import { createAuthorizer, memoryStorage } from '/kit/index.js';
  import { createWalletSimulator } from '/kit/testing.js';
  import { defineConsentElements } from '/kit/components.js';
  import '/kit/components/locales/ar.js';
  import '/kit/components/locales/ku.js';
  const sim = createWalletSimulator({ user: 'manual' });
  const lab = { sim, backendDown: false };
  lab.authorizer = createAuthorizer({
    host: sim.my,
    storage: memoryStorage(),
    submit: async (code) => {
      if (lab.backendDown) throw Object.assign(new Error('applyToken failed'), { code: 'BACKEND_ERROR', status: 503 });
      const result = sim.exchange(code);
      if (!result.ok) throw Object.assign(new Error(result.error), { code: result.error });
      return { customerId: result.customerId };
    },
  });
  defineConsentElements({ authorizer: lab.authorizer });
  window.lab = lab;
</script>
</body>
</html>`;
}

function measure(page: Page): Promise<FootprintBox> {
  return page.evaluate(() => {
    const host = document.getElementById('button')!;
    const r = host.getBoundingClientRect();
    const b = host.shadowRoot!.querySelector('button')!.getBoundingClientRect();
    const next = document.getElementById('next')!.getBoundingClientRect();
    return { state: host.dataset.state ?? '', width: r.width, height: r.height, button: { width: b.width, height: b.height }, next: Math.round(next.left) };
  });
}

/** A tap on the button itself (the element's centre may be its status text). */
const tap = (page: Page) => page.locator('#button').getByRole('button').click();
const inState = (page: Page, state: string) => page.locator(`#button[data-state="${state}"]`).waitFor();
const lab = <T>(page: Page, fn: string): Promise<T> => page.evaluate(`(async () => { const lab = window.lab; ${fn} })()`) as Promise<T>;

/** The user answers the wallet's consent page, once it is open. */
async function answerWallet(page: Page, answer: 'allow' | 'deny'): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { lab: { sim: { prompts: unknown[] } } }).lab.sim.prompts.length > 0);
  await lab(page, `lab.sim.prompts[0].${answer}();`);
}

/** Walks the button through every state a user meets and measures it in each. */
async function everyState(page: Page): Promise<FootprintBox[]> {
  await page.waitForFunction(() => 'lab' in window);
  await inState(page, 'idle');
  const boxes = [await measure(page)];
  await tap(page);
  await inState(page, 'pending');
  boxes.push(await measure(page));
  await answerWallet(page, 'deny');
  await inState(page, 'denied');
  boxes.push(await measure(page));
  await tap(page);
  await answerWallet(page, 'allow');
  await inState(page, 'authorized');
  boxes.push(await measure(page));
  // A wallet failure, then a backend failure after the wallet said yes (the longest texts).
  await lab(page, "await lab.authorizer.signOut(); lab.sim.failNext({ error: 1002 });");
  await tap(page);
  await inState(page, 'error');
  boxes.push(await measure(page));
  await lab(page, 'lab.backendDown = true; lab.sim.setUser("allow");');
  await tap(page);
  await page.waitForFunction(() => {
    const message = document.getElementById('button')!.shadowRoot!.querySelector('[part~="message"]')!.textContent ?? '';
    return /couldn’t finish|إكمال|تەواوی/.test(message);
  });
  boxes.push(await measure(page));
  return boxes;
}

describe('one footprint in every state, in English, Arabic and Kurdish (390 × 844)', () => {
  test.each([
    ['en', null],
    ['ar', null],
    ['ku', null],
    ['en', 'Show my name and photo'],
    ['ar', 'اعرض اسمي وصورتي'],
    ['ku', 'ناو و وێنەکەم پیشان بدە'],
  ] as Array<[Lang, string | null]>)('%s, label %p: the width, the button’s box and the neighbour never move', async (lang, label) => {
    const page = await openLab(labPage(lang, label));
    expectOneFootprint(await everyState(page), 390);
  });
});

describe('the authorized state, the hint and the default label, as a user meets them', () => {
  test('authorized reads as done: the success look and a check mark, no pointer, and a tap opens nothing', async () => {
    const page = await openLab(labPage('en', null));
    await page.waitForFunction(() => 'lab' in window);
    await tap(page);
    await answerWallet(page, 'allow');
    await inState(page, 'authorized');
    const look = await page.evaluate(() => {
      const root = document.getElementById('button')!.shadowRoot!;
      const button = getComputedStyle(root.querySelector('button')!);
      const icon = root.querySelector('[part~="icon"]')!;
      return { cursor: button.cursor, background: button.backgroundColor, color: button.color, icon: getComputedStyle(icon).display, ariaDisabled: root.querySelector('button')!.getAttribute('aria-disabled') };
    });
    expect(look).toEqual({ cursor: 'default', background: 'rgb(230, 246, 238)', color: 'rgb(10, 122, 70)', icon: 'block', ariaDisabled: 'true' });
    const calls = await lab<number>(page, 'return lab.sim.calls.length;');
    // A user's finger does not care for aria-disabled (Playwright does: force the tap).
    await page.locator('#button').getByRole('button').click({ force: true });
    await page.waitForTimeout(100);
    expect(await lab<number>(page, 'return lab.sim.calls.length;')).toBe(calls);
    expect(await lab<number>(page, 'return lab.sim.prompts.length;')).toBe(0);
  });

  test('"Tap to allow access." is tappable: a tap on the hint opens the wallet again', async () => {
    const page = await openLab(labPage('en', 'Show my name and photo'));
    await page.waitForFunction(() => 'lab' in window);
    await page.getByRole('button', { name: 'Show my name and photo' }).click();
    await answerWallet(page, 'deny');
    await inState(page, 'denied');
    const hint = page.getByText('Not allowed yet. Tap to allow access.');
    expect(await hint.evaluate((n) => getComputedStyle(n).cursor)).toBe('pointer');
    await hint.click();
    await inState(page, 'pending');
    expect(await lab<number>(page, 'return lab.sim.prompts.length;')).toBe(1);
  });

  test.each([
    ['en', 'Share my profile'],
    ['ar', 'شارك ملفي الشخصي'],
    ['ku', 'پرۆفایلەکەم هاوبەش بکە'],
  ] as Array<[Lang, string]>)('%s: with no label, the button names the data it asks for (%s)', async (lang, name) => {
    const page = await openLab(labPage(lang, null));
    await page.getByRole('button', { name, exact: true }).waitFor();
  });
});
