/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import { axe, toHaveNoViolations } from 'jest-axe';
import { defineKit, make, mount, resetDom, sheets } from './helpers';

expect.extend(toHaveNoViolations);
afterEach(resetDom);

/** A page as a miniapp has it: content in <main>. */
function page(lang?: string): HTMLElement {
  if (lang) document.documentElement.setAttribute('lang', lang);
  const main = make('main');
  main.append(make('h1', {}, 'Shop'));
  return mount(main);
}

const LOCALES = ['en', 'ar', 'ku'] as const;

describe('axe sees inside open shadow roots in jsdom', () => {
  test('a nameless button in a shadow root is reported', async () => {
    const main = page('en');
    const host = mount(make('div'), main);
    host.attachShadow({ mode: 'open' }).append(make('button'));
    const results = await axe(document.body);
    expect(results.violations.map((v) => v.id)).toContain('button-name');
  });

  test('a broken aria-describedby inside our own shadow root would be reported too', async () => {
    defineKit();
    const main = page('en');
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share'), main);
    const inner = el.shadowRoot!.querySelector('button')!;
    inner.setAttribute('role', 'listbox');
    const results = await axe(document.body);
    expect(results.violations.length).toBeGreaterThan(0);
  });
});

describe.each(LOCALES)('no axe violations in %s', (locale) => {
  test('consent-button: idle, pending, authorized, denied, error', async () => {
    const kit = defineKit({ user: 'manual' });
    const main = page(locale);
    const el = (label?: string) => mount(make('consent-button', { scopes: 'USER_NAME', rationale: 'To greet you.' }, label), main);

    const idle = el('Share my name');
    const unnamed = el();
    expect(idle).toHaveAttribute('data-state', 'idle');
    expect(unnamed).toHaveAttribute('data-state', 'idle');
    expect(await axe(document.body)).toHaveNoViolations();

    idle.click();
    expect(idle).toHaveAttribute('data-state', 'pending');
    expect(await axe(document.body)).toHaveNoViolations();

    kit.sim.prompts[0]!.allow();
    await waitFor(() => expect(idle).toHaveAttribute('data-state', 'authorized'));
    expect(await axe(document.body)).toHaveNoViolations();

    const denied = mount(make('consent-button', { scopes: 'USER_CONTACTINFO' }, 'Add phone'), main);
    denied.click();
    kit.sim.prompts[0]!.deny();
    await waitFor(() => expect(denied).toHaveAttribute('data-state', 'denied'));
    expect(await axe(document.body)).toHaveNoViolations();

    const failing = mount(make('consent-button', { scopes: 'CARD_LIST' }, 'Cards'), main);
    kit.sim.failNext({ error: 1002 });
    failing.click();
    await waitFor(() => expect(failing).toHaveAttribute('data-state', 'error'));
    expect(await axe(document.body)).toHaveNoViolations();

    const disabled = mount(make('consent-button', { scopes: 'CARD_LIST', disabled: '' }, 'Off'), main);
    expect(disabled).toHaveAttribute('data-state', 'idle');
    expect(await axe(document.body)).toHaveNoViolations();
  });

  test('consent-prompt: closed, then the open sheet', async () => {
    const kit = defineKit();
    const main = page(locale);
    mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share'), main);
    const sheet = mount(make('consent-prompt'));
    expect(await axe(document.body)).toHaveNoViolations();
    const answer = kit.authorizer.authorize(['USER_NAME', 'NOTIFICATION_INBOX']);
    answer.catch(() => undefined);
    kit.authorizer.markEngaged();
    await waitFor(() => expect(sheet.open).toBe(true));
    const results = await axe(document.body);
    expect(results).toHaveNoViolations();
    // axe did look at the dialog in the shadow root.
    const checked = [...results.passes, ...results.incomplete].flatMap((r) => r.nodes.map((n) => JSON.stringify(n.target)));
    expect(checked.some((t) => t.includes('consent-prompt') && t.includes('.sheet'))).toBe(true);
  });

  test('consent-prompt created on demand, open', async () => {
    const kit = defineKit();
    page(locale);
    const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
    answer.catch(() => undefined);
    kit.authorizer.markEngaged();
    await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
    expect(await axe(document.body)).toHaveNoViolations();
  });

  test('auth-gate: locked (built-in and custom fallback), then open', async () => {
    const kit = defineKit();
    const main = page(locale);
    const gate = mount(make('auth-gate', { scopes: 'USER_NAME' }), main);
    gate.append(make('p', {}, 'Welcome back'));
    const custom = mount(make('auth-gate', { scopes: 'USER_NAME' }), main);
    custom.append(make('p', {}, 'Profile'), make('p', { slot: 'fallback' }, 'Sign in first'));
    expect(await axe(document.body)).toHaveNoViolations();
    await kit.authorizer.authorize('USER_NAME', { gesture: true });
    expect(gate).toHaveAttribute('data-state', 'authorized');
    expect(await axe(document.body)).toHaveNoViolations();
  });
});
