/**
 * Writes over a shared storage, as a hostile reviewer tries them: every change is applied to what
 * is stored when it is written (never to a view that lacks another tab's data), a read that fails
 * writes nothing (it could undo a sign-out), a storage cleared by the app after a sign-out behaves
 * like an empty one, and a deferred consent request re-reads the storage before it opens a prompt
 * or a sheet: another tab's sign-out, seen without any `storage` event, aborts it.
 */
import { type AuthCodeHost, type PendingConsent, type StorageAdapter } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { asyncMapStorage, authorizerOver, flush, storedUserData, track, twoPages } from './helpers';

const KEY = 'miniapp-auth-kit';

/** A synchronous adapter over a shared map (a tab without `storage` events); `failReads` reads throw. */
function syncTab(map: Map<string, string>): StorageAdapter & { failReads: number } {
  const tab = {
    failReads: 0,
    get: (k: string) => {
      if (tab.failReads > 0) {
        tab.failReads--;
        throw new Error('EIO');
      }
      return map.get(k) ?? null;
    },
    set: (k: string, v: string) => void map.set(k, v),
    remove: (k: string) => void map.delete(k),
  };
  return tab;
}

describe('asynchronous adapters, two tabs', () => {
  it("another tab's refusal survives a partial grant (each queued write applies to what is stored)", async () => {
    const map = new Map<string, string>();
    const sim = createWalletSimulator({ user: 'deny' });
    const tabA = authorizerOver(sim, asyncMapStorage(map));
    const tabB = authorizerOver(sim, asyncMapStorage(map));
    await Promise.all([tabA.ready(), tabB.ready()]);
    await tabB.authorize('USER_AVATAR', { gesture: true }).catch(() => undefined);
    await flush(10);
    expect(storedUserData(map.get(KEY)).consent).toEqual({ USER_AVATAR: 'denied' });

    sim.setUser({ allow: ['USER_NAME'] });
    await tabA.authorize(['USER_NAME', 'NOTIFICATION_INBOX'], { gesture: true }).catch(() => undefined);
    await flush(10);
    expect(storedUserData(map.get(KEY)).consent).toEqual({ USER_AVATAR: 'denied', USER_NAME: 'granted', NOTIFICATION_INBOX: 'denied' });
    // The refusal stays sticky in tab A, which took it up when it wrote.
    expect(tabA.consentState('USER_AVATAR')).toBe('denied');
    tabA.markEngaged();
    await expect(tabA.authorize('USER_AVATAR')).rejects.toMatchObject({ code: 'DENIED' });
  });

  it("a read that fails writes nothing: another tab's sign-out is not undone", async () => {
    const map = new Map<string, string>();
    const sim = createWalletSimulator({ user: 'allow' });
    const a = asyncMapStorage(map);
    let failing = false;
    const host: AuthCodeHost = { getAuthCode: (call) => ((a.failReads = failing ? 2 : 0), sim.my.getAuthCode(call)) };
    const tabA = authorizerOver(sim, a, { host });
    const tabB = authorizerOver(sim, asyncMapStorage(map));
    await Promise.all([tabA.ready(), tabB.ready()]);
    await tabA.authorize('USER_NAME', { gesture: true });
    await flush(10);
    await tabB.signOut();
    failing = true;
    await tabA.authorize('auth_base').catch(() => undefined);
    await flush(10);
    expect(storedUserData(map.get(KEY))).toEqual({ session: null, consent: {} });
    // Once its next write can read, tab A takes the sign-out up: its changes since are dropped.
    failing = false;
    await tabA.authorize('USER_ID').catch(() => undefined);
    await flush(10);
    expect(tabA.consentState('USER_NAME')).toBe('unknown');
    expect(tabA.session()).toBeNull();
    expect(storedUserData(map.get(KEY))).toEqual({ session: null, consent: {} });
  });

  it('a change whose read failed is written with the next write that could read', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const storage = asyncMapStorage();
    let failing = false;
    const host: AuthCodeHost = { getAuthCode: (call) => ((storage.failReads = failing ? 1 : 0), sim.my.getAuthCode(call)) };
    const auth = authorizerOver(sim, storage, { host });
    await auth.ready();
    failing = true;
    await auth.authorize('USER_NAME', { gesture: true });
    await flush(10);
    expect(storedUserData(storage.map.get(KEY))).toMatchObject({ session: { scopes: ['USER_NAME'] }, consent: { USER_NAME: 'granted' } });
  });
});

