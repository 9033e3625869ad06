/**
 * Several authorizers over one storage (pages of an H5 miniapp that stay alive under the ones
 * opened on top, two tabs): each takes up what the others stored before it decides, a write never
 * drops what another stored, a sign-out is never undone, and an oversized state keeps the consent
 * record.
 */
import { createAuthorizer, memoryStorage, type StorageAdapter } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { asyncMapStorage, authErrorOf, authorizerOver, deferred, fakeBackend, flush, recordingStorage, storedUserData, track, twoPages } from './helpers';

const KEY = 'miniapp-auth-kit';

function stored(storage: StorageAdapter) {
  return storedUserData(storage.get(KEY) as string | null);
}

describe('instances over one storage', () => {
  it('an answer the record already holds writes nothing: every write changes what is stored', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const storage = recordingStorage();
    let now = 1_000_000;
    const a = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null, sessionTtlMs: 60_000, now: () => now });
    await a.authorize('auth_base');
    now += 120_000;
    // The session expired: auth_base is fetched again and its "granted", already recorded, is recorded again.
    await a.authorize('auth_base');
    expect(sim.calls).toHaveLength(2);
    expect(storage.writes.length).toBeGreaterThan(2);
    expect(storage.writes.filter((w, i) => w === storage.writes[i - 1])).toEqual([]);
  });

  it("a denial on one page keeps the other page's session and grant", async () => {
    const { sim, storage, a, b } = twoPages('allow');
    await a.authorize('USER_NAME', { gesture: true });
    sim.setUser('deny');
    await authErrorOf(b.authorize('USER_AVATAR', { gesture: true }));

    expect(stored(storage)).toMatchObject({
      session: { scopes: ['USER_NAME'] },
      consent: { USER_NAME: 'granted', USER_AVATAR: 'denied' },
    });
    const reloaded = authorizerOver(sim, storage);
    expect(reloaded.session()?.scopes).toEqual(['USER_NAME']);
    expect(reloaded.consentState('USER_AVATAR')).toBe('denied');
  });

  it("takes up another page's session before deciding: no second wallet call", async () => {
    const { sim, a, b } = twoPages();
    await a.authorize('auth_base');
    await expect(b.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
    expect(sim.calls).toHaveLength(1);
    expect(b.session()?.scopes).toEqual(['auth_base']);
  });

  it("sees another page's consent answers in consentState and snapshot", async () => {
    const { sim, a, b } = twoPages('deny');
    await authErrorOf(a.authorize('USER_NAME', { gesture: true }));
    expect(b.consentState('USER_NAME')).toBe('denied');
    expect(b.snapshot().consent).toEqual({ USER_NAME: 'denied' });
    // The refusal is sticky on the other page too: no prompt without a tap.
    await expect(b.authorize('USER_NAME')).rejects.toMatchObject({ code: 'DENIED' });
    expect(sim.calls).toHaveLength(1);
  });

  it('merges two sessions granted on two pages into one that covers both', async () => {
    const { storage, a, b } = twoPages('allow');
    await a.authorize('USER_NAME', { gesture: true });
    await b.authorize('NOTIFICATION_INBOX', { gesture: true });
    expect(stored(storage).session).toMatchObject({ scopes: ['USER_NAME', 'NOTIFICATION_INBOX'] });
    expect(a.session()?.scopes).toEqual(['USER_NAME', 'NOTIFICATION_INBOX']);
  });

  it('tells subscribers of the other page what it took up', async () => {
    const { a, b } = twoPages('allow');
    const seen: string[] = [];
    b.subscribe((event) => seen.push(event.type === 'consent' ? `consent:${event.scope}:${event.state}` : event.type));
    await a.authorize('USER_NAME', { gesture: true });
    expect(b.session()?.scopes).toEqual(['USER_NAME']);
    expect(seen).toEqual(expect.arrayContaining(['session', 'consent:USER_NAME:granted']));
  });
});

