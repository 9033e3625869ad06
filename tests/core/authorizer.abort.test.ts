/** createAuthorizer: the caller's AbortSignal. */
import { createAuthorizer } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, deferred, fakeBackend, flush, track } from './helpers';

describe('authorizer – AbortSignal', () => {
  it('rejects ABORTED for a signal aborted before the call, without a wallet call', async () => {
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const controller = new AbortController();
    controller.abort();
    const error = await authErrorOf(auth.authorize('auth_base', { signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect(error.scopes).toEqual(['auth_base']);
    expect(error.retryable).toBe(false);
    expect(sim.calls).toHaveLength(0);
    expect(submit).not.toHaveBeenCalled();
  });

  it('rejects ABORTED while waiting for engagement, and no wallet call happens later', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const controller = new AbortController();
    const t = track(auth.authorize('USER_NAME', { signal: controller.signal }));
    await flush();
    expect(t.settled).toBe(false);
    controller.abort();
    const error = await authErrorOf(t.promise);
    expect(error.code).toBe('ABORTED');
    auth.markEngaged();
    await flush();
    expect(sim.calls).toHaveLength(0);
    expect(auth.snapshot().status).toBe('idle');
    expect(auth.snapshot().pendingScopes).toEqual([]);
  });

  it.each([
    ['deny', 'denied'],
    ['allow', 'granted'],
  ] as const)('a caller that left while the wallet page was open: the user\'s answer there (%s) is still recorded', async (answer, state) => {
    const sim = createWalletSimulator({ user: 'manual' });
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const controller = new AbortController();
    const t = track(auth.authorize('USER_NAME', { gesture: true, signal: controller.signal }));
    controller.abort();
    expect((await authErrorOf(t.promise)).code).toBe('ABORTED');
    sim.prompts[0]![answer]();
    await flush();
    expect(auth.consentState('USER_NAME')).toBe(state);
    // Nothing is submitted for a caller that left.
    expect(submit).not.toHaveBeenCalled();
  });

  it('aborting one of two joined callers does not abort the other', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const c1 = new AbortController();
    const first = track(auth.authorize('USER_NAME', { signal: c1.signal }));
    const second = track(auth.authorize('USER_NAME'));
    await flush();
    c1.abort();
    expect((await authErrorOf(first.promise)).code).toBe('ABORTED');
    auth.markEngaged();
    await expect(second.promise).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    expect(sim.calls).toHaveLength(1);
  });

  it('aborting while the wallet prompt is open rejects ABORTED and never submits the late code', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const controller = new AbortController();
    const t = track(auth.authorize('USER_NAME', { gesture: true, signal: controller.signal }));
    expect(sim.prompts).toHaveLength(1);
    controller.abort();
    expect((await authErrorOf(t.promise)).code).toBe('ABORTED');
    sim.prompts[0]?.allow();
    await flush();
    expect(submit).not.toHaveBeenCalled();
    expect(auth.session()).toBeNull();
  });

  it('aborts the submit signal when the caller aborts during submission', async () => {
    const sim = createWalletSimulator();
    const started = deferred<AbortSignal>();
    const submit = jest.fn((_code: string, ctx: { signal: AbortSignal }) => {
      started.resolve(ctx.signal);
      return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const controller = new AbortController();
    const t = track(auth.authorize('auth_base', { signal: controller.signal }));
    const signal = await started.promise;
    expect(signal.aborted).toBe(false);
    controller.abort();
    expect(signal.aborted).toBe(true);
    expect((await authErrorOf(t.promise)).code).toBe('ABORTED');
    expect(auth.session()).toBeNull();
  });

  it('rejects ABORTED when aborted while the authorizer is still loading asynchronous storage', async () => {
    const sim = createWalletSimulator();
    const load = deferred<string | null>();
    const storage = { get: () => load.promise, set: async () => undefined, remove: async () => undefined };
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, storage, engagementTarget: null });
    const controller = new AbortController();
    const t = track(auth.authorize('auth_base', { signal: controller.signal }));
    controller.abort();
    await flush();
    // Rejected at once, not only once the storage answers.
    expect(t.settled).toBe(true);
    expect((t.error as { code?: string }).code).toBe('ABORTED');
    load.resolve(null);
    await flush();
    expect(sim.calls).toHaveLength(0);
    expect(submit).not.toHaveBeenCalled();
  });
});
