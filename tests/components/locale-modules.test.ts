/** @jest-environment jsdom */
/**
 * Arabic and Kurdish are modules of their own: a page that imports only the elements pays only for
 * English, and a language it did not import renders in English, left to right.
 */
import '@testing-library/jest-dom';

type Components = typeof import('../../components');

/** The elements as a fresh page loads them, with the given locale modules. */
function load(locales: string[]): Components {
  let components!: Components;
  jest.isolateModules(() => {
    components = require('../../components') as Components;
    for (const locale of locales) require(`../../components/locales/${locale}`);
  });
  return components;
}

test('only English is loaded until a locale module is imported', () => {
  const alone = load([]);
  expect(Object.keys(alone.CONSENT_MESSAGES)).toEqual(['en']);
  const withArabic = load(['ar']);
  expect(Object.keys(withArabic.CONSENT_MESSAGES).sort()).toEqual(['ar', 'en']);
  expect(withArabic.CONSENT_MESSAGES.ar?.continue).toBe('متابعة');
  expect(Object.keys(load(['ar', 'ku']).CONSENT_MESSAGES).sort()).toEqual(['ar', 'en', 'ku']);
});

test('an element asked for a language that is not loaded speaks English, left to right', async () => {
  const { createAuthorizer, memoryStorage } = require('../../utils') as typeof import('../../utils');
  const components = load([]);
  const authorizer = createAuthorizer({ submit: async () => ({}), storage: memoryStorage(), engagementTarget: null, host: { getAuthCode() {} } });
  components.defineConsentElements({ authorizer, locale: 'ar' });
  const button = document.createElement('consent-button');
  button.setAttribute('scopes', 'USER_NAME');
  document.body.append(button);
  const root = button.shadowRoot!.querySelector('[part~="root"]')!;
  expect(root).toHaveAttribute('dir', 'ltr');
  expect(root).toHaveAttribute('lang', 'en');
  expect(button.shadowRoot!.querySelector('button')).toHaveTextContent('Share my profile');
});
