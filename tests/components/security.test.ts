/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import { readFileSync } from 'node:fs';
import { filesUnder } from '../support/files';
import { join } from 'node:path';
import { applyStyles } from '../../components/shared/styles';
import { defineKit, make, mount, resetDom, shadow, sheets } from './helpers';

afterEach(resetDom);

const PAYLOAD = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'&amp;';

/** Every node of the page, inside open shadow roots too. */
function allElements(root: ParentNode = document): Element[] {
  const out: Element[] = [];
  for (const el of root.querySelectorAll('*')) {
    out.push(el);
    if (el.shadowRoot) out.push(...allElements(el.shadowRoot));
  }
  return out;
}

function deepText(root: Node): string {
  let text = '';
  const walk = (n: Node) => {
    if (n.nodeType === 3) text += n.textContent;
    if ((n as Element).shadowRoot) walk((n as Element).shadowRoot!);
    n.childNodes.forEach(walk);
  };
  walk(root);
  return text;
}

let alertSpy: jest.SpyInstance;
beforeEach(() => {
  alertSpy = jest.spyOn(window, 'alert').mockImplementation(() => undefined);
});

function expectNoInjectedMarkup() {
  const tags = allElements().map((e) => e.localName);
  expect(tags).not.toContain('img');
  expect(tags).not.toContain('script');
  expect(allElements().filter((e) => e.hasAttribute('onerror'))).toEqual([]);
  expect(alertSpy).not.toHaveBeenCalled();
}

test('consent-button: every attribute is text (denied state shows the rationale literally)', async () => {
  const kit = defineKit({ user: 'deny' });
  const el = mount(make('consent-button', { scopes: 'USER_NAME', rationale: PAYLOAD, locale: PAYLOAD, disabled: PAYLOAD }));
  expectNoInjectedMarkup();
  el.removeAttribute('disabled');
  el.click();
  await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
  expect(shadow(el).getByRole('status')).toHaveTextContent(PAYLOAD, { normalizeWhitespace: false });
  expect(shadow(el).getByText(PAYLOAD)).toBeInTheDocument();
  expectNoInjectedMarkup();
  // A payload in scopes never reaches the wallet: INVALID_SCOPE.
  const bad = mount(make('consent-button', { scopes: PAYLOAD }));
  bad.click();
  await waitFor(() => expect(bad).toHaveAttribute('data-state', 'error'));
  expect(kit.sim.calls).toHaveLength(1);
  expectNoInjectedMarkup();
});

test('consent-prompt: rationale, heading and action labels are text', async () => {
  const kit = defineKit();
  mount(make('consent-prompt', { rationale: PAYLOAD, heading: PAYLOAD, 'continue-label': `${PAYLOAD}1`, 'dismiss-label': `${PAYLOAD}2`, locale: PAYLOAD }));
  const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
  answer.catch(() => undefined);
  kit.authorizer.markEngaged();
  await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
  const sheet = sheets().find((s) => s.open)!;
  const dialog = shadow(sheet).getByRole('dialog');
  expect(dialog).toHaveAccessibleName(PAYLOAD);
  expect(dialog).toHaveAccessibleDescription(PAYLOAD);
  expect(shadow(sheet).getByRole('button', { name: `${PAYLOAD}1` })).toBeInTheDocument();
  expect(shadow(sheet).getByRole('button', { name: `${PAYLOAD}2` })).toBeInTheDocument();
  expectNoInjectedMarkup();
});

test('consent-prompt: a consent button’s rationale shown on the sheet is text', async () => {
  const kit = defineKit();
  mount(make('consent-button', { scopes: 'NOTIFICATION_INBOX', rationale: PAYLOAD }, 'Notify me'));
  const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
  answer.catch(() => undefined);
  kit.authorizer.markEngaged();
  await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
  expect(deepText(document.body)).toContain(PAYLOAD);
  expectNoInjectedMarkup();
});

test('auth-gate: scopes, rationale, button-label and locale are text', () => {
  defineKit();
  const gate = mount(make('auth-gate', { scopes: PAYLOAD, rationale: PAYLOAD, 'button-label': PAYLOAD, locale: PAYLOAD }));
  const button = gate.shadowRoot!.querySelector('consent-button')!;
  expect(shadow(button).getByRole('button', { name: PAYLOAD })).toBeInTheDocument();
  expect(button.getAttribute('rationale')).toBe(PAYLOAD);
  expectNoInjectedMarkup();
});

test('no inline style attribute anywhere the elements render', async () => {
  const kit = defineKit({ user: 'deny' });
  const button = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share'));
  mount(make('auth-gate', { scopes: 'USER_NAME' }));
  button.click();
  await waitFor(() => expect(button).toHaveAttribute('data-state', 'denied'));
  const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
  answer.catch(() => undefined);
  kit.authorizer.markEngaged();
  await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
  expect(allElements().filter((e) => e.hasAttribute('style'))).toEqual([]);
});

describe('strict CSP', () => {
  const files = filesUnder(join(__dirname, '../../components')).filter((f) => f.endsWith('.ts'));

  test('the sources never parse HTML, evaluate code or write inline styles', () => {
    expect(files.length).toBeGreaterThan(10);
    const forbidden = [/\binnerHTML\b/, /\bouterHTML\b/, /insertAdjacentHTML/, /\beval\s*\(/, /new\s+Function\b/, /document\.write/, /\.style\s*[.=[]/, /setAttribute\(\s*['"]style['"]/, /createContextualFragment/, /setTimeout\(\s*['"`]/];
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const pattern of forbidden) expect({ file, hit: pattern.test(code) ? String(pattern) : null }).toEqual({ file, hit: null });
    }
  });

  test('constructable stylesheets are adopted where the browser has them (no <style> element)', () => {
    const original = (globalThis as { CSSStyleSheet?: unknown }).CSSStyleSheet;
    class FakeSheet {
      text = '';
      replaceSync(css: string) {
        this.text = css;
      }
    }
    (globalThis as { CSSStyleSheet?: unknown }).CSSStyleSheet = FakeSheet;
    try {
      const root = { adoptedStyleSheets: [] as FakeSheet[], ownerDocument: document, prepend: jest.fn() };
      const other = { adoptedStyleSheets: [] as FakeSheet[], ownerDocument: document, prepend: jest.fn() };
      applyStyles(root as unknown as ShadowRoot, ':host{color:red}', 'n0nce');
      applyStyles(other as unknown as ShadowRoot, ':host{color:red}', null);
      expect(root.adoptedStyleSheets).toHaveLength(1);
      expect(root.adoptedStyleSheets[0]!.text).toBe(':host{color:red}');
      // One sheet shared by every instance.
      expect(other.adoptedStyleSheets[0]).toBe(root.adoptedStyleSheets[0]);
      expect(root.prepend).not.toHaveBeenCalled();
    } finally {
      (globalThis as { CSSStyleSheet?: unknown }).CSSStyleSheet = original;
    }
  });

  test('where they are missing (jsdom), a <style> element carries the configured nonce', () => {
    defineKit({ styleNonce: 'r4nd0m' });
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }));
    const style = el.shadowRoot!.querySelector('style')!;
    expect(style).toHaveAttribute('nonce', 'r4nd0m');
    expect(style.textContent).toContain('--mak-accent');
  });
});
