/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { fireEvent, waitFor } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import type { ConsentAuthorizedDetail, ConsentDeniedDetail, ConsentErrorDetail } from '../../components';
import { defineKit, flush, make, mount, resetDom, shadow } from './helpers';

afterEach(resetDom);

function button(scopes = 'USER_NAME USER_AVATAR', label: string | undefined = 'Share my name', attrs: Record<string, string> = {}) {
  const el = mount(make('consent-button', { scopes, rationale: 'We show your name on your orders.', ...attrs }, label));
  return { el, ui: shadow(el), inner: shadow(el).getByRole('button') };
}

/** Collects the kit's events as a page listener on the document would. */
function listen() {
  const events: CustomEvent[] = [];
  for (const type of ['consent-authorized', 'consent-denied', 'consent-error']) {
    document.addEventListener(type, (e) => events.push(e as CustomEvent));
  }
  return events;
}

describe('<consent-button> renders a real button', () => {
  test('a <button> whose accessible name is the label slot', () => {
    defineKit();
    const { el, ui } = button();
    const inner = ui.getByRole('button', { name: 'Share my name' });
    expect(inner.tagName).toBe('BUTTON');
    expect(inner).toHaveAttribute('type', 'button');
    expect(el).toHaveAttribute('data-state', 'idle');
    expect(inner).not.toHaveAttribute('aria-busy');
  });

  test('without a label it names the data it asks for (by data group); several groups: "Allow access"', () => {
    defineKit();
    const named = (scopes: string, attrs: Record<string, string> = {}) => shadow(mount(make('consent-button', { scopes, ...attrs }))).getByRole('button').textContent;
    expect(named('USER_NAME USER_AVATAR')).toBe('Share my profile');
    expect(named('auth_base USER_CONTACTINFO')).toBe('Share my contact details');
    expect(named('NOTIFICATION_INBOX')).toBe('Get updates in my wallet inbox');
    expect(named('CARD_LIST')).toBe('Allow payments with my wallet');
    expect(named('auth_base')).toBe('Sign in with my wallet');
    expect(named('USER_NAME USER_CONTACTINFO')).toBe('Allow access');
    expect(named('USER_NAME', { locale: 'ar' })).toBe('شارك ملفي الشخصي');
    expect(named('USER_CONTACTINFO', { locale: 'ku' })).toBe('زانیارییەکانی پەیوەندیم هاوبەش بکە');
  });

  test('an application’s own default label (messages.label) still labels every label-less button', () => {
    defineKit({ messages: { en: { label: 'Continue with wallet' } } });
    const el = mount(make('consent-button', { scopes: 'USER_NAME' }));
    expect(shadow(el).getByRole('button', { name: 'Continue with wallet' })).toBeInTheDocument();
  });

  test('keyboard operable: Tab focuses it, Enter and Space ask the wallet', async () => {
    const kit = defineKit({ user: 'manual' });
    const user = userEvent.setup();
    const { el, inner } = button();
    // user-event's tab() does not walk into shadow roots: focus it as Tab would.
    inner.focus();
    expect(document.activeElement).toBe(el);
    expect(el.shadowRoot!.activeElement).toBe(inner);
    await user.keyboard('{Enter}');
    expect(kit.sim.calls).toHaveLength(1);
    await user.keyboard(' ');
    expect(kit.sim.calls.length).toBeGreaterThanOrEqual(1);
    expect(el).toHaveAttribute('data-state', 'pending');
  });

  test('the focus ring is visible (a :focus-visible outline in its styles)', () => {
    defineKit();
    const { el } = button();
    const css = [...el.shadowRoot!.querySelectorAll('style')].map((s) => s.textContent).join('\n');
    expect(css).toMatch(/:focus-visible\s*\{[^}]*outline:\s*3px solid/);
    expect(css).toMatch(/min-block-size:\s*var\(--_touch\)/);
    expect(css).toMatch(/--mak-touch-target, 44px/);
  });
});

