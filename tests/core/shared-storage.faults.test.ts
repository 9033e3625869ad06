/**
 * The shared state under storage faults and unlucky timing: a read that fails is no news, a refused
 * sign-out still forgets the user, the latest answer wins across pages, asynchronous adapters take
 * up what the page's other instances wrote, and a take-up tells subscribers what is stored now.
 */
import { memoryStorage, type AuthCodeHost, type StorageAdapter, type SubmitHook } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { asyncMapStorage, authorizerOver, flush, storedUserData, twoPages } from './helpers';

const KEY = 'miniapp-auth-kit';

describe('a storage read that fails is no news', () => {
  it('synchronous adapter: the stored denial survives a failed read before the next write', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const inner = memoryStorage();
    let failReads = 0;
    const storage: StorageAdapter = {
      get: (k) => {
        if (failReads > 0) {
          failReads--;
          throw new Error('EIO');
        }
        return inner.get(k);
      },
      set: (k, v) => inner.set(k, v),
      remove: (k) => inner.remove(k),
    };
    let armed = false;
    const host: AuthCodeHost = { getAuthCode: (call) => ((failReads = armed ? 1 : 0), sim.my.getAuthCode(call)) };
    const auth = authorizerOver(sim, storage, { host });
    await auth.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
    armed = true;
    await auth.authorize('auth_base');
    expect(storedUserData(inner.get(KEY) as string).consent).toEqual({ USER_NAME: 'denied', auth_base: 'granted' });
    expect(auth.consentState('USER_NAME')).toBe('denied');
  });

  it('asynchronous adapter: a rejected read inside a write keeps the stored denial', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const storage = asyncMapStorage();
    let armed = false;
    const host: AuthCodeHost = { getAuthCode: (call) => ((storage.failReads = armed ? 1 : 0), sim.my.getAuthCode(call)) };
    const auth = authorizerOver(sim, storage, { host });
    await auth.ready();
    await auth.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
    await flush(10);
    armed = true;
    await auth.authorize('auth_base');
    await flush(10);
    expect(storedUserData(storage.map.get(KEY)).consent).toEqual({ USER_NAME: 'denied', auth_base: 'granted' });
    expect(auth.consentState('USER_NAME')).toBe('denied');
  });

  it('an adapter that always rejects: the denial held in memory stays sticky', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const no = () => Promise.reject(new Error('no'));
    const auth = authorizerOver(sim, { get: no, set: no, remove: no });
    await auth.ready();
    await auth.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
    sim.setUser('allow');
    await auth.authorize('auth_base');
    await flush();
    expect(auth.consentState('USER_NAME')).toBe('denied');
    auth.markEngaged();
    await expect(auth.authorize('USER_NAME')).rejects.toMatchObject({ code: 'DENIED' });
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_NAME'], ['auth_base']]);
  });
});

it('a sign-out whose marker the storage refuses still removes what was stored', async () => {
  const sim = createWalletSimulator({ user: 'allow' });
  const inner = memoryStorage();
  let refuseSet = false;
  const storage: StorageAdapter = {
    get: (k) => inner.get(k),
    set: (k, v) => {
      if (refuseSet) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      inner.set(k, v);
    },
    remove: (k) => inner.remove(k),
  };
  const auth = authorizerOver(sim, storage);
  await auth.authorize('USER_NAME', { gesture: true });
  refuseSet = true;
  await auth.signOut();
  const reloaded = authorizerOver(sim, storage);
  expect(reloaded.session()).toBeNull();
  expect(reloaded.consentState('USER_NAME')).toBe('unknown');
});

