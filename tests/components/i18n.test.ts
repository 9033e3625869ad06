/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import { SCOPE_GROUPS } from '../../utils';
import { CONSENT_MESSAGES, SUPPORTED_LOCALES, type ConsentMessages, type Locale } from '../../components';
import { defineKit, make, mount, openSheetFor, resetDom, shadow } from './helpers';

afterEach(resetDom);

/** A locale's table: the helpers import Arabic and Kurdish, so all three are loaded here. */
const messages = (locale: Locale) => CONSENT_MESSAGES[locale] as ConsentMessages;

const wrapper = (el: Element) => el.shadowRoot!.querySelector('[part~="root"]') as HTMLElement;

describe('the tables', () => {
  const keys = Object.keys(CONSENT_MESSAGES.en) as Array<keyof ConsentMessages>;

  test.each(SUPPORTED_LOCALES)('%s has every text, non-empty', (locale) => {
    const table = messages(locale);
    expect(Object.keys(table).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      if (key === 'rationale' || key === 'sheetTitles' || key === 'labels') {
        // Every data group of the core has a text, in every locale.
        expect(Object.keys(table[key]).sort()).toEqual([...SCOPE_GROUPS].sort());
        for (const text of Object.values(table[key])) expect(text.trim().length).toBeGreaterThan(key === 'rationale' ? 10 : 5);
      } else {
        expect((table[key] as string).trim().length).toBeGreaterThan(0);
      }
    }
  });

  test.each(['ar', 'ku'] as const)('%s is translated (Arabic script, no English left)', (locale) => {
    const table = messages(locale);
    const texts = Object.values(table).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
    for (const text of texts) {
      expect(text).toMatch(/[\u0600-\u06FF]/);
      expect(text).not.toMatch(/[A-Za-z]/);
    }
  });

  test('the tables are read only', () => {
    // Not one can be replaced or removed, English included: every element reads them.
    for (const locale of SUPPORTED_LOCALES) {
      expect(() => {
        (CONSENT_MESSAGES as Record<string, unknown>)[locale] = { label: 'hijacked' };
      }).toThrow(TypeError);
      expect(() => delete (CONSENT_MESSAGES as Record<string, unknown>)[locale]).toThrow(TypeError);
    }
    expect(messages('en').label).toBe('Allow access');
    expect(Object.isFrozen(messages('ar'))).toBe(true);
    expect(Object.isFrozen(messages('ar').rationale)).toBe(true);
    expect(Object.isFrozen(messages('ar').sheetTitles)).toBe(true);
    expect(Object.isFrozen(messages('ar').labels)).toBe(true);
  });
});

describe.each([
  ['ar', 'شارك ملفي الشخصي', 'متابعة', 'ليس الآن', 'هل تريد استلام التحديثات في صندوق رسائل محفظتك؟'],
  ['ku', 'پرۆفایلەکەم هاوبەش بکە', 'بەردەوام بە', 'ئێستا نا', 'نوێکارییەکان لە سندوقی جزدانەکەتدا وەردەگریت؟'],
] as const)('%s renders right to left with its texts', (locale, label, cont, notNow, title) => {
  test('consent-button: rtl, default label, denied text and built-in rationale', async () => {
    defineKit({ user: 'deny' });
    const el = mount(make('consent-button', { scopes: 'USER_NAME', locale }));
    expect(wrapper(el)).toHaveAttribute('dir', 'rtl');
    expect(shadow(el).getByRole('button', { name: label })).toBeInTheDocument();
    el.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    const status = shadow(el).getByRole('status');
    expect(status).toHaveTextContent(messages(locale).allowAccess);
    expect(status).toHaveTextContent(messages(locale).rationale.profile);
  });

  test('consent-button: pending, authorized and error texts', async () => {
    const kit = defineKit({ user: 'manual' });
    const el = mount(make('consent-button', { scopes: 'USER_NAME', locale }));
    el.click();
    expect(shadow(el).getByRole('status')).toHaveTextContent(messages(locale).pending);
    kit.sim.prompts[0]!.allow();
    await waitFor(() => expect(shadow(el).getByRole('status')).toHaveTextContent(messages(locale).authorized));
    const other = mount(make('consent-button', { scopes: 'USER_CONTACTINFO', locale }));
    kit.sim.failNext({ error: 1002 });
    other.click();
    await waitFor(() => expect(shadow(other).getByRole('status')).toHaveTextContent(messages(locale).tryAgain));
    kit.sim.failNext({ error: 1003 });
    other.click();
    await waitFor(() => expect(shadow(other).getByRole('status')).toHaveTextContent(messages(locale).noAnswer));
  });

  test('consent-prompt: rtl sheet with translated title, rationale and actions', async () => {
    const kit = defineKit();
    mount(make('consent-prompt', { locale }));
    const { sheet } = await openSheetFor(kit);
    expect(wrapper(sheet)).toHaveAttribute('dir', 'rtl');
    const dialog = shadow(sheet).getByRole('dialog');
    expect(dialog).toHaveAccessibleName(title);
    expect(dialog).toHaveAccessibleDescription(messages(locale).rationale.notification);
    expect(shadow(sheet).getByRole('button', { name: cont })).toBeInTheDocument();
    expect(shadow(sheet).getByRole('button', { name: notNow })).toBeInTheDocument();
    expect(shadow(sheet).getByText(messages(locale).sheetNote)).toBeInTheDocument();
  });

  test('auth-gate: rtl, and its built-in button speaks the locale', () => {
    defineKit();
    const gate = mount(make('auth-gate', { scopes: 'USER_NAME', locale }));
    expect(wrapper(gate)).toHaveAttribute('dir', 'rtl');
    const button = gate.shadowRoot!.querySelector('consent-button')!;
    expect(shadow(button).getByRole('button', { name: label })).toBeInTheDocument();
    expect(wrapper(button)).toHaveAttribute('dir', 'rtl');
  });
});