describe('every click calls authorize(scopes, { gesture: true }) synchronously', () => {
  test('the wallet is asked before a trusted-looking user click returns', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const { inner } = button();
    const seen: number[] = [];
    inner.addEventListener('click', () => queueMicrotask(() => seen.push(kit.sim.calls.length)));
    await user.click(inner);
    expect(kit.sim.calls[0]!.scopes).toEqual(['USER_NAME', 'USER_AVATAR']);
    expect(seen[0]).toBe(1);
  });

  test('an untrusted click dispatched on the inner button: getAuthCode ran before dispatchEvent returned', () => {
    const kit = defineKit();
    const spy = jest.spyOn(kit.sim.my, 'getAuthCode');
    const authorize = jest.spyOn(kit.authorizer, 'authorize');
    const { inner } = button();
    const event = new MouseEvent('click', { bubbles: true, composed: true, cancelable: true });
    expect(event.isTrusted).toBe(false);
    inner.dispatchEvent(event);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(authorize).toHaveBeenCalledWith(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  });

  test('element.click() on the host asks the wallet synchronously too', () => {
    const kit = defineKit();
    const { el } = button();
    el.click();
    expect(kit.sim.calls).toHaveLength(1);
  });

  test('a click on the status text under the button does not ask', async () => {
    const kit = defineKit({ user: 'deny' });
    const { el, ui, inner } = button();
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    fireEvent.click(ui.getByText('We show your name on your orders.'));
    expect(kit.sim.calls).toHaveLength(1);
  });

  test('scopes may be comma separated; the property is an array and reflects', () => {
    const kit = defineKit();
    const { el, inner } = button('USER_NAME, USER_AVATAR,USER_NAME');
    expect(el.scopes).toEqual(['USER_NAME', 'USER_AVATAR']);
    inner.click();
    expect(kit.sim.calls[0]!.scopes).toEqual(['USER_NAME', 'USER_AVATAR']);
    el.scopes = ['NOTIFICATION_INBOX'];
    expect(el.getAttribute('scopes')).toBe('NOTIFICATION_INBOX');
    el.scopes = 'CARD_LIST AGREEMENT_PAY';
    expect(el.scopes).toEqual(['CARD_LIST', 'AGREEMENT_PAY']);
    expect(() => {
      (el as unknown as { scopes: unknown }).scopes = 42;
    }).toThrow(TypeError);
  });

  test('disabled: the inner button is disabled and no click asks the wallet', async () => {
    const kit = defineKit();
    const user = userEvent.setup();
    const { el, inner } = button('USER_NAME', 'Share', { disabled: '' });
    expect(inner).toBeDisabled();
    await user.click(inner);
    el.click();
    expect(kit.sim.calls).toHaveLength(0);
    el.disabled = false;
    expect(el).not.toHaveAttribute('disabled');
    expect(inner).toBeEnabled();
    el.click();
    expect(kit.sim.calls).toHaveLength(1);
  });
});

describe('states and events', () => {
  test('idle → pending (aria-busy) → authorized, with consent-authorized (bubbling, composed)', async () => {
    const kit = defineKit({ user: 'manual' });
    const events = listen();
    const { el, ui, inner } = button();
    inner.click();
    expect(el).toHaveAttribute('data-state', 'pending');
    expect(inner).toHaveAttribute('aria-busy', 'true');
    expect(ui.getByRole('status')).toHaveTextContent('Waiting for your wallet…');
    expect(el.state).toBe('pending');
    kit.sim.prompts[0]!.allow();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    expect(inner).not.toHaveAttribute('aria-busy');
    expect(ui.getByRole('status')).toHaveTextContent('Access allowed');
    expect(events).toHaveLength(1);
    const event = events[0] as CustomEvent<ConsentAuthorizedDetail>;
    expect(event.type).toBe('consent-authorized');
    expect(event.bubbles && event.composed).toBe(true);
    expect(event.target).toBe(el);
    expect(event.detail.session.scopes).toEqual(expect.arrayContaining(['USER_NAME', 'USER_AVATAR']));
    expect(el.session).toEqual(kit.authorizer.session());
    expect(kit.submitted).toEqual([['USER_NAME', 'USER_AVATAR']]);
  });

  test('events cross shadow roots: a button inside another component reaches the document', async () => {
    defineKit();
    const events = listen();
    const host = mount(document.createElement('div'));
    const root = host.attachShadow({ mode: 'open' });
    const el = make('consent-button', { scopes: 'USER_NAME' }, 'Share');
    root.append(el);
    el.click();
    await waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]!.type).toBe('consent-authorized');
    expect(events[0]!.target).toBe(host);
  });

  test('denied: shows "allow access" and the rationale; a new tap asks the wallet again', async () => {
    const kit = defineKit({ user: 'deny' });
    const events = listen();
    const { el, ui, inner } = button();
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    const status = ui.getByRole('status');
    expect(status).toHaveTextContent(/allow access/i);
    expect(status).toHaveTextContent('We show your name on your orders.');
    expect(inner).toHaveAccessibleDescription(/allow access.*We show your name on your orders\./i);
    const denied = events[0] as CustomEvent<ConsentDeniedDetail>;
    expect(denied.type).toBe('consent-denied');
    expect(denied.bubbles && denied.composed).toBe(true);
    expect(denied.detail.error.code).toBe('USER_CANCELLED');
    expect(denied.detail.scopes).toEqual(expect.arrayContaining(['USER_NAME', 'USER_AVATAR']));
    expect(kit.authorizer.consentState('USER_NAME')).toBe('denied');

    kit.sim.setUser('allow');
    inner.click();
    expect(kit.sim.calls).toHaveLength(2);
    expect(kit.sim.calls[1]!.prompted).toBe(true);
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    expect(events.map((e) => e.type)).toEqual(['consent-denied', 'consent-authorized']);
  });

  test('denied without a rationale attribute: the built-in text of the scope group', async () => {
    defineKit({ user: 'deny' });
    const el = mount(make('consent-button', { scopes: 'USER_CONTACTINFO' }, 'Add my phone'));
    el.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    expect(shadow(el).getByRole('status')).toHaveTextContent('Your phone number and email are used to contact you about this service.');
  });

  test('a transient error shows "try again" and fires consent-error; the next tap asks again', async () => {
    const kit = defineKit();
    const events = listen();
    const { el, ui, inner } = button();
    kit.sim.failNext({ error: 1002 });
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(ui.getByRole('status')).toHaveTextContent(/try again/i);
    const error = events[0] as CustomEvent<ConsentErrorDetail>;
    expect(error.type).toBe('consent-error');
    expect(error.bubbles && error.composed).toBe(true);
    expect((error.detail.error as { code?: string }).code).toBe('SERVICE_ERROR');
    expect(el.error).toBe(error.detail.error);
    inner.click();
    expect(kit.sim.calls).toHaveLength(2);
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    expect(el.error).toBeNull();
  });

  test('an error a tap will not fix says it is not available (no "try again")', async () => {
    const kit = defineKit();
    const { el, ui, inner } = button();
    kit.sim.failNext({ error: 4 });
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(ui.getByRole('status')).toHaveTextContent('This isn’t available right now.');
    expect(ui.getByRole('status')).not.toHaveTextContent(/try again/i);
  });

  test('invalid scopes end in consent-error INVALID_SCOPE, without a wallet call', async () => {
    const kit = defineKit();
    const events = listen();
    const el = mount(make('consent-button', { scopes: 'not-a-scope!' }, 'Share'));
    expect(el).toHaveAttribute('data-state', 'idle');
    el.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(kit.sim.calls).toHaveLength(0);
    expect(((events[0] as CustomEvent<ConsentErrorDetail>).detail.error as { code?: string }).code).toBe('INVALID_SCOPE');
  });

  test('a sign-out while the wallet is open goes back to idle without an event', async () => {
    const kit = defineKit({ user: 'manual' });
    const events = listen();
    const { el, inner } = button();
    inner.click();
    expect(el).toHaveAttribute('data-state', 'pending');
    await kit.authorizer.signOut();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'idle'));
    expect(events).toHaveLength(0);
  });
});

