/** @jest-environment jsdom */
/**
 * Closing the wallet's page without a choice (wallet error 10) is a cancellation: the button shows
 * the neutral "not allowed yet" state with its retry, never the red error, and the consent record
 * is left as it was. A success without a code (EMPTY_RESULT without platform code 10) stays an error.
 */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import type { ConsentDeniedDetail } from '../../components';
import { defineKit, make, mount, resetDom, shadow } from './helpers';

afterEach(resetDom);

const NOT_ALLOWED = 'Not allowed yet. Tap to allow access.';
const WENT_WRONG = 'Something went wrong. Tap to try again.';

function events() {
  const seen: CustomEvent[] = [];
  for (const type of ['consent-authorized', 'consent-denied', 'consent-error']) document.addEventListener(type, (e) => seen.push(e as CustomEvent));
  return seen;
}

describe('<consent-button>: the user closes the wallet’s page', () => {
  test('not allowed yet, with the rationale; no error; the consent record unchanged', async () => {
    const kit = defineKit({ user: 'manual' });
    const seen = events();
    const user = userEvent.setup();
    const el = mount(make('consent-button', { scopes: 'USER_NAME USER_AVATAR', rationale: 'We show your name on your orders.' }, 'Share my name'));
    await user.click(shadow(el).getByRole('button', { name: 'Share my name' }));
    kit.sim.prompts[0]!.dismiss();

    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    const status = shadow(el).getByRole('status');
    expect(status).toHaveTextContent(NOT_ALLOWED);
    expect(status).toHaveTextContent('We show your name on your orders.');
    expect(status).not.toHaveTextContent(WENT_WRONG);
    expect(seen.map((e) => e.type)).toEqual(['consent-denied']);
    const detail = (seen[0] as CustomEvent<ConsentDeniedDetail>).detail;
    expect(detail.error).toMatchObject({ code: 'EMPTY_RESULT', platformCode: 10 });
    expect(kit.authorizer.consentState('USER_NAME')).toBe('unknown');
    expect(kit.authorizer.consentState('USER_AVATAR')).toBe('unknown');
  });

  test('a new tap asks the wallet again and can allow', async () => {
    const kit = defineKit({ user: 'dismiss' });
    const user = userEvent.setup();
    const el = mount(make('consent-button', { scopes: 'USER_CONTACTINFO' }, 'Add my phone'));
    await user.click(shadow(el).getByRole('button', { name: 'Add my phone' }));
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));

    kit.sim.setUser('allow');
    await user.click(shadow(el).getByRole('button', { name: 'Add my phone' }));
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    expect(kit.sim.calls.map((c) => c.prompted)).toEqual([true, true]);
    expect(shadow(el).getByRole('status')).toHaveTextContent('Access allowed');
  });

  test('the wallet’s error 10 as a string is a close too', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share my name'));
    kit.sim.failNext({ error: '10', errorMessage: 'closed' });
    await user.click(shadow(el).getByRole('button', { name: 'Share my name' }));
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    expect(shadow(el).getByRole('status')).toHaveTextContent(NOT_ALLOWED);
  });

  test('a success without a code is still a real failure: the error state and consent-error', async () => {
    const kit = defineKit();
    const seen = events();
    const user = userEvent.setup();
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Share my name'));
    kit.sim.failNext('empty');
    await user.click(shadow(el).getByRole('button', { name: 'Share my name' }));
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(shadow(el).getByRole('status')).toHaveTextContent(WENT_WRONG);
    expect(seen.map((e) => e.type)).toEqual(['consent-error']);
    expect(seen[0]!.detail.error).toMatchObject({ code: 'EMPTY_RESULT' });
    expect(seen[0]!.detail.error.platformCode).toBeUndefined();
  });
});

describe('<auth-gate>: its built-in button after a close', () => {
  test('not allowed yet, and a new tap opens the gate', async () => {
    const kit = defineKit({ user: 'dismiss' });
    const user = userEvent.setup();
    const gate = mount(make('auth-gate', { scopes: 'USER_CONTACTINFO' }));
    mount(make('p', {}, 'Tracking'), gate);
    const builtIn = gate.shadowRoot!.querySelector('consent-button')!;
    await user.click(shadow(builtIn).getByRole('button', { name: 'Share my contact details' }));
    await waitFor(() => expect(builtIn).toHaveAttribute('data-state', 'denied'));
    expect(shadow(builtIn).getByRole('status')).toHaveTextContent(NOT_ALLOWED);
    expect(gate).toHaveAttribute('data-state', 'unauthorized');

    kit.sim.setUser('allow');
    await user.click(shadow(builtIn).getByRole('button', { name: 'Share my contact details' }));
    await waitFor(() => expect(gate).toHaveAttribute('data-state', 'authorized'));
  });
});
