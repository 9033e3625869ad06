/** @jest-environment jsdom */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { defineKit, make, mount, resetDom, shadow } from './helpers';

afterEach(resetDom);

/** A child is shown when it is assigned to a slot that is in the gate's shadow tree. */
function shown(node: Element): boolean {
  const slot = node.assignedSlot;
  return !!slot && slot.isConnected && slot.getRootNode() === node.parentElement?.shadowRoot;
}

function gate(attrs: Record<string, string> = { scopes: 'USER_NAME USER_AVATAR' }, fallback = false) {
  const el = make('auth-gate', attrs);
  const content = make('p', {}, 'Hello, Ali');
  el.append(content);
  let custom: HTMLElement | null = null;
  if (fallback) {
    custom = make('div', { slot: 'fallback' }, 'Sign in to see your profile');
    el.append(custom);
  }
  mount(el);
  return { el, content, custom };
}

/** The built-in consent button of the fallback slot (when it is rendered). */
function builtInButton(el: HTMLElement) {
  const inner = el.shadowRoot!.querySelector('slot[name="fallback"]')?.querySelector('consent-button');
  return inner && inner.isConnected ? (inner as HTMLElementTagNameMap['consent-button']) : null;
}

test('unauthorized: the children are unassigned and a consent button for the scopes is shown', () => {
  defineKit();
  const { el, content } = gate({ scopes: 'USER_NAME USER_AVATAR', rationale: 'To greet you by name.' });
  expect(el).toHaveAttribute('data-state', 'unauthorized');
  expect(el.authorized).toBe(false);
  expect(shown(content)).toBe(false);
  expect(content.assignedSlot).toBeNull();
  const button = builtInButton(el)!;
  expect(button).not.toBeNull();
  expect(button.scopes).toEqual(['USER_NAME', 'USER_AVATAR']);
  expect(button.rationale).toBe('To greet you by name.');
  expect(shadow(button).getByRole('button', { name: 'Share my profile' })).toBeInTheDocument();
});

test('tapping the built-in button authorizes and the children appear', async () => {
  const kit = defineKit();
  const user = userEvent.setup();
  const { el, content } = gate();
  const inner = shadow(builtInButton(el)!).getByRole('button');
  await user.click(inner);
  expect(kit.sim.calls).toHaveLength(1);
  await waitFor(() => expect(el).toHaveAttribute('data-state', 'authorized'));
  expect(shown(content)).toBe(true);
  expect(builtInButton(el)).toBeNull();
  expect(el.authorized).toBe(true);
});

test('the application fallback is shown instead of the built-in button, then unassigned once authorized', async () => {
  const kit = defineKit();
  const { el, content, custom } = gate({ scopes: 'USER_NAME' }, true);
  expect(shown(custom!)).toBe(true);
  expect(shown(content)).toBe(false);
  const fallbackSlot = el.shadowRoot!.querySelector('slot[name="fallback"]') as HTMLSlotElement;
  expect(fallbackSlot.assignedElements()).toEqual([custom]);
  await kit.authorizer.authorize('USER_NAME', { gesture: true });
  expect(shown(content)).toBe(true);
  expect(shown(custom!)).toBe(false);
  expect(custom!.assignedSlot).toBeNull();
});

test('live: authorized elsewhere → children; signed out → fallback again', async () => {
  const kit = defineKit();
  const { el, content } = gate({ scopes: 'USER_NAME' });
  await kit.authorizer.authorize('USER_NAME', { gesture: true });
  expect(el).toHaveAttribute('data-state', 'authorized');
  expect(shown(content)).toBe(true);
  await kit.authorizer.signOut();
  expect(el).toHaveAttribute('data-state', 'unauthorized');
  expect(shown(content)).toBe(false);
  expect(builtInButton(el)).not.toBeNull();
  expect(builtInButton(el)).toHaveAttribute('data-state', 'idle');
});

test('already authorized when connected: children at once', async () => {
  const kit = defineKit();
  await kit.authorizer.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  const { el, content } = gate({ scopes: 'USER_AVATAR' });
  expect(el).toHaveAttribute('data-state', 'authorized');
  expect(shown(content)).toBe(true);
});

test('a partial session does not open the gate', async () => {
  const kit = defineKit();
  await kit.authorizer.authorize('USER_NAME', { gesture: true });
  const { el } = gate({ scopes: 'USER_NAME USER_CONTACTINFO' });
  expect(el).toHaveAttribute('data-state', 'unauthorized');
});

test('changing the scopes re-evaluates; the property takes arrays', async () => {
  const kit = defineKit();
  await kit.authorizer.authorize('USER_NAME', { gesture: true });
  const { el, content } = gate({ scopes: 'NOTIFICATION_INBOX' });
  expect(shown(content)).toBe(false);
  el.scopes = ['USER_NAME'];
  expect(el.getAttribute('scopes')).toBe('USER_NAME');
  expect(shown(content)).toBe(true);
});

test('button-label names the built-in button', () => {
  defineKit();
  const { el } = gate({ scopes: 'USER_NAME', 'button-label': 'Show my profile' });
  expect(shadow(builtInButton(el)!).getByRole('button', { name: 'Show my profile' })).toBeInTheDocument();
});

test('a session that expires closes the gate', async () => {
  const kit = defineKit({ authorizer: { submit: async () => ({ expiresAt: Date.now() + 60 }) } });
  const { el, content } = gate({ scopes: 'USER_NAME' });
  await kit.authorizer.authorize('USER_NAME', { gesture: true });
  expect(shown(content)).toBe(true);
  await waitFor(() => expect(el).toHaveAttribute('data-state', 'unauthorized'), { timeout: 1000 });
  expect(shown(content)).toBe(false);
});

test('events of the built-in button reach the page', async () => {
  defineKit();
  const seen: string[] = [];
  document.addEventListener('consent-authorized', (e) => seen.push((e.target as Element).localName));
  const { el } = gate({ scopes: 'USER_NAME' });
  builtInButton(el)!.click();
  await waitFor(() => expect(seen).toEqual(['auth-gate']));
});
