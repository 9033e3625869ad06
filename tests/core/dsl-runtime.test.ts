/**
 * A DSL mini program engine is not a browser: no DOM, no `localStorage`, and maybe no
 * AbortController. The core runs there on `my` alone.
 */
import { createAuthorizer } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { fakeBackend, flush, storedUserData } from './helpers';

const g = globalThis as { AbortController?: unknown };
let saved: unknown;
beforeEach(() => {
  saved = g.AbortController;
  g.AbortController = undefined;
});
afterEach(() => {
  g.AbortController = saved;
});

test('without AbortController: login, consent behind a tap, sign-out during a request', async () => {
  const sim = createWalletSimulator({ user: 'manual' });
  const { submit, submitted } = fakeBackend(sim);
  // No storage option: the default adapter is the host's my.*StorageSync.
  const auth = createAuthorizer({ host: sim.my, submit, engagementTarget: null });
  sim.setUser('allow');
  await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
  await expect(auth.authorize('USER_NAME', { gesture: true })).resolves.toMatchObject({ scopes: ['auth_base', 'USER_NAME'] });
  expect(sim.storage.size).toBe(1);

  sim.setUser('manual');
  auth.markEngaged();
  const pending = auth.authorize('USER_CONTACTINFO');
  await flush();
  expect(sim.prompts).toHaveLength(1);
  await auth.signOut();
  await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  sim.prompts[0]?.allow();
  await flush();
  expect(auth.session()).toBeNull();
  expect(storedUserData(sim.storage.get('miniapp-auth-kit'))).toEqual({ session: null, consent: {} });
  expect(submitted.map((s) => s.scopes)).toEqual([['auth_base'], ['USER_NAME']]);
});

test('without AbortController: the consent sheet gets a signal that closes it', async () => {
  const sim = createWalletSimulator();
  const auth = createAuthorizer({ host: sim.my, submit: fakeBackend(sim).submit, engagementTarget: null });
  const closed: string[] = [];
  auth.setConsentPresenter((pending) => {
    pending.signal.addEventListener('abort', () => closed.push(pending.scopes.join(' ')));
  });
  auth.markEngaged();
  const request = auth.authorize('NOTIFICATION_INBOX');
  await flush();
  await auth.signOut();
  await expect(request).rejects.toMatchObject({ code: 'ABORTED' });
  expect(closed).toEqual(['NOTIFICATION_INBOX']);
  expect(sim.calls).toHaveLength(0);
});
