/** createAuthorizer: the silent login at launch and the session cache. */
import { createAuthorizer, memoryStorage } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { fakeBackend, flush, track } from './helpers';

describe('authorizer – silent login and the session cache', () => {
  it('fetches auth_base at once, submits once and resolves a Session', async () => {
    const sim = createWalletSimulator({ customerId: 'cust-1' });
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const promise = auth.authorize('auth_base');
    // Silent scopes do not wait for engagement: the wallet is asked in the caller's task.
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]?.prompted).toBe(false);
    const session = await promise;
    expect(session).toEqual({ scopes: ['auth_base'], data: { customerId: 'cust-1', scopes: ['auth_base'] } });
    expect(submit).toHaveBeenCalledTimes(1);
    expect(submitted[0]).toMatchObject({ scopes: ['auth_base'], attempt: 1 });
    expect(auth.session()).toEqual(session);
    expect(auth.consentState('auth_base')).toBe('granted');
  });

  it('serves a second call from the cache: no wallet call, no submit', async () => {
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const first = await auth.authorize('auth_base');
    const second = await auth.authorize(['auth_base']);
    expect(second).toEqual(first);
    expect(sim.calls).toHaveLength(1);
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it('returns a copy: mutating the resolved session changes nothing', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const session = await auth.authorize('auth_base');
    session.scopes.push('USER_NAME');
    expect(auth.session()?.scopes).toEqual(['auth_base']);
  });

  it('persists the session: a new authorizer over the same storage makes no wallet call', async () => {
    const sim = createWalletSimulator();
    const first = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const session = await first.authorize('auth_base');
    // The default storage of a `my` host is my.setStorageSync.
    expect(sim.storage.size).toBe(1);

    const { submit } = fakeBackend(sim);
    const second = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    expect(second.session()).toEqual(session);
    await expect(second.authorize('auth_base')).resolves.toEqual(session);
    expect(sim.calls).toHaveLength(1);
    expect(submit).not.toHaveBeenCalled();
  });

  it('persists through an explicit memoryStorage shared by two authorizers', async () => {
    const sim = createWalletSimulator();
    const storage = memoryStorage();
    const first = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    await first.authorize('auth_base');
    const second = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    await second.authorize('auth_base');
    expect(sim.calls).toHaveLength(1);
    // Another storage key is another miniapp: nothing is shared.
    const other = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, storageKey: 'other-app', engagementTarget: null });
    expect(other.session()).toBeNull();
  });

  it('fetches again once the session expired (expiresAt from the submit result, injected now)', async () => {
    let t = 1_000_000;
    const now = () => t;
    const sim = createWalletSimulator({ now });
    const { submit } = fakeBackend(sim, () => ({ user: 'u', expiresAt: t + 60_000 }));
    const auth = createAuthorizer({ submit, host: sim.my, now, engagementTarget: null });
    const first = await auth.authorize('auth_base');
    expect(first.expiresAt).toBe(1_060_000);

    t += 59_999;
    await auth.authorize('auth_base');
    expect(sim.calls).toHaveLength(1);

    t += 2;
    expect(auth.session()).toBeNull();
    const again = await auth.authorize('auth_base');
    expect(sim.calls).toHaveLength(2);
    expect(submit).toHaveBeenCalledTimes(2);
    expect(again.expiresAt).toBe(t + 60_000);
  });

  it('reads an ISO date in expiresAt', async () => {
    let t = Date.parse('2030-01-01T00:00:00Z');
    const now = () => t;
    const sim = createWalletSimulator({ now });
    const { submit } = fakeBackend(sim, () => ({ expiresAt: '2030-01-01T01:00:00Z' }));
    const auth = createAuthorizer({ submit, host: sim.my, now, engagementTarget: null });
    expect((await auth.authorize('auth_base')).expiresAt).toBe(Date.parse('2030-01-01T01:00:00Z'));
    t = Date.parse('2030-01-01T01:00:01Z');
    expect(auth.session()).toBeNull();
  });

  it('applies sessionTtlMs when the submit result has no expiresAt', async () => {
    let t = 5_000;
    const now = () => t;
    const sim = createWalletSimulator({ now });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, now, sessionTtlMs: 1_000, engagementTarget: null });
    expect((await auth.authorize('auth_base')).expiresAt).toBe(6_000);
    t = 6_001;
    expect(auth.session()).toBeNull();
  });

  it('does not loop when the backend hands out a session that is already expired', async () => {
    const sim = createWalletSimulator();
    // expiresAt in seconds instead of milliseconds: long past when read as epoch ms.
    const { submit } = fakeBackend(sim, (_r, i) => {
      if (i > 3) throw new Error('submitted again and again');
      return { user: 'u', expiresAt: 1_700_000_000 };
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const t = track(auth.authorize('auth_base'));
    await flush();
    expect(t.settled).toBe(true);
    expect(submit).toHaveBeenCalledTimes(1);
    expect(sim.calls).toHaveLength(1);
    // The caller gets what the backend answered; the cache does not serve an expired session.
    expect(t.value).toEqual({ scopes: ['auth_base'], data: { user: 'u', expiresAt: 1_700_000_000 }, expiresAt: 1_700_000_000 });
    expect(auth.session()).toBeNull();
  });

  it('merges the scopes of successive grants into one session', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    const session = await auth.authorize(['auth_base', 'USER_NAME'], { gesture: true });
    expect(session.scopes.sort()).toEqual(['USER_NAME', 'auth_base']);
    // Only the missing scope was asked for.
    expect(sim.calls.map((c) => c.scopes)).toEqual([['auth_base'], ['USER_NAME']]);
  });

  it('rejects NOT_IN_MINIAPP without a wallet host and stores nothing', async () => {
    const storage = memoryStorage();
    const submit = jest.fn();
    const auth = createAuthorizer({ submit, storage, engagementTarget: null });
    await expect(auth.authorize('auth_base')).rejects.toMatchObject({ code: 'NOT_IN_MINIAPP' });
    expect(submit).not.toHaveBeenCalled();
    expect(auth.session()).toBeNull();
  });
});
