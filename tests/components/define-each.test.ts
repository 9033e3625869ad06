/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import { AuthGateElement, ConsentButtonElement, ConsentPromptElement, defineAuthGate, defineConsentButton, defineConsentElements, defineConsentPrompt } from '../../components';
import { flush, makeKit, make, mount, resetDom, shadow, sheets } from './helpers';

// These tests run in order: the page's custom element registry lives for the whole file.
afterEach(resetDom);

const defined = () => ['consent-button', 'consent-prompt', 'auth-gate'].filter((tag) => customElements.get(tag));

test('each define validates the options of defineConsentElements and names itself; a refused call defines nothing', () => {
  const { authorizer } = makeKit();
  const cases: Array<[(options: never) => void, string]> = [
    [defineConsentButton, 'defineConsentButton'],
    [defineConsentPrompt, 'defineConsentPrompt'],
    [defineAuthGate, 'defineAuthGate'],
  ];
  for (const [define, where] of cases) {
    expect(() => define(undefined as never)).toThrow(TypeError);
    expect(() => define({ authorizer: {} } as never)).toThrow(TypeError);
    expect(() => define({ authorizer, locale: 'fr' } as never)).toThrow(new RegExp(`^${where}: options\\.locale "fr"$`));
    expect(() => define({ authorizer, messages: { en: { titel: 'x' } } } as never)).toThrow(/messages\.en "titel"$/);
  }
  expect(defined()).toEqual([]);
});

test('defineConsentButton defines the button alone; a deferred prompt is then the wallet prompt after engagement, no sheet', async () => {
  const kit = makeKit({ user: 'manual' });
  defineConsentButton({ authorizer: kit.authorizer });
  expect(defined()).toEqual(['consent-button']);
  const button = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share name'));
  expect(button).toBeInstanceOf(ConsentButtonElement);
  // Its click is the gesture: the wallet opens inside it.
  shadow(button).getByRole('button', { name: 'Share name' }).click();
  expect(kit.sim.calls.map((c) => c.scopes)).toEqual([['USER_NAME']]);
  kit.sim.prompts[0]!.allow();
  await waitFor(() => expect(button).toHaveAttribute('data-state', 'authorized'));
  // A deferred request follows the core rule: it waits for engagement, then the wallet asks.
  const deferred = kit.authorizer.authorize('USER_AVATAR');
  await flush();
  expect(kit.sim.calls).toHaveLength(1);
  kit.authorizer.markEngaged();
  await waitFor(() => expect(kit.sim.calls).toHaveLength(2));
  expect(sheets()).toEqual([]);
  kit.sim.prompts[0]!.allow();
  await expect(deferred).resolves.toMatchObject({ scopes: expect.arrayContaining(['USER_AVATAR']) });
});

test('defineAuthGate adds the gate; its fallback button works; still no sheet', async () => {
  const kit = makeKit();
  defineAuthGate({ authorizer: kit.authorizer });
  expect(defined()).toEqual(['consent-button', 'auth-gate']);
  const gate = mount(make('auth-gate', { scopes: 'USER_GENDER' }));
  expect(gate).toBeInstanceOf(AuthGateElement);
  const fallback = gate.shadowRoot!.querySelector('consent-button')!;
  expect(fallback).toBeInstanceOf(ConsentButtonElement);
  shadow(fallback).getByRole('button').click();
  await waitFor(() => expect(kit.authorizer.consentState('USER_GENDER')).toBe('granted'));
  expect(sheets()).toEqual([]);
});

test('defineConsentPrompt routes the deferred prompts of its authorizer through a sheet', async () => {
  const kit = makeKit({ user: 'manual' });
  defineConsentPrompt({ authorizer: kit.authorizer });
  expect(defined()).toEqual(['consent-button', 'consent-prompt', 'auth-gate']);
  const answer = kit.authorizer.authorize('USER_BIRTHDAY');
  kit.authorizer.markEngaged();
  await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
  const sheet = sheets().find((s) => s.open)!;
  expect(sheet).toBeInstanceOf(ConsentPromptElement);
  // No wallet prompt without the sheet's "Continue".
  expect(kit.sim.calls).toHaveLength(0);
  shadow(sheet).getByRole('button', { name: 'Not now' }).click();
  await expect(answer).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  expect(kit.sim.calls).toHaveLength(0);
});

test('defineConsentElements after a per-element define is harmless and installs the sheet for its authorizer', async () => {
  const kit = makeKit();
  defineConsentElements({ authorizer: kit.authorizer });
  const answer = kit.authorizer.authorize('USER_NATIONALITY');
  answer.catch(() => undefined);
  kit.authorizer.markEngaged();
  await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
  expect(kit.sim.calls).toHaveLength(0);
});
