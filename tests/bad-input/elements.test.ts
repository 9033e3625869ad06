/** @jest-environment jsdom */
/**
 * Hostile attribute values on every element attribute, and junk defineConsentElements options:
 * the element renders safely (no element made from markup, text literal or a safe default, no
 * exception reported).
 */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { Authorizer, PendingConsent } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { defineConsentElements } from '../../components';
import { corpus, printCount } from './count';
import { describeError, expectTyped, installPrototypeGuard, outcome, attempt } from './guards';

printCount(__filename);
installPrototypeGuard();

const MARKUP = '<img src=x onerror=alert(1)>';
const HOSTILE: Array<[string, string]> = [
  ['empty', ''],
  ['whitespace', '   \t\n '],
  ['100 000 chars', 'W'.repeat(100_000)],
  ['markup', MARKUP],
  ['script markup', '<script>window.__pwned = 1</script><b>bold</b>'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['RTL override', '\u202Eevil\u202C text'],
  ['null byte', 'a\u0000b'],
  ['unknown locale tag', 'xx-YY'],
  ['entity', '&lt;b&gt;&amp;'],
];

const sim = createWalletSimulator({ user: 'manual' });
const authorizer: Authorizer = createAuthorizer({ host: sim.my, storage: memoryStorage(), engagementTarget: null, retryDelayMs: 0, submit: async () => ({ ok: 1 }) });
defineConsentElements({ authorizer });

const reported: unknown[] = [];
beforeEach(() => {
  reported.length = 0;
  document.body.replaceChildren();
});
const onError = (e: ErrorEvent) => void reported.push(e.error ?? e.message);
window.addEventListener('error', onError);
const errorSpy = jest.spyOn(console, 'error').mockImplementation((e) => void reported.push(e));
afterAll(() => {
  window.removeEventListener('error', onError);
  errorSpy.mockRestore();
});

function foreignElements(el: Element): number {
  const root = el.shadowRoot!;
  return root.querySelectorAll('img, script, b, iframe, object, embed').length + document.body.querySelectorAll('img, script, b').length;
}

function pending(scopes: string[]): PendingConsent {
  return { scopes: Object.freeze([...scopes]), proceed: () => undefined, dismiss: () => undefined, signal: new AbortController().signal };
}

type Where = 'consent-button' | 'consent-prompt' | 'auth-gate';
const ATTRIBUTES: Array<[Where, string]> = [
  ['consent-button', 'scopes'],
  ['consent-button', 'rationale'],
  ['consent-button', 'locale'],
  ['consent-button', 'disabled'],
  ['consent-prompt', 'heading'],
  ['consent-prompt', 'continue-label'],
  ['consent-prompt', 'dismiss-label'],
  ['consent-prompt', 'rationale'],
  ['consent-prompt', 'locale'],
  ['auth-gate', 'scopes'],
  ['auth-gate', 'rationale'],
  ['auth-gate', 'locale'],
  ['auth-gate', 'button-label'],
];

/** The node whose text shows the attribute, when it shows it literally. */
function shownText(el: HTMLElement, tag: Where, attr: string): string | null {
  const root = el.shadowRoot!;
  if (tag === 'consent-prompt') {
    if (attr === 'heading') return root.querySelector('[part~="title"]')!.textContent;
    if (attr === 'continue-label') return root.querySelector('.continue')!.textContent;
    if (attr === 'dismiss-label') return root.querySelector('.dismiss')!.textContent;
    if (attr === 'rationale') return root.querySelector('[part~="rationale"]')!.textContent;
  }
  if (tag === 'auth-gate' && attr === 'button-label') {
    const button = root.querySelector('consent-button')!;
    // The label given, else the built-in button's own default label (its slot's fallback).
    return button.textContent || button.shadowRoot!.querySelector('slot')!.textContent;
  }
  return null;
}

describe('hostile attribute values', () => {
  const cases = corpus(
    ATTRIBUTES.flatMap(([tag, attr]) =>
      HOSTILE.flatMap(([name, value]) => [
        { name: `<${tag} ${attr}> ${name} (set before connecting)`, input: { tag, attr, value, late: false }, expect: 'safe' },
        { name: `<${tag} ${attr}> ${name} (changed while connected)`, input: { tag, attr, value, late: true }, expect: 'safe' },
      ]),
    ),
  );
  test.each(cases)('$name', async ({ input }) => {
    const { tag, attr, value, late } = input;
    const el = document.createElement(tag);
    if (tag !== 'consent-prompt' && attr !== 'scopes') el.setAttribute('scopes', 'USER_NAME');
    if (!late) el.setAttribute(attr, value);
    document.body.append(el);
    if (late) el.setAttribute(attr, value);
    if (tag === 'consent-prompt') (el as HTMLElementTagNameMap['consent-prompt']).present(pending(['USER_NAME']));
    await new Promise((r) => setTimeout(r, 0));
    expect(reported.map(describeError)).toEqual([]);
    expect(foreignElements(el)).toBe(0);
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
    // Locale: a supported one or the English default, with a direction.
    const wrapper = el.shadowRoot!.querySelector('[part~="root"]')!;
    expect(['en', 'ar', 'ckb']).toContain(wrapper.getAttribute('lang'));
    expect(['ltr', 'rtl']).toContain(wrapper.getAttribute('dir'));
    const shown = shownText(el, tag, attr);
    if (shown !== null) {
      const trimmed = value.trim();
      // The value itself as text, or (empty / whitespace) a non-empty built-in default.
      if (trimmed) expect(shown).toBe(trimmed);
      else expect(shown.trim().length).toBeGreaterThan(0);
    }
    if (tag === 'consent-button') {
      expect(el.shadowRoot!.querySelectorAll('button')).toHaveLength(1);
      expect(['idle', 'pending', 'authorized', 'denied', 'error']).toContain(el.getAttribute('data-state'));
      if (attr === 'disabled') expect(el.shadowRoot!.querySelector('button')!.disabled).toBe(true);
    }
    if (tag === 'auth-gate') expect(['authorized', 'unauthorized']).toContain(el.getAttribute('data-state'));
  });

  const taps = corpus(
    HOSTILE.map(([name, value]) => ({ name: `tap on <consent-button scopes> ${name}`, input: value, expect: 'consent-error' })),
  );
  test.each(taps)('$name', async ({ input }) => {
    const el = document.createElement('consent-button');
    el.setAttribute('scopes', input);
    document.body.append(el);
    const events: string[] = [];
    for (const type of ['consent-authorized', 'consent-denied', 'consent-error']) el.addEventListener(type, () => events.push(type));
    const before = sim.calls.length;
    el.click();
    await new Promise((r) => setTimeout(r, 10));
    expect(reported.map(describeError)).toEqual([]);
    // Invalid scopes never reach the wallet; the button shows an error state and says so.
    expect(sim.calls.length).toBe(before);
    expect(events).toEqual(['consent-error']);
    expect(el.getAttribute('data-state')).toBe('error');
    expect(foreignElements(el)).toBe(0);
  });
});

describe('defineConsentElements options', () => {
  const rows: Array<[string, unknown, 'TypeError' | 'ok']> = [
    ['undefined', undefined, 'TypeError'],
    ['null', null, 'TypeError'],
    ['string', 'x', 'TypeError'],
    ['empty object', {}, 'TypeError'],
    ['authorizer a plain object', { authorizer: {} }, 'TypeError'],
    // Options read through the prototype chain (class instances) are ordinary JS, not pollution.
    ['authorizer inherited through a prototype', { __proto__: { authorizer } }, 'ok'],
    ['locale unknown', { authorizer, locale: 'xx' }, 'TypeError'],
    ['locale __proto__', { authorizer, locale: '__proto__' }, 'TypeError'],
    ['locale markup', { authorizer, locale: MARKUP }, 'TypeError'],
    ['locale 100 000 chars', { authorizer, locale: 'l'.repeat(100_000) }, 'TypeError'],
    ['messages string', { authorizer, messages: 'hi' }, 'TypeError'],
    ['messages unknown locale', { authorizer, messages: { xx: {} } }, 'TypeError'],
    ['messages __proto__ (JSON.parse)', { authorizer, messages: JSON.parse('{"__proto__":{"polluted":true}}') }, 'TypeError'],
    ['messages en.__proto__', { authorizer, messages: { en: JSON.parse('{"__proto__":{"polluted":true}}') } }, 'TypeError'],
    ['messages en.rationale.__proto__', { authorizer, messages: { en: { rationale: JSON.parse('{"__proto__":"x"}') } } }, 'TypeError'],
    ['messages en.continue number', { authorizer, messages: { en: { continue: 1 } } }, 'TypeError'],
    ['messages with markup text', { authorizer, messages: { en: { continue: MARKUP } } }, 'ok'],
    ['styleNonce empty', { authorizer, styleNonce: '' }, 'TypeError'],
    ['styleNonce number', { authorizer, styleNonce: 5 }, 'TypeError'],
    ['styleNonce with quotes', { authorizer, styleNonce: '"><img src=x onerror=alert(1)>' }, 'ok'],
  ];
  const cases = corpus(rows.map(([name, input, want]) => ({ name: `defineConsentElements(${name})`, input, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const o = await outcome(attempt(() => defineConsentElements(input as never)));
    if (want === 'ok') {
      if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
      const sheet = document.createElement('consent-prompt');
      document.body.append(sheet);
      sheet.present(pending(['USER_NAME']));
      expect(foreignElements(sheet)).toBe(0);
      expect(document.querySelectorAll('img')).toHaveLength(0);
    } else {
      if (o.kind !== 'error') throw new Error(`expected the kit's TypeError, got ${o.kind}`);
      expectTyped(o.error, ['TypeError']);
    }
    // Restore the configuration for the next case.
    defineConsentElements({ authorizer });
  });
});