describe('which locale', () => {
  test('English and ltr by default', () => {
    defineKit();
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }));
    expect(wrapper(el)).toHaveAttribute('dir', 'ltr');
    expect(el.resolvedLocale).toBe('en');
  });

  test('from the nearest lang ancestor: ar-IQ → ar, ckb → ku, en inside ar → en', () => {
    defineKit();
    document.documentElement.setAttribute('lang', 'ckb');
    const section = mount(make('section', { lang: 'ar-IQ' }));
    const inner = mount(make('div', { lang: 'en' }), section);
    const a = mount(make('consent-button', { scopes: 'USER_NAME' }), section);
    const b = mount(make('consent-button', { scopes: 'USER_NAME' }));
    const c = mount(make('consent-button', { scopes: 'USER_NAME' }), inner);
    expect(a.resolvedLocale).toBe('ar');
    expect(b.resolvedLocale).toBe('ku');
    expect(c.resolvedLocale).toBe('en');
    expect(wrapper(b)).toHaveAttribute('lang', 'ckb');
    expect(wrapper(b)).toHaveAttribute('dir', 'rtl');
  });

  test('lang is found through a shadow root', () => {
    defineKit();
    const host = mount(make('div', { lang: 'ar' }));
    const root = host.attachShadow({ mode: 'open' });
    const el = make('consent-button', { scopes: 'USER_NAME' });
    root.append(el);
    expect(el.resolvedLocale).toBe('ar');
  });

  test('the locale attribute wins over lang; an unsupported lang falls back to the defined locale', () => {
    defineKit({ locale: 'ku' });
    const fr = mount(make('div', { lang: 'fr' }));
    const a = mount(make('consent-button', { scopes: 'USER_NAME' }), fr);
    const b = mount(make('consent-button', { scopes: 'USER_NAME', locale: 'ar' }), fr);
    expect(a.resolvedLocale).toBe('ku');
    expect(b.resolvedLocale).toBe('ar');
    b.locale = null;
    expect(b.resolvedLocale).toBe('ku');
  });

  test('follows a lang change in the page', async () => {
    defineKit();
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }));
    expect(shadow(el).getByRole('button', { name: 'Share my profile' })).toBeInTheDocument();
    document.documentElement.setAttribute('lang', 'ar');
    await waitFor(() => expect(shadow(el).getByRole('button', { name: 'شارك ملفي الشخصي' })).toBeInTheDocument());
    expect(wrapper(el)).toHaveAttribute('dir', 'rtl');
  });
});

describe('the application overrides texts', () => {
  test('defineConsentElements({ messages }) per locale', async () => {
    const kit = defineKit({ messages: { ar: { continue: 'استمر', rationale: { notification: 'نرسل لك حالة طلبك.' } }, en: { notNow: 'Maybe later' } } });
    mount(make('consent-prompt', { locale: 'ar' }));
    const { sheet } = await openSheetFor(kit);
    expect(shadow(sheet).getByRole('button', { name: 'استمر' })).toBeInTheDocument();
    expect(shadow(sheet).getByRole('button', { name: 'ليس الآن' })).toBeInTheDocument();
    expect(shadow(sheet).getByRole('dialog')).toHaveAccessibleDescription('نرسل لك حالة طلبك.');
    sheet.locale = 'en';
    expect(shadow(sheet).getByRole('button', { name: 'Maybe later' })).toBeInTheDocument();
    expect(shadow(sheet).getByRole('button', { name: 'Continue' })).toBeInTheDocument();
  });

  test('an element’s messages property', () => {
    defineKit();
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }));
    el.messages = { en: { label: 'Use my wallet name' } };
    expect(shadow(el).getByRole('button', { name: 'Use my wallet name' })).toBeInTheDocument();
    expect(() => {
      el.messages = { xx: {} } as never;
    }).toThrow(TypeError);
  });

  test('attributes: the label slot, the rationale, the sheet heading and action labels', async () => {
    const kit = defineKit();
    mount(make('consent-prompt', { heading: 'Stay in the loop', 'continue-label': 'Turn on', 'dismiss-label': 'Skip' }));
    const { sheet } = await openSheetFor(kit);
    expect(shadow(sheet).getByRole('dialog')).toHaveAccessibleName('Stay in the loop');
    expect(shadow(sheet).getByRole('button', { name: 'Turn on' })).toBeInTheDocument();
    expect(shadow(sheet).getByRole('button', { name: 'Skip' })).toBeInTheDocument();
  });
});
