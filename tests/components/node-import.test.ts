/**
 * In Node (no DOM): the components entry and the IIFE entry import without touching the DOM,
 * and defineConsentElements says clearly that it needs a browser.
 */
import * as components from '../../components';
import * as global from '../../components/global';
import { makeKit } from './helpers';

test('importing in Node works and defines nothing', () => {
  expect(typeof (globalThis as { customElements?: unknown }).customElements).toBe('undefined');
  expect(typeof components.defineConsentElements).toBe('function');
  expect(typeof components.ConsentButtonElement).toBe('function');
  expect(typeof components.ConsentPromptElement).toBe('function');
  expect(typeof components.AuthGateElement).toBe('function');
  expect(components.SUPPORTED_LOCALES).toEqual(['en', 'ar', 'ku']);
});

test('the IIFE entry carries the core and the components', () => {
  expect(typeof global.createAuthorizer).toBe('function');
  expect(typeof global.requestAuthCode).toBe('function');
  expect(typeof global.defineConsentElements).toBe('function');
  expect(global.CONSENT_EVENTS.authorized).toBe('consent-authorized');
});

test('defineConsentElements validates, then needs custom elements', () => {
  expect(() => components.defineConsentElements({} as never)).toThrow(TypeError);
  const { authorizer } = makeKit();
  expect(() => components.defineConsentElements({ authorizer })).toThrow(/custom elements/);
});
