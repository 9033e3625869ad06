/** createAuthorizer: prompts from a user gesture, multi-call plans and single flight. */
import { createAuthorizer } from '../../utils';
import type { Session } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { fakeBackend, fakeTarget, flush, track } from './helpers';

describe('authorizer – gesture', () => {
  it('calls the host getAuthCode before authorize() returns, inside the tap handler', async () => {
    const sim = createWalletSimulator();
    const target = fakeTarget();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: target });
    let callsSeenInHandler = -1;
    let pending: Promise<Session> | undefined;
    // The application's own button handler.
    const onTap = () => {
      pending = auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
      callsSeenInHandler = sim.calls.length;
    };
    onTap();
    expect(callsSeenInHandler).toBe(1);
    expect(sim.calls[0]?.scopes).toEqual(['USER_NAME', 'USER_AVATAR']);
    expect(sim.calls[0]?.prompted).toBe(true);
    await expect(pending).resolves.toMatchObject({ scopes: ['USER_NAME', 'USER_AVATAR'] });
  });

  it('opens the prompt synchronously through the raw bridge host too', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.bridge, engagementTarget: null });
    const promise = auth.authorize('USER_NAME', { gesture: true });
    expect(sim.calls).toHaveLength(1);
    await expect(promise).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    expect(sim.calls).toMatchObject([{ scopes: ['USER_NAME'], prompted: true, outcome: 'granted' }]);
  });

  it('through the raw bridge, a refusal of the consent scopes is recorded and the next tap asks again', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.bridge, engagementTarget: null });
    await expect(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true })).rejects.toMatchObject({ code: 'USER_CANCELLED', scopes: ['USER_NAME', 'USER_AVATAR'] });
    expect(auth.consentState('USER_NAME')).toBe('denied');
    sim.setUser('allow');
    await expect(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true })).resolves.toMatchObject({ scopes: ['USER_NAME', 'USER_AVATAR'] });
    expect(sim.calls).toMatchObject([
      { scopes: ['USER_NAME', 'USER_AVATAR'], prompted: true, outcome: 'denied' },
      { scopes: ['USER_NAME', 'USER_AVATAR'], prompted: true, outcome: 'granted' },
    ]);
  });

  it('with a gesture, a consent request does not wait for engagement', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: fakeTarget() });
    await auth.authorize('USER_NAME', { gesture: true, defer: false });
    expect(sim.calls).toHaveLength(1);
  });

  it('a gesture call opens a waiting deferred request for the same scope at once', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const waiting = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sim.calls).toHaveLength(0);
    const tapped = auth.authorize('USER_NAME', { gesture: true });
    expect(sim.calls).toHaveLength(1);
    await tapped;
    await waiting.promise;
    expect(sim.calls).toHaveLength(1);
  });

  it('runs a two-call plan: profile and contact data never together, the second without a new gesture', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim);
    // engagementTarget null: nothing but the gesture entitles the prompts.
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const promise = auth.authorize(['USER_NAME', 'USER_CONTACTINFO'], { gesture: true });
    expect(sim.calls).toHaveLength(1);
    const session = await promise;
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_NAME'], ['USER_CONTACTINFO']]);
    expect(sim.calls.every((c) => c.prompted)).toBe(true);
    expect(session.scopes.sort()).toEqual(['USER_CONTACTINFO', 'USER_NAME']);
    expect(auth.engaged).toBe(false);
    // One submit per code, each with its own scopes.
    expect(submitted.map((s) => s.scopes)).toEqual([['USER_NAME'], ['USER_CONTACTINFO']]);
    expect(new Set(submitted.map((s) => s.code)).size).toBe(2);
    expect(sim.maxOpenPrompts).toBe(1);
  });

  it('asks only the call that is still missing when part of a plan is already in the session', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await auth.authorize('USER_CONTACTINFO', { gesture: true });
    const promise = auth.authorize(['USER_NAME', 'USER_CONTACTINFO'], { gesture: true });
    expect(sim.calls).toHaveLength(2);
    await promise;
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_CONTACTINFO'], ['USER_NAME']]);
  });
});

describe('authorizer – single flight', () => {
  it('serves 50 concurrent silent calls with one wallet call and one submit', async () => {
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const sessions = await Promise.all(Array.from({ length: 50 }, () => auth.authorize('auth_base')));
    expect(sim.calls).toHaveLength(1);
    expect(submit).toHaveBeenCalledTimes(1);
    for (const s of sessions) expect(s).toEqual(sessions[0]);
    expect(sessions[0]?.scopes).toEqual(['auth_base']);
  });

  it('serves 50 concurrent consent calls with one prompt and one submit', async () => {
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const all = Promise.all(Array.from({ length: 50 }, (_, i) => auth.authorize('USER_NAME', { gesture: i % 2 === 0 })));
    const sessions = await all;
    expect(sim.calls).toHaveLength(1);
    expect(submit).toHaveBeenCalledTimes(1);
    for (const s of sessions) expect(s).toEqual(sessions[0]);
    expect(sim.maxOpenPrompts).toBe(1);
  });

  it('shares the scopes already being fetched between overlapping requests', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const a = auth.authorize(['auth_base', 'USER_NAME'], { gesture: true });
    const b = auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
    const [sa, sb] = await Promise.all([a, b]);
    const asked = sim.calls.flatMap((c) => c.scopes);
    expect(asked.filter((s) => s === 'USER_NAME')).toHaveLength(1);
    expect(asked.sort()).toEqual(['USER_AVATAR', 'USER_NAME', 'auth_base']);
    expect(submitted).toHaveLength(2);
    expect(sa.scopes).toEqual(expect.arrayContaining(['auth_base', 'USER_NAME']));
    expect(sb.scopes).toEqual(expect.arrayContaining(['USER_NAME', 'USER_AVATAR']));
    expect(sim.maxOpenPrompts).toBe(1);
  });

  it('shares a waiting deferred prompt between callers: one prompt after engagement', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const calls = Array.from({ length: 10 }, () => track(auth.authorize('USER_NAME')));
    await flush();
    auth.markEngaged();
    await Promise.all(calls.map((c) => c.promise));
    expect(sim.calls).toHaveLength(1);
  });

  it('starts a new flight once the previous one ended', async () => {
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim, () => ({ expiresAt: 0 }));
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    await auth.authorize('auth_base');
    expect(sim.calls).toHaveLength(2);
    expect(submit).toHaveBeenCalledTimes(2);
  });
});
