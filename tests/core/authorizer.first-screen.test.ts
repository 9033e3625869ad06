/** createAuthorizer: the first-screen guard (no consent prompt before the user engaged). */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { Authorizer } from '../../utils';
import { createWalletSimulator, type WalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, fakeTarget, flush, track, type FakeTarget } from './helpers';

function setup(): { sim: WalletSimulator; target: FakeTarget; auth: Authorizer; submit: jest.Mock } {
  const sim = createWalletSimulator();
  const target = fakeTarget();
  const { submit } = fakeBackend(sim);
  const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: target });
  return { sim, target, auth, submit };
}

describe('authorizer – first-screen guard', () => {
  it('makes a consent request without gesture wait, with no wallet call, until the user engages', async () => {
    const { sim, target, auth } = setup();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(t.settled).toBe(false);
    expect(sim.calls).toHaveLength(0);
    expect(auth.engaged).toBe(false);
    expect(auth.snapshot().status).toBe('waiting');
    expect(auth.snapshot().pendingScopes).toEqual(['USER_NAME']);

    target.fire('click');
    expect(auth.engaged).toBe(true);
    const session = await t.promise;
    expect(session.scopes).toEqual(['USER_NAME']);
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]?.prompted).toBe(true);
  });

  it.each(['click', 'pointerdown', 'keydown'])('proceeds after a trusted %s on the page', async (type) => {
    const { sim, target, auth } = setup();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sim.calls).toHaveLength(0);
    target.fire(type, true);
    await t.promise;
    expect(sim.calls).toHaveLength(1);
  });

  it('proceeds after an in-app navigation (back/forward: popstate)', async () => {
    const { sim, target, auth } = setup();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sim.calls).toHaveLength(0);
    target.fire('popstate', true);
    await t.promise;
    expect(sim.calls).toHaveLength(1);
  });

  it('does not count a hash change: a router sets the hash at launch, and a tapped hash link is a click', async () => {
    const { sim, target, auth } = setup();
    const t = track(auth.authorize('USER_NAME'));
    target.fire('hashchange', true);
    await flush();
    expect(auth.engaged).toBe(false);
    expect(sim.calls).toHaveLength(0);
    await expect(auth.authorize('USER_AVATAR', { defer: false })).rejects.toMatchObject({ code: 'FIRST_SCREEN' });
    auth.markEngaged();
    await t.promise;
  });

  it("counts the Navigation API's navigate event only for the user's navigations", async () => {
    const listeners: Array<(e: { type: string; isTrusted: boolean; userInitiated?: boolean; navigationType?: string }) => void> = [];
    const navigation = {
      addEventListener: (_type: string, l: (typeof listeners)[number]) => void listeners.push(l),
      removeEventListener: () => undefined,
    };
    const g = globalThis as unknown as { navigation?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
    const saved = { navigation: g.navigation, add: g.addEventListener, remove: g.removeEventListener };
    g.navigation = navigation;
    g.addEventListener = () => undefined;
    g.removeEventListener = () => undefined;
    try {
      const sim = createWalletSimulator();
      const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my });
      const fire = (e: Partial<{ userInitiated: boolean; navigationType: string }>) => listeners.forEach((l) => l({ type: 'navigate', isTrusted: true, ...e }));
      fire({ userInitiated: false, navigationType: 'push' }); // the page's own pushState
      expect(auth.engaged).toBe(false);
      fire({ userInitiated: true, navigationType: 'push' }); // the user followed a link
      expect(auth.engaged).toBe(true);
    } finally {
      g.navigation = saved.navigation;
      g.addEventListener = saved.add;
      g.removeEventListener = saved.remove;
    }
  });

  it('proceeds after markEngaged()', async () => {
    const { sim, auth } = setup();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sim.calls).toHaveLength(0);
    auth.markEngaged();
    expect(auth.engaged).toBe(true);
    await t.promise;
    expect(sim.calls).toHaveLength(1);
  });

  it.each(['click', 'pointerdown', 'keydown', 'touchstart', 'popstate', 'hashchange'])(
    'does not count a scripted (untrusted) %s event',
    async (type) => {
      const { sim, target, auth } = setup();
      const t = track(auth.authorize('USER_NAME'));
      target.fire(type, false);
      await flush();
      expect(auth.engaged).toBe(false);
      expect(t.settled).toBe(false);
      expect(sim.calls).toHaveLength(0);
      auth.markEngaged();
      await t.promise;
    },
  );

  it('does not count events dispatched by script on a real EventTarget', async () => {
    const sim = createWalletSimulator();
    const target = new EventTarget();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: target });
    const t = track(auth.authorize('USER_NAME'));
    for (const type of ['click', 'pointerdown', 'keydown', 'popstate', 'hashchange']) target.dispatchEvent(new Event(type));
    await flush();
    expect(auth.engaged).toBe(false);
    expect(sim.calls).toHaveLength(0);
    auth.markEngaged();
    await t.promise;
  });

  it('ignores events on other targets and events of other types', async () => {
    const { sim, target, auth } = setup();
    const t = track(auth.authorize('USER_NAME'));
    target.fire('scroll', true);
    target.fire('focus', true);
    await flush();
    expect(sim.calls).toHaveLength(0);
    expect(t.settled).toBe(false);
    auth.markEngaged();
    await t.promise;
  });

  it('counts engagement from the authorizer creation: an early interaction opens later requests at once', async () => {
    const { sim, target, auth } = setup();
    target.fire('click');
    await flush();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(t.settled).toBe(true);
    expect(sim.calls).toHaveLength(1);
  });

  it('stops listening once engaged', () => {
    const { target, auth } = setup();
    expect(target.listenerCount()).toBeGreaterThan(0);
    auth.markEngaged();
    expect(target.listenerCount()).toBe(0);
  });

  it('rejects FIRST_SCREEN at once with defer: false, with no wallet call', async () => {
    const { sim, auth } = setup();
    const error = await authErrorOf(auth.authorize(['auth_base', 'USER_NAME'], { defer: false }));
    expect(error.code).toBe('FIRST_SCREEN');
    expect(error.scopes).toEqual(['USER_NAME']);
    expect(error.retryable).toBe(false);
    expect(sim.calls).toHaveLength(0);
    // Nothing is left waiting: a later engagement triggers nothing.
    auth.markEngaged();
    await flush();
    expect(sim.calls).toHaveLength(0);
  });

  it('does not reject FIRST_SCREEN with defer: false once engaged', async () => {
    const { sim, auth } = setup();
    auth.markEngaged();
    await auth.authorize('USER_NAME', { defer: false });
    expect(sim.calls).toHaveLength(1);
  });

  it('does not make silent scopes wait (nor reject them with defer: false)', async () => {
    const { sim, auth } = setup();
    const p1 = auth.authorize('auth_base');
    expect(sim.calls).toHaveLength(1);
    await p1;
    await auth.authorize(['USER_ID', 'HASH_LOGIN_ID'], { defer: false });
    expect(sim.calls).toHaveLength(2);
    expect(auth.engaged).toBe(false);
  });

  it('does not make consent scopes granted before wait', async () => {
    let t = 1_000;
    const now = () => t;
    const sim = createWalletSimulator({ now });
    const storage = memoryStorage();
    const first = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, now, sessionTtlMs: 1_000, engagementTarget: null });
    await first.authorize('USER_NAME', { gesture: true });
    expect(first.consentState('USER_NAME')).toBe('granted');

    // Later, the session has expired; a new page (not engaged) asks again.
    t += 5_000;
    const second = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, now, sessionTtlMs: 1_000, engagementTarget: fakeTarget() });
    expect(second.engaged).toBe(false);
    const promise = second.authorize('USER_NAME', { defer: false });
    expect(sim.calls).toHaveLength(2);
    // The wallet remembers the grant: no prompt on the first screen.
    expect(sim.calls[1]?.prompted).toBe(false);
    await expect(promise).resolves.toMatchObject({ scopes: ['USER_NAME'] });
  });

  it('serves a cached consent-scope session without waiting', async () => {
    const sim = createWalletSimulator();
    const storage = memoryStorage();
    const first = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    await first.authorize('USER_NAME', { gesture: true });
    const second = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: fakeTarget() });
    await expect(second.authorize('USER_NAME', { defer: false })).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    expect(sim.calls).toHaveLength(1);
  });

  it('makes a mixed silent + consent request wait as a whole (silent scopes ride in the consent call)', async () => {
    const { sim, auth } = setup();
    const t = track(auth.authorize(['auth_base', 'USER_NAME']));
    await flush();
    expect(sim.calls).toHaveLength(0);
    auth.markEngaged();
    await t.promise;
    expect(sim.calls.map((c) => c.scopes)).toEqual([['auth_base', 'USER_NAME']]);
  });

  it('watches nothing with engagementTarget: null (DSL pages call markEngaged)', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sim.calls).toHaveLength(0);
    auth.markEngaged();
    await t.promise;
    expect(sim.calls).toHaveLength(1);
  });
});
