/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import * as components from '../../components';
import { AuthGateElement, ConsentButtonElement, ConsentPromptElement, defineConsentElements, ELEMENT_TAGS } from '../../components';
import { makeKit, make, mount, shadow } from './helpers';

const TAGS = ['consent-button', 'consent-prompt', 'auth-gate'] as const;

// These tests run in order: the page's custom element registry lives for the whole file.

test('importing the components defines nothing', () => {
  expect(typeof components.defineConsentElements).toBe('function');
  for (const tag of TAGS) expect(customElements.get(tag)).toBeUndefined();
  expect(ELEMENT_TAGS).toEqual({ button: 'consent-button', prompt: 'consent-prompt', gate: 'auth-gate' });
});

test('options are validated (TypeError) and a refused call defines nothing', () => {
  const { authorizer } = makeKit();
  const bad: unknown[] = [
    undefined,
    null,
    'authorizer',
    {},
    { authorizer: {} },
    { authorizer: { authorize() {} } },
    { authorizer, locale: 'fr' },
    { authorizer, locale: 'AR' },
    { authorizer, messages: 'ar' },
    { authorizer, messages: { fr: { continue: 'Continuer' } } },
    { authorizer, messages: { ar: { nope: 'x' } } },
    { authorizer, messages: { ar: { continue: 3 } } },
    { authorizer, messages: { en: { rationale: { nope: 'x' } } } },
    { authorizer, messages: { en: { rationale: 'x' } } },
    { authorizer, styleNonce: '' },
  ];
  for (const options of bad) {
    expect(() => defineConsentElements(options as never)).toThrow(TypeError);
  }
  for (const tag of TAGS) expect(customElements.get(tag)).toBeUndefined();
});

test('a refused option or message key is named in the error, so a typo is found at once', () => {
  const { authorizer } = makeKit();
  const cases: Array<[unknown, RegExp]> = [
    [{ authorizer, locale: 'fr' }, /^defineConsentElements: options\.locale "fr"$/],
    [{ authorizer, locale: 3 }, /options\.locale number$/],
    [{ authorizer, messages: { fr: { continue: 'Continuer' } } }, /: messages "fr"$/],
    [{ authorizer, messages: { en: { titel: 'x' } } }, /messages\.en "titel"$/],
    [{ authorizer, messages: { en: { rationale: { profil: 'x' } } } }, /messages\.en\.rationale "profil"$/],
    [{ authorizer, messages: { ar: { continue: 3 } } }, /messages\.ar\.continue number$/],
    [{ authorizer, messages: { en: { ['x'.repeat(50)]: 'x' } } }, / "x{20}"$/],
  ];
  for (const [options, message] of cases) expect(() => defineConsentElements(options as never)).toThrow(message);
});

test('elements in the page before define upgrade, keeping properties set early', async () => {
  const kit = makeKit();
  // Parsed markup and script-created elements, one with properties set before its upgrade.
  const container = mount(document.createElement('div'));
  container.innerHTML = '<consent-button scopes="USER_NAME" rationale="Parsed early.">Parsed</consent-button><auth-gate scopes="USER_NAME"><p>Secret</p></auth-gate><consent-prompt></consent-prompt>';
  // Typed as the element, but not upgraded yet: these assignments create own properties.
  const early = document.createElement('consent-button');
  early.scopes = ['USER_AVATAR'];
  early.rationale = 'Set before the upgrade.';
  early.textContent = 'Scripted';
  mount(early);
  expect(early.shadowRoot).toBeNull();

  defineConsentElements({ authorizer: kit.authorizer });

  for (const tag of TAGS) expect(customElements.get(tag)).toBeDefined();
  expect(customElements.get('consent-button')).toBe(ConsentButtonElement);
  expect(customElements.get('consent-prompt')).toBe(ConsentPromptElement);
  expect(customElements.get('auth-gate')).toBe(AuthGateElement);
  const parsed = container.querySelector('consent-button')!;
  expect(parsed).toBeInstanceOf(ConsentButtonElement);
  expect(shadow(parsed).getByRole('button', { name: 'Parsed' })).toBeInTheDocument();
  expect(parsed).toHaveAttribute('data-state', 'idle');

  expect(early).toBeInstanceOf(ConsentButtonElement);
  expect(early.getAttribute('scopes')).toBe('USER_AVATAR');
  expect(early.getAttribute('rationale')).toBe('Set before the upgrade.');
  expect(early.scopes).toEqual(['USER_AVATAR']);
  (shadow(early).getByRole('button', { name: 'Scripted' }) as HTMLElement).click();
  expect(kit.sim.calls).toHaveLength(1);
  expect(kit.sim.calls[0]!.scopes).toEqual(['USER_AVATAR']);

  const gate = container.querySelector('auth-gate')!;
  expect(gate).toHaveAttribute('data-state', 'unauthorized');
  expect(container.querySelector('consent-prompt')).toHaveAttribute('data-state', 'closed');
  await waitFor(() => expect(early).toHaveAttribute('data-state', 'authorized'));
});

test('defining twice is harmless; a second call with other options is followed by the elements', async () => {
  const first = makeKit();
  defineConsentElements({ authorizer: first.authorizer });
  expect(() => defineConsentElements({ authorizer: first.authorizer })).not.toThrow();
  const el = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share'));
  const second = makeKit();
  defineConsentElements({ authorizer: second.authorizer, locale: 'ar' });
  expect(customElements.get('consent-button')).toBe(ConsentButtonElement);
  // Now in Arabic (no lang in the page) and asking the second wallet.
  expect(el.shadowRoot!.querySelector('[part~="root"]')).toHaveAttribute('dir', 'rtl');
  el.click();
  expect(second.sim.calls).toHaveLength(1);
  expect(first.sim.calls).toHaveLength(0);
  await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
});

test('elements created with new after define work too', () => {
  const kit = makeKit();
  defineConsentElements({ authorizer: kit.authorizer });
  const el = new ConsentButtonElement();
  el.scopes = 'USER_NAME';
  el.append('Share');
  mount(el);
  expect(shadow(el).getByRole('button', { name: 'Share' })).toBeInTheDocument();
  el.click();
  expect(kit.sim.calls).toHaveLength(1);
});

test('a sheet is ensured: a deferred prompt with no <consent-prompt> in the page creates one', async () => {
  const kit = makeKit();
  defineConsentElements({ authorizer: kit.authorizer });
  document.body.replaceChildren();
  const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
  kit.authorizer.markEngaged();
  await waitFor(() => expect(document.querySelector('consent-prompt')).not.toBeNull());
  const sheet = document.querySelector('consent-prompt')!;
  expect(sheet.open).toBe(true);
  expect(kit.sim.calls).toHaveLength(0);
  shadow(sheet).getByRole('button', { name: 'Continue' }).click();
  expect(kit.sim.calls).toHaveLength(1);
  await answer;
});
