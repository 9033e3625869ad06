/**
 * The DSL <consent-button>'s one footprint, measured in a real layout engine: the component runs in
 * the harness (the shipped files, taps through its AXML) and each state it renders is laid out in
 * Chromium with the shipped styles (`shared/base.acss` + its `index.acss`), `<view>` as a block,
 * `<text>` inline, `<button>` a button, at a phone's 390 × 844, in English, Arabic and Kurdish. The
 * component sits in a row beside a neighbour: a width that changed with the state would move it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { byClass, DIST, type Root, type VNode } from './harness';
import { expectOneFootprint, type FootprintBox } from '../support/footprint';
import { setup } from './helpers';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE = { width: 390, height: 844 };

/** The styles as the engine applies them: the shared ones its `@import` names, then its own. */
const STYLES = [readFileSync(join(DIST, 'shared', 'base.acss'), 'utf8'), readFileSync(join(DIST, 'consent-button', 'index.acss'), 'utf8').replace(/@import[^;]+;/g, '')].join('\n');

const TAGS: Record<string, string> = { view: 'div', text: 'span', button: 'button' };
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A rendered tree as HTML: base components as their HTML counterparts, with their classes and style. */
function toHtml(root: Root): string {
  return (Array.isArray(root) ? root : [root])
    .map((node: VNode) => {
      if (node.type === 'text') return escape(node.text);
      if (node.type === 'component') return toHtml(node.children);
      const tag = TAGS[node.tag];
      if (!tag) throw new Error(`no HTML counterpart for <${node.tag}>`);
      const attrs = [`class="${escape(String(node.attrs.class ?? ''))}"`];
      if (node.attrs.style) attrs.push(`style="${escape(String(node.attrs.style))}"`);
      if (tag === 'button') attrs.push('type="button"', ...(node.attrs.disabled === true ? ['disabled'] : []));
      return `<${tag} ${attrs.join(' ')}>${toHtml(node.children)}</${tag}>`;
    })
    .join('');
}

async function measure(page: Page, state: string, view: Root): Promise<FootprintBox> {
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${STYLES}</style></head>
<body style="margin: 0; font-family: sans-serif"><div style="display: flex; align-items: flex-start; padding: 16px">${toHtml(view)}<span id="next">Next</span></div></body></html>`);
  return page.evaluate((s) => {
    const root = document.querySelector('.mak-consent')!.getBoundingClientRect();
    const button = document.querySelector('button')!.getBoundingClientRect();
    return { state: s, width: root.width, height: root.height, button: { width: button.width, height: button.height }, next: Math.round(document.getElementById('next')!.getBoundingClientRect().left) };
  }, state);
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  page = await browser.newPage({ viewport: PHONE });
});

afterAll(async () => {
  await browser?.close();
});

/** Walks a button through every state a user meets (the longest texts last) and lays each one out. */
async function everyState(locale: string, label: string | undefined): Promise<FootprintBox[]> {
  const backend = { down: false };
  const kit = setup({
    user: 'manual',
    authorizer: {
      submit: (code: string) => {
        if (backend.down) return Promise.reject(Object.assign(new Error('applyToken failed'), { code: 'BACKEND_ERROR', status: 503, retryable: true }));
        const result = kit.sim.exchange(code);
        return result.ok ? Promise.resolve({ customerId: result.customerId }) : Promise.reject(new Error(result.error));
      },
    },
  });
  const { mp, sim, authorizer } = kit;
  const cb = await mp.mount('consent-button', { scopes: 'USER_NAME USER_AVATAR', locale, rationale: locale === 'en' ? 'We show your name on your orders.' : 'نعرض اسمك على طلباتك.' }, label);
  const tap = async () => {
    mp.tap(byClass(cb.view, 'mak-consent-btn')[0]!);
    await mp.settle();
  };
  const boxes: FootprintBox[] = [await measure(page, cb.data.state, cb.view)];
  await tap();
  boxes.push(await measure(page, cb.data.state, cb.view));
  sim.prompts[0]?.deny();
  await mp.settle();
  boxes.push(await measure(page, cb.data.state, cb.view));
  await tap();
  sim.prompts[0]?.allow();
  await mp.settle();
  boxes.push(await measure(page, cb.data.state, cb.view));
  await authorizer.signOut();
  sim.failNext({ error: 1002 });
  await tap();
  boxes.push(await measure(page, cb.data.state, cb.view));
  backend.down = true;
  sim.setUser('allow');
  await tap();
  expect(cb.data.message).toMatch(/couldn’t finish|إكمال|تەواو/);
  boxes.push(await measure(page, cb.data.state, cb.view));
  return boxes;
}

test.each([
  ['en', undefined],
  ['ar', undefined],
  ['ku', undefined],
  ['en', 'Show my name and photo'],
  ['ar', 'اعرض اسمي وصورتي'],
  ['ku', 'ناو و وێنەکەم پیشان بدە'],
])('%s, label %p: the width, the button’s box and the neighbour never move; waiting and done push nothing down', async (locale, label) => {
  expectOneFootprint(await everyState(locale, label), PHONE.width);
});