describe('what each failure says: which side failed and what a tap will do', () => {
  /** A kit whose backend answers like the reference backend's 500 / 503: the wallet gave a code. */
  function backendDown(retryable: boolean) {
    return defineKit({
      authorizer: {
        submit: async () => {
          throw Object.assign(new Error('applyToken failed'), { code: 'BACKEND_ERROR', status: retryable ? 503 : 502, retryable });
        },
      },
    });
  }

  test('the backend failed after the wallet said yes: the wallet is not blamed, and a tap retries', async () => {
    const kit = backendDown(true);
    const { el, ui, inner } = button();
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(ui.getByRole('status')).toHaveTextContent('Your wallet allowed it, but this miniapp couldn’t finish. Tap to try again.');
    // The wallet's yes is recorded: the Permissions an app shows from the record say "Allowed".
    expect(kit.authorizer.consentState('USER_NAME')).toBe('granted');
  });

  test('a backend failure that will not pass by a tap says to try later, not "tap"', async () => {
    backendDown(false);
    const { el, ui, inner } = button();
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(ui.getByRole('status')).toHaveTextContent('Your wallet allowed it, but this miniapp couldn’t finish. Try again later.');
  });

  test.each([
    // 2001: what to do in the wallet; a tap alone cannot help, so never a bare "try again".
    [2001, 'Accept your wallet’s user agreement in your wallet app first, then tap again.', /try again|isn’t available/i],
    // 12: the network, said plainly.
    [12, 'No internet connection. Tap to try again.', /went wrong/i],
    // 1003: the wallet did not answer in time.
    [1003, 'Your wallet didn’t answer. Tap to try again.', /went wrong/i],
  ])('wallet error %s says so: "%s"', async (code, text, never) => {
    const kit = defineKit();
    const { el, ui, inner } = button();
    kit.sim.failNext({ error: code });
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    expect(ui.getByRole('status')).toHaveTextContent(text);
    expect(ui.getByRole('status')).not.toHaveTextContent(never);
  });
});

