/** createAuthorizer: subscribe() events and signOut(). */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { AuthorizerEvent, AuthorizerSnapshot } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, flush, storedUserData, track } from './helpers';

function recorder() {
  const events: Array<{ event: AuthorizerEvent; snapshot: AuthorizerSnapshot }> = [];
  const listener = (event: AuthorizerEvent, snapshot: AuthorizerSnapshot) => void events.push({ event, snapshot });
  return { events, listener, types: () => events.map((e) => e.event.type) };
}

describe('authorizer – subscribe', () => {
  it('reports status changes, the session and the consent record', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const rec = recorder();
    auth.subscribe(rec.listener);
    const session = await auth.authorize(['auth_base', 'USER_NAME'], { gesture: true });

    const statuses = rec.events.flatMap((e) => (e.event.type === 'status' ? [e.event.status] : []));
    expect(statuses).toContain('prompting');
    expect(statuses).toContain('submitting');
    expect(statuses[statuses.length - 1]).toBe('idle');

    const consent = rec.events.flatMap((e) => (e.event.type === 'consent' ? [[e.event.scope, e.event.state]] : []));
    expect(consent).toEqual(expect.arrayContaining([['USER_NAME', 'granted']]));

    const sessions = rec.events.flatMap((e) => (e.event.type === 'session' ? [e.event.session] : []));
    expect(sessions).toEqual([session]);

    // Snapshots follow the state.
    const last = rec.events[rec.events.length - 1]?.snapshot;
    expect(last?.status).toBe('idle');
    expect(last?.session).toEqual(session);
    expect(last?.consent).toMatchObject({ USER_NAME: 'granted' });
    expect(last?.pendingScopes).toEqual([]);
    const prompting = rec.events.find((e) => e.event.type === 'status' && e.event.status === 'prompting');
    expect(prompting?.snapshot.pendingScopes).toEqual(['auth_base', 'USER_NAME']);
  });

  it('reports waiting, then engaged', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const rec = recorder();
    auth.subscribe(rec.listener);
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(rec.events.some((e) => e.event.type === 'status' && e.event.status === 'waiting')).toBe(true);
    expect(rec.types()).not.toContain('engaged');
    auth.markEngaged();
    expect(rec.types()).toContain('engaged');
    expect(rec.events.find((e) => e.event.type === 'engaged')?.snapshot.engaged).toBe(true);
    await t.promise;
    // markEngaged again is a no-op.
    const count = rec.types().filter((x) => x === 'engaged').length;
    auth.markEngaged();
    expect(rec.types().filter((x) => x === 'engaged')).toHaveLength(count);
  });

  it('reports a denial as a consent event and an error event', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const rec = recorder();
    auth.subscribe(rec.listener);
    await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    expect(rec.events.some((e) => e.event.type === 'consent' && e.event.scope === 'USER_NAME' && e.event.state === 'denied')).toBe(true);
    const err = rec.events.find((e) => e.event.type === 'error');
    expect(err?.event.type === 'error' && err.event.error.code).toBe('USER_CANCELLED');
  });

  it('reports signed-out and a null session on signOut', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    const rec = recorder();
    auth.subscribe(rec.listener);
    await auth.signOut();
    expect(rec.types()).toContain('signed-out');
    expect(rec.events.some((e) => e.event.type === 'session' && e.event.session === null)).toBe(true);
    expect(rec.events[rec.events.length - 1]?.snapshot.session).toBeNull();
  });

  it('stops reporting after unsubscribe', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const rec = recorder();
    const unsubscribe = auth.subscribe(rec.listener);
    await auth.authorize('auth_base');
    const seen = rec.events.length;
    expect(seen).toBeGreaterThan(0);
    unsubscribe();
    unsubscribe();
    await auth.authorize('USER_NAME', { gesture: true });
    auth.markEngaged();
    await auth.signOut();
    expect(rec.events).toHaveLength(seen);
  });

  it('gives the same function subscribed twice two subscriptions', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const listener = jest.fn();
    const off1 = auth.subscribe(listener);
    auth.subscribe(listener);
    off1();
    auth.markEngaged();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener breaks neither the flow nor the other listeners', async () => {
    const errorSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const sim = createWalletSimulator();
      const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
      auth.subscribe(() => {
        throw new Error('listener bug');
      });
      const rec = recorder();
      auth.subscribe(rec.listener);
      await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
      expect(rec.types()).toContain('session');
      // The error is reported, not swallowed silently.
      expect(errorSpy).toHaveBeenCalled();
    } finally {
      errorSpy.mockRestore();
    }
  });

  it('refuses a non-function listener', () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    expect(() => auth.subscribe('nope' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('authorizer – signOut', () => {
  it('forgets the session and the consent record, in memory and in storage', async () => {
    const sim = createWalletSimulator({ user: { allow: ['USER_NAME'] } });
    const storage = memoryStorage();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    await authErrorOf(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true }));
    expect(auth.session()).not.toBeNull();
    expect(auth.consentState('USER_AVATAR')).toBe('denied');
    expect(storage.get('miniapp-auth-kit')).toEqual(expect.any(String));

    await auth.signOut();
    expect(auth.session()).toBeNull();
    expect(auth.consentState('USER_NAME')).toBe('unknown');
    expect(auth.consentState('USER_AVATAR')).toBe('unknown');
    expect(auth.snapshot().consent).toEqual({});
    expect(storedUserData(storage.get('miniapp-auth-kit') as string | null)).toEqual({ session: null, consent: {} });
    const reloaded = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    expect(reloaded.session()).toBeNull();
    expect(reloaded.consentState('USER_AVATAR')).toBe('unknown');
  });

  it('clears the default my storage too', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    expect(sim.storage.size).toBe(1);
    await auth.signOut();
    expect(storedUserData(sim.storage.get('miniapp-auth-kit'))).toEqual({ session: null, consent: {} });
  });

  it('rejects in-flight callers with ABORTED (waiting, prompting and submitting)', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    let submitSignal: AbortSignal | undefined;
    const submit = jest.fn(
      (_code: string, ctx: { signal: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          submitSignal = ctx.signal;
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const waiting = track(auth.authorize('USER_AVATAR'));
    const prompting = track(auth.authorize('USER_NAME', { gesture: true }));
    const submitting = track(auth.authorize('auth_base'));
    await flush();
    expect(sim.prompts).toHaveLength(1);
    expect(submitSignal?.aborted).toBe(false);

    await auth.signOut();
    await flush();
    for (const t of [waiting, prompting, submitting]) {
      expect(t.settled).toBe(true);
      expect((t.error as { code?: string }).code).toBe('ABORTED');
    }
    expect(submitSignal?.aborted).toBe(true);
    // A late answer of the wallet changes nothing.
    sim.prompts[0]?.allow();
    auth.markEngaged();
    await flush();
    expect(auth.session()).toBeNull();
    expect(auth.consentState('USER_NAME')).toBe('unknown');
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it('works again after signing out', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    await auth.signOut();
    await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
    expect(sim.calls).toHaveLength(2);
  });
});