describe('a synchronous adapter without storage events', () => {
  it("a read that fails writes nothing: another tab's sign-out is not undone", async () => {
    const map = new Map<string, string>();
    const sim = createWalletSimulator({ user: 'allow' });
    const a = syncTab(map);
    let failing = false;
    const host: AuthCodeHost = { getAuthCode: (call) => ((a.failReads = failing ? 10 : 0), sim.my.getAuthCode(call)) };
    const tabA = authorizerOver(sim, a, { host });
    const tabB = authorizerOver(sim, syncTab(map));
    await tabA.authorize('USER_NAME', { gesture: true });
    await tabB.signOut();
    failing = true;
    await tabA.authorize('auth_base').catch(() => undefined);
    expect(storedUserData(map.get(KEY))).toEqual({ session: null, consent: {} });
  });
});

describe('the app clears the storage after a sign-out (a common logout pattern)', () => {
  it.each([
    ['an asynchronous adapter', true],
    ['a synchronous adapter', false],
  ])('%s: one tap, one prompt inside it, and what it granted is stored', async (_label, asynchronous) => {
    const map = new Map<string, string>();
    const storage = asynchronous ? asyncMapStorage(map) : syncTab(map);
    const sim = createWalletSimulator({ user: 'allow' });
    let calls = 0;
    // A wallet that stops answering after a few calls: the old retry loop stays bounded here.
    const host: AuthCodeHost = { getAuthCode: (call) => void (++calls <= 5 && setImmediate(() => sim.my.getAuthCode(call))) };
    const auth = authorizerOver(sim, storage, { host });
    await auth.ready();
    await auth.authorize('USER_NAME', { gesture: true });
    await auth.signOut();
    map.clear();
    sim.revoke();
    auth.markEngaged();
    calls = 0;
    await expect(auth.authorize('USER_NAME', { gesture: true })).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    await flush(20);
    expect(calls).toBe(1);
    expect(storedUserData(map.get(KEY))).toMatchObject({ session: { scopes: ['USER_NAME'] }, consent: { USER_NAME: 'granted' } });
    expect(JSON.parse(map.get(KEY) as string).epoch).toBe(1);
  });
});

describe('a deferred consent request and a sign-out in another tab (no storage event)', () => {
  it('is aborted before its prompt opens', async () => {
    const { sim, a, b } = twoPages('allow');
    await a.authorize('auth_base');
    const deferred = track(a.authorize('USER_NAME'));
    await flush();
    await b.signOut();
    a.markEngaged();
    await flush();
    expect(deferred.settled).toBe(true);
    expect(deferred.error).toMatchObject({ code: 'ABORTED' });
    expect(sim.calls).toHaveLength(1);
  });

  it('is aborted before its sheet opens, and a sheet open then never reaches the wallet', async () => {
    const { sim, a, b } = twoPages('allow');
    const shown: PendingConsent[] = [];
    a.setConsentPresenter((pending) => void shown.push(pending));
    await a.authorize('auth_base');
    const first = track(a.authorize('USER_NAME'));
    await b.signOut();
    a.markEngaged();
    await flush();
    expect(shown).toHaveLength(0);
    expect(first.error).toMatchObject({ code: 'ABORTED' });

    const second = track(a.authorize('USER_AVATAR'));
    await flush();
    expect(shown).toHaveLength(1);
    await b.signOut();
    shown[0]!.proceed();
    await flush();
    expect(second.error).toMatchObject({ code: 'ABORTED' });
    expect(shown[0]!.signal.aborted).toBe(true);
    expect(sim.calls).toHaveLength(1);
  });

  it('rejects DENIED, without a prompt, when the user refused its scopes elsewhere meanwhile', async () => {
    const { sim, a, b } = twoPages('deny');
    const deferred = track(b.authorize('USER_NAME'));
    await flush();
    await a.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
    expect(sim.calls).toHaveLength(1);
    b.markEngaged();
    await flush();
    expect(deferred.error).toMatchObject({ code: 'DENIED', scopes: ['USER_NAME'] });
    expect(sim.calls).toHaveLength(1);
  });

  it('with asynchronous adapters: the storage is read again before the prompt opens', async () => {
    const map = new Map<string, string>();
    const sim = createWalletSimulator({ user: 'allow' });
    const tabA = authorizerOver(sim, asyncMapStorage(map));
    const tabB = authorizerOver(sim, asyncMapStorage(map));
    await Promise.all([tabA.ready(), tabB.ready()]);
    await tabA.authorize('auth_base');
    const deferred = track(tabA.authorize('USER_NAME'));
    await flush(10);
    await tabB.signOut();
    tabA.markEngaged();
    await flush(10);
    expect(deferred.error).toMatchObject({ code: 'ABORTED' });
    expect(sim.calls).toHaveLength(1);
  });
});