describe('the hint under the button and the done state', () => {
  test('"Tap to allow access." is itself tappable: a tap on it asks the wallet again', async () => {
    const kit = defineKit({ user: 'deny' });
    const { el, ui, inner } = button();
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    kit.sim.setUser('allow');
    fireEvent.click(ui.getByText('Not allowed yet. Tap to allow access.'));
    expect(kit.sim.calls).toHaveLength(2);
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
  });

  test('"Tap to try again." is tappable; a message that invites no tap is not', async () => {
    const kit = defineKit();
    const { el, ui, inner } = button();
    kit.sim.failNext({ error: 1002 });
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'error'));
    kit.sim.failNext({ error: 4 });
    fireEvent.click(ui.getByText('Something went wrong. Tap to try again.'));
    expect(kit.sim.calls).toHaveLength(2);
    await waitFor(() => expect(ui.getByRole('status')).toHaveTextContent('This isn’t available right now.'));
    fireEvent.click(ui.getByText('This isn’t available right now.'));
    expect(kit.sim.calls).toHaveLength(2);
  });

  test('authorized reads as done: a check mark, aria-disabled, and a tap asks the wallet nothing', async () => {
    const kit = defineKit();
    const events = listen();
    const { el, ui, inner } = button();
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    expect(inner).toHaveAttribute('aria-disabled', 'true');
    expect(ui.getByRole('button', { name: 'Share my name' })).toHaveAccessibleDescription('Access allowed');
    expect(el.shadowRoot!.querySelector('[part~="icon"]')).not.toBeNull();
    const calls = kit.sim.calls.length;
    inner.click();
    await flush();
    // The session answers at once: no wallet call, no new submission, the state unchanged.
    expect(kit.sim.calls).toHaveLength(calls);
    expect(kit.submitted).toHaveLength(1);
    expect(el).toHaveAttribute('data-state', 'authorized');
    expect(events.map((e) => e.type)).toEqual(['consent-authorized', 'consent-authorized']);
    await kit.authorizer.signOut();
    expect(inner).not.toHaveAttribute('aria-disabled');
  });
});

describe('the state follows the authorizer', () => {
  test('initially authorized when the session already covers the scopes', async () => {
    const kit = defineKit();
    await kit.authorizer.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
    const { el, ui } = button('USER_NAME');
    expect(el).toHaveAttribute('data-state', 'authorized');
    expect(ui.getByRole('status')).toHaveTextContent('Access allowed');
  });

  test('initially denied when the consent record says denied', async () => {
    const kit = defineKit({ user: 'deny' });
    await expect(kit.authorizer.authorize('USER_NAME', { gesture: true })).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    expect(kit.authorizer.consentState('USER_NAME')).toBe('denied');
    const { el, ui } = button('USER_NAME');
    expect(el).toHaveAttribute('data-state', 'denied');
    expect(ui.getByRole('status')).toHaveTextContent(/allow access/i);
  });

  test('live: authorized elsewhere → authorized; signed out → idle', async () => {
    const kit = defineKit();
    const { el } = button('USER_NAME');
    const other = mount(make('consent-button', { scopes: 'USER_NAME' }, 'Other'));
    other.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    await waitFor(() => expect(other).toHaveAttribute('data-state', 'authorized'));
    await kit.authorizer.signOut();
    expect(el).toHaveAttribute('data-state', 'idle');
    expect(other).toHaveAttribute('data-state', 'idle');
  });

  test('live: a denial then a sign-out forgets the denial', async () => {
    const kit = defineKit({ user: 'deny' });
    const { el, inner } = button('USER_NAME');
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'denied'));
    await kit.authorizer.signOut();
    expect(el).toHaveAttribute('data-state', 'idle');
  });

  test('an expired session stops counting as authorized', async () => {
    const kit = defineKit({ authorizer: { submit: async () => ({ expiresAt: Date.now() + 60 }) } });
    const { el, inner } = button('USER_NAME');
    inner.click();
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'idle'), { timeout: 1000 });
    expect(kit.authorizer.session()).toBeNull();
  });

  test('a disconnected button stops listening; reconnected, it catches up', async () => {
    const kit = defineKit();
    const { el } = button('USER_NAME');
    el.remove();
    await kit.authorizer.authorize('USER_NAME', { gesture: true });
    expect(el).toHaveAttribute('data-state', 'idle');
    mount(el);
    expect(el).toHaveAttribute('data-state', 'authorized');
    await flush();
  });

  test('its own authorizer property overrides the defined one', async () => {
    const kit = defineKit();
    const { makeKit } = await import('./helpers');
    const other = makeKit();
    const { el, inner } = button('USER_NAME');
    el.authorizer = other.authorizer;
    inner.click();
    expect(other.sim.calls).toHaveLength(1);
    expect(kit.sim.calls).toHaveLength(0);
    await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
    expect(() => {
      (el as unknown as { authorizer: unknown }).authorizer = {};
    }).toThrow(TypeError);
  });
});