describe('a sign-out on one page', () => {
  async function signedInPages() {
    const { sim, storage, a, b } = twoPages('allow');
    await a.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
    await b.authorize('USER_CONTACTINFO', { gesture: true });
    expect(b.session()).not.toBeNull();
    return { sim, storage, a, b };
  }

  it('is not undone by another page that read before it', async () => {
    const { sim, storage, a, b } = await signedInPages();
    await a.signOut();
    sim.revoke();
    await b.authorize('USER_NAME', { gesture: true });
    // Only what the user granted after the sign-out is stored: no old session, no old consent.
    expect(stored(storage)).toMatchObject({ session: { scopes: ['USER_NAME'] }, consent: { USER_NAME: 'granted' } });
    expect(Object.keys(stored(storage).consent)).toEqual(['USER_NAME']);
    expect(b.consentState('USER_CONTACTINFO')).toBe('unknown');
  });

  it('signs the other page out too, with its events', async () => {
    const { storage, a, b } = await signedInPages();
    const seen: string[] = [];
    b.subscribe((event) => seen.push(event.type));
    await a.signOut();
    expect(b.session()).toBeNull();
    expect(b.consentState('USER_NAME')).toBe('unknown');
    expect(seen).toEqual(expect.arrayContaining(['session', 'signed-out']));
    expect(stored(storage)).toEqual({ session: null, consent: {} });
  });

  it("drops what the other page's request under way would store, and rejects it ABORTED", async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const storage = memoryStorage();
    const a = authorizerOver(sim, storage);
    const answer = deferred<unknown>();
    const b = authorizerOver(sim, storage, { submit: async () => answer.promise });
    await a.authorize('USER_NAME', { gesture: true });
    const request = track(b.authorize('NOTIFICATION_INBOX', { gesture: true }));
    await flush();
    await a.signOut();
    answer.resolve({ sessionId: 'from-before-the-sign-out' });
    await flush();
    expect(request.settled).toBe(true);
    expect((request.error as { code?: string }).code).toBe('ABORTED');
    expect(stored(storage)).toEqual({ session: null, consent: {} });
    expect(b.session()).toBeNull();
  });

  it('holds with asynchronous storage adapters too', async () => {
    const { sim, storage, a, b } = twoPages('allow', asyncMapStorage());
    await Promise.all([a.ready(), b.ready()]);
    await a.authorize('USER_NAME', { gesture: true });
    sim.setUser('deny');
    await authErrorOf(b.authorize('USER_AVATAR', { gesture: true }));
    await flush(10);
    expect(storedUserData(storage.map.get(KEY))).toMatchObject({ session: { scopes: ['USER_NAME'] }, consent: { USER_NAME: 'granted', USER_AVATAR: 'denied' } });

    await a.signOut();
    sim.setUser('allow');
    sim.revoke();
    await b.authorize('NOTIFICATION_INBOX', { gesture: true }).catch(() => undefined);
    await flush(10);
    const after = storedUserData(storage.map.get(KEY));
    expect(after.consent).not.toHaveProperty('USER_NAME');
    expect(after.consent).not.toHaveProperty('USER_AVATAR');
  });
});

describe('a state too large to store', () => {
  const huge = { blob: 'x'.repeat(300 * 1024) };

  it('drops the session data, never the consent record', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const storage = memoryStorage();
    const auth = authorizerOver(sim, storage, { submit: async () => huge });
    await auth.authorize('auth_base');
    sim.setUser('deny');
    await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));

    const reloaded = authorizerOver(sim, storage);
    expect(reloaded.consentState('USER_NAME')).toBe('denied');
    expect(reloaded.session()).toBeNull();
    // The page that got the answer keeps it in memory.
    expect(auth.session()?.data).toEqual(huge);
  });

  it('keeps the consent record when the adapter refuses the full value (quota)', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const map = new Map<string, string>();
    const quota: StorageAdapter = {
      get: (key) => map.get(key) ?? null,
      set: (key, value) => {
        if (value.length > 2_000) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
        map.set(key, value);
      },
      remove: (key) => void map.delete(key),
    };
    const auth = authorizerOver(sim, quota, { submit: async () => ({ blob: 'y'.repeat(5_000) }) });
    await auth.authorize('auth_base');
    sim.setUser('deny');
    await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    const reloaded = authorizerOver(sim, quota);
    expect(reloaded.consentState('USER_NAME')).toBe('denied');
    expect(reloaded.session()).toBeNull();
  });
});
