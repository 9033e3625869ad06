/** createAuthorizer: the consent record (granted / denied, sticky denial, partial grants). */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { GetAuthCodeCall, RawAuthCodeResult } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, flush, track } from './helpers';

describe('authorizer – consent record', () => {
  it('starts unknown for consent scopes; silent scopes are always granted', () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    expect(auth.consentState('USER_NAME')).toBe('unknown');
    expect(auth.consentState('NEW_WALLET_SCOPE')).toBe('unknown');
    expect(auth.consentState('auth_base')).toBe('granted');
  });

  it('records an allow as granted, persisted for a new authorizer', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const storage = memoryStorage();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    await auth.authorize('USER_NAME', { gesture: true });
    expect(auth.consentState('USER_NAME')).toBe('granted');
    const again = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    expect(again.consentState('USER_NAME')).toBe('granted');
    expect(again.snapshot().consent).toMatchObject({ USER_NAME: 'granted' });
  });

  it('records a denial, rejects USER_CANCELLED with the scopes, and persists it', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const storage = memoryStorage();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, storage, engagementTarget: null });
    const error = await authErrorOf(auth.authorize(['auth_base', 'USER_NAME'], { gesture: true }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.scopes).toEqual(['USER_NAME']);
    expect(auth.consentState('USER_NAME')).toBe('denied');
    expect(auth.consentState('auth_base')).toBe('granted');
    expect(submit).not.toHaveBeenCalled();
    expect(auth.session()).toBeNull();
    const again = createAuthorizer({ submit, host: sim.my, storage, engagementTarget: null });
    expect(again.consentState('USER_NAME')).toBe('denied');
  });

  it('after a denial, a call without gesture rejects DENIED at once with no wallet call', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    expect(sim.calls).toHaveLength(1);
    auth.markEngaged();
    const error = await authErrorOf(auth.authorize(['auth_base', 'USER_NAME']));
    expect(error.code).toBe('DENIED');
    expect(error.scopes).toEqual(['USER_NAME']);
    expect(error.retryable).toBe(false);
    expect(sim.calls).toHaveLength(1);
  });

  it('keeps a denial sticky across authorizers', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const storage = memoryStorage();
    const first = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    await authErrorOf(first.authorize('USER_NAME', { gesture: true }));
    const second = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    second.markEngaged();
    expect((await authErrorOf(second.authorize('USER_NAME'))).code).toBe('DENIED');
    expect(sim.calls).toHaveLength(1);
  });

  it('with a gesture, asks the wallet again after a denial, and an allow flips it to granted', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    expect(auth.consentState('USER_NAME')).toBe('denied');
    sim.setUser('allow');
    const promise = auth.authorize('USER_NAME', { gesture: true });
    expect(sim.calls).toHaveLength(2);
    expect(sim.calls[1]?.prompted).toBe(true);
    await expect(promise).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    expect(auth.consentState('USER_NAME')).toBe('granted');
  });

  it('a denial again with a gesture stays denied', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    const error = await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(sim.calls).toHaveLength(2);
    expect(auth.consentState('USER_NAME')).toBe('denied');
  });

  it('records a partial grant: the session covers the granted scope, the call rejects for the other', async () => {
    const sim = createWalletSimulator({ user: { allow: ['USER_NAME'] } });
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const error = await authErrorOf(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.scopes).toEqual(['USER_AVATAR']);
    expect(auth.consentState('USER_NAME')).toBe('granted');
    expect(auth.consentState('USER_AVATAR')).toBe('denied');
    expect(auth.session()?.scopes).toEqual(['USER_NAME']);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.scopes).toEqual(['USER_NAME']);
    // What was granted is usable at once, from the cache.
    await expect(auth.authorize('USER_NAME')).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    expect(sim.calls).toHaveLength(1);
  });

  it('a per-scope failure that is not a refusal (authErrorScopes code 1002) is not recorded as denied', async () => {
    const sim = createWalletSimulator();
    // A wallet that grants USER_NAME and fails USER_AVATAR with a service error.
    const host = {
      ...sim.my,
      getAuthCode(call: GetAuthCodeCall) {
        sim.my.getAuthCode({
          ...call,
          success: (r: RawAuthCodeResult) =>
            call.success({ ...r, authSuccessScopes: ['USER_NAME'], authErrorScopes: { USER_AVATAR: '1002' } }),
        });
      },
    };
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host, engagementTarget: null });
    const error = await authErrorOf(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true }));
    expect(error.code).toBe('SERVICE_ERROR');
    expect(error.scopes).toEqual(['USER_AVATAR']);
    expect(error.platformCode).toBe('1002');
    expect(auth.consentState('USER_AVATAR')).toBe('unknown');
    expect(auth.consentState('USER_NAME')).toBe('granted');
    expect(auth.session()?.scopes).toEqual(['USER_NAME']);
    expect(submitted).toHaveLength(1);
  });

  it('does not record a denial for a wallet error that is not a refusal', async () => {
    for (const error of [1002, 1003, 12, 4, 2001, 10]) {
      const sim = createWalletSimulator();
      sim.failNext({ error });
      const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
      await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
      expect(auth.consentState('USER_NAME')).toBe('unknown');
    }
  });

  it('records a denial for wallet code 11 (user denied)', async () => {
    const sim = createWalletSimulator();
    sim.failNext({ error: 11 });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    expect((await authErrorOf(auth.authorize('USER_NAME', { gesture: true }))).code).toBe('USER_CANCELLED');
    expect(auth.consentState('USER_NAME')).toBe('denied');
  });

  it('closing the wallet popup without a choice (code 10) is not a denial', async () => {
    const sim = createWalletSimulator({ user: 'dismiss' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const error = await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    expect(error.code).toBe('EMPTY_RESULT');
    expect(auth.consentState('USER_NAME')).toBe('unknown');
    // No new gesture: the next call waits (it is not DENIED).
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(t.settled).toBe(false);
    expect(sim.calls).toHaveLength(1);
  });

  it('never records a silent scope as denied', async () => {
    const sim = createWalletSimulator();
    sim.failNext('failed-spelling');
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, maxRetries: 0 });
    expect((await authErrorOf(auth.authorize('auth_base'))).code).toBe('USER_CANCELLED');
    expect(auth.consentState('auth_base')).toBe('granted');
    await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
  });

  it('exposes the record in the snapshot as a copy', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    await auth.authorize('USER_NAME', { gesture: true });
    const snap = auth.snapshot();
    expect(snap.consent).toMatchObject({ USER_NAME: 'granted' });
    (snap.consent as Record<string, string>).USER_NAME = 'denied';
    expect(auth.consentState('USER_NAME')).toBe('granted');
  });

  it('refuses a malformed scope in consentState', () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    expect(() => auth.consentState('__proto__')).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE' }));
  });
});