it("the user's latest answer is stored, also when another page recorded the other one meanwhile", async () => {
  const sim = createWalletSimulator({ user: 'allow' });
  const storage = memoryStorage();
  const failing: SubmitHook = async () => Promise.reject(Object.assign(new Error('x'), { code: 'PROCESS_FAIL' }));
  // USER_NAME is granted in the record (its first submission failed: no session).
  await authorizerOver(sim, storage, { submit: failing }).authorize('USER_NAME', { gesture: true }).catch(() => undefined);
  let answerLate: (() => void) | null = null;
  const slow: AuthCodeHost = { getAuthCode: (call) => void (answerLate = () => sim.my.getAuthCode(call)) };
  const a = authorizerOver(sim, storage, { host: slow, submit: async () => ({ s: 'a' }) });
  const b = authorizerOver(sim, storage, { submit: failing });
  const fromA = a.authorize('USER_NAME');
  await flush();
  // Page B: the wallet now refuses USER_NAME.
  sim.failNext({ error: 1001 });
  await b.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
  expect(b.consentState('USER_NAME')).toBe('denied');
  // Then A's wallet call answers: granted. That is the latest answer.
  (answerLate as unknown as () => void)();
  await fromA;
  expect(storedUserData(storage.get(KEY) as string)).toMatchObject({ session: { scopes: ['USER_NAME'] }, consent: { USER_NAME: 'granted' } });
  expect(b.consentState('USER_NAME')).toBe('granted');
});

describe('asynchronous adapters', () => {
  it('take up the sign-out another instance of the page wrote, before deciding', async () => {
    const { sim, a, b } = twoPages('allow', asyncMapStorage());
    await Promise.all([a.ready(), b.ready()]);
    await a.authorize('USER_NAME', { gesture: true });
    await flush(10);
    await b.signOut();
    expect(a.session()).toBeNull();
    expect(a.consentState('USER_NAME')).toBe('unknown');
    // Signed out: no cached session to answer with; a prompt would need the user again.
    await expect(a.authorize('USER_NAME', { defer: false })).rejects.toMatchObject({ code: 'FIRST_SCREEN' });
    expect(sim.calls).toHaveLength(1);
  });

  it('keep session data too large to store in memory across the next write', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const storage = asyncMapStorage();
    const huge = { blob: 'x'.repeat(300 * 1024) };
    const auth = authorizerOver(sim, storage, { submit: async () => huge });
    await auth.ready();
    await auth.authorize('auth_base');
    await flush(10);
    sim.setUser('deny');
    await auth.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
    await flush(10);
    expect(auth.session()?.data).toEqual(huge);
    expect(storedUserData(storage.map.get(KEY))).toEqual({ session: null, consent: { auth_base: 'granted', USER_NAME: 'denied' } });
  });

  it('keep a sign-out made during the load, whatever order the adapter answers in', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const seed = memoryStorage();
    await authorizerOver(sim, seed).authorize('USER_NAME', { gesture: true });
    const map = new Map<string, string>([[KEY, seed.get(KEY) as string]]);
    let reads = 0;
    const storage: StorageAdapter = {
      // The first read (the load) answers last.
      get: (k) => {
        const v = map.get(k) ?? null;
        return new Promise((r) => setTimeout(() => r(v), reads++ === 0 ? 30 : 0));
      },
      set: async (k, v) => void map.set(k, v),
      remove: async (k) => void map.delete(k),
    };
    const auth = authorizerOver(sim, storage);
    await auth.signOut();
    await auth.ready();
    expect(auth.session()).toBeNull();
    expect(storedUserData(map.get(KEY)).session).toBeNull();
  });
});

it('a take-up after another page signed out and in again tells subscribers the new session', async () => {
  const { a, b } = twoPages('allow');
  await a.authorize('auth_base');
  const sessions: unknown[] = [];
  const types: string[] = [];
  a.subscribe((event) => {
    types.push(event.type);
    if (event.type === 'session') sessions.push(event.session);
  });
  await b.signOut();
  await b.authorize('auth_base');
  a.snapshot();
  expect(types).toContain('signed-out');
  expect(sessions.at(-1)).toMatchObject({ scopes: ['auth_base'] });
  expect(a.session()).toMatchObject({ scopes: ['auth_base'] });
});
