/** createAuthorizer: storage adapters (async, default, failing) and untrusted stored values. */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { StorageAdapter } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { deferred, fakeBackend, flush, storedUserData, track } from './helpers';

const KEY = 'miniapp-auth-kit';

/** Produces a real stored value by running a flow over a memory storage. */
async function storedValue(scopes: string[] = ['auth_base'], gesture = false): Promise<string> {
  const sim = createWalletSimulator();
  const storage = memoryStorage();
  const auth = createAuthorizer({ submit: async () => ({ user: 'stored-user' }), host: sim.my, storage, engagementTarget: null });
  await auth.authorize(scopes, { gesture });
  return storage.get(KEY) as string;
}

/** An adapter whose get/set/remove return promises that the test settles. */
function asyncStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  const gate = deferred<void>();
  const adapter: StorageAdapter & { map: Map<string, string> } = {
    map,
    get: async (key) => {
      await gate.promise;
      return map.get(key) ?? null;
    },
    set: async (key, value) => {
      await Promise.resolve();
      map.set(key, value);
    },
    remove: async (key) => {
      await Promise.resolve();
      map.delete(key);
    },
  };
  return { adapter, open: () => gate.resolve() };
}

describe('authorizer – asynchronous storage', () => {
  it('waits for the load before answering, and finds the stored session', async () => {
    const value = await storedValue();
    const sim = createWalletSimulator();
    const { adapter, open } = asyncStorage({ [KEY]: value });
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, storage: adapter, engagementTarget: null });
    const t = track(auth.authorize('auth_base'));
    await flush();
    expect(t.settled).toBe(false);
    expect(sim.calls).toHaveLength(0);
    open();
    const session = await t.promise;
    expect(session).toMatchObject({ scopes: ['auth_base'], data: { user: 'stored-user' } });
    expect(sim.calls).toHaveLength(0);
    expect(submit).not.toHaveBeenCalled();
  });

  it('ready() resolves once the state is loaded, with a ready event', async () => {
    const value = await storedValue(['USER_NAME'], true);
    const { adapter, open } = asyncStorage({ [KEY]: value });
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage: adapter, engagementTarget: null });
    const events: string[] = [];
    auth.subscribe((e) => events.push(e.type));
    const ready = track(auth.ready());
    await flush();
    expect(ready.settled).toBe(false);
    expect(auth.session()).toBeNull();
    open();
    await ready.promise;
    expect(events).toContain('ready');
    expect(auth.session()?.scopes).toEqual(['USER_NAME']);
    expect(auth.consentState('USER_NAME')).toBe('granted');
  });

  it('fetches and writes through an async adapter when nothing is stored', async () => {
    const { adapter, open } = asyncStorage();
    open();
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage: adapter, engagementTarget: null });
    await auth.authorize('auth_base');
    await flush();
    expect(sim.calls).toHaveLength(1);
    expect(adapter.map.get(KEY)).toEqual(expect.any(String));
    await auth.signOut();
    expect(storedUserData(adapter.map.get(KEY))).toEqual({ session: null, consent: {} });
  });

  it('opens a gesture prompt synchronously once an async adapter has loaded', async () => {
    const { adapter, open } = asyncStorage();
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage: adapter, engagementTarget: null });
    open();
    await auth.ready();
    const promise = auth.authorize('USER_NAME', { gesture: true });
    expect(sim.calls).toHaveLength(1);
    await promise;
  });

  it('ready() resolves at once with synchronous storage', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage: memoryStorage(), engagementTarget: null });
    const ready = track(auth.ready());
    await Promise.resolve();
    expect(ready.settled).toBe(true);
  });

  it('treats a storage that rejects or throws as empty', async () => {
    const sim = createWalletSimulator();
    const rejecting: StorageAdapter = { get: () => Promise.reject(new Error('no')), set: () => Promise.reject(new Error('no')), remove: () => Promise.reject(new Error('no')) };
    const throwing: StorageAdapter = {
      get: () => {
        throw new Error('no');
      },
      set: () => {
        throw new Error('quota');
      },
      remove: () => {
        throw new Error('no');
      },
    };
    for (const storage of [rejecting, throwing]) {
      const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
      await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
      // The state in memory stays authoritative.
      expect(auth.session()?.scopes).toEqual(['auth_base']);
      await expect(auth.signOut()).resolves.toBeUndefined();
    }
  });
});

describe('authorizer – corrupted stored values', () => {
  const CORRUPT: Array<[string, string]> = [
    ['not JSON', '{not json'],
    ['JSON null', 'null'],
    ['a JSON string', '"hello"'],
    ['a JSON array', '[1,2]'],
    ['a wrong version', JSON.stringify({ v: 2, session: { scopes: ['auth_base'], data: 1 }, consent: {} })],
    ['no version', JSON.stringify({ session: { scopes: ['auth_base'], data: 1 } })],
    ['session scopes not an array', '{"v":1,"session":{"scopes":"x"}}'],
    ['session scopes with bad names', '{"v":1,"session":{"scopes":["auth_base","a b"]}}'],
    ['session scopes empty', '{"v":1,"session":{"scopes":[]}}'],
    ['expiresAt not a number', '{"v":1,"session":{"scopes":["auth_base"],"expiresAt":"soon"}}'],
    ['an empty string', ''],
    ['a huge value', JSON.stringify({ v: 1, session: { scopes: ['auth_base'], data: 'x'.repeat(300_000) } })],
  ];

  it.each(CORRUPT)('treats %s as empty, without throwing', async (_label, value) => {
    const sim = createWalletSimulator();
    const storage = memoryStorage({ [KEY]: value });
    const { submit } = fakeBackend(sim);
    let auth: ReturnType<typeof createAuthorizer> | undefined;
    expect(() => {
      auth = createAuthorizer({ submit, host: sim.my, storage, engagementTarget: null });
    }).not.toThrow();
    expect(auth?.session()).toBeNull();
    await expect(auth?.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
    expect(sim.calls).toHaveLength(1);
    // The corrupted value was replaced by a good one.
    const again = createAuthorizer({ submit, host: sim.my, storage, engagementTarget: null });
    expect(again.session()?.scopes).toEqual(['auth_base']);
  });

  it('drops hostile keys and values of the consent record without polluting prototypes', async () => {
    const value = '{"v":1,"consent":{"__proto__":{"polluted":"yes"},"constructor":"granted","toString":"denied","a b":"granted","USER_AVATAR":"maybe","USER_NAME":"granted"}}';
    const sim = createWalletSimulator();
    const storage = memoryStorage({ [KEY]: value });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    expect(auth.snapshot().consent).toEqual({ USER_NAME: 'granted' });
    expect(auth.consentState('USER_AVATAR')).toBe('unknown');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(auth.snapshot().consent)).toBe(Object.prototype);
  });

  it('treats a consent record that is an array or a string as empty', () => {
    const sim = createWalletSimulator();
    for (const consent of ['["USER_NAME"]', '"granted"', '5']) {
      const storage = memoryStorage({ [KEY]: `{"v":1,"consent":${consent}}` });
      const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
      expect(auth.snapshot().consent).toEqual({});
    }
  });

  it('treats a non-string value from a custom adapter as empty', () => {
    const sim = createWalletSimulator();
    const storage: StorageAdapter = {
      get: () => ({ v: 1, session: { scopes: ['auth_base'] } }) as unknown as string,
      set: () => undefined,
      remove: () => undefined,
    };
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, storage, engagementTarget: null });
    expect(auth.session()).toBeNull();
  });

  it('reads a `my.getStorageSync` that answers the value itself rather than { data }', async () => {
    const value = await storedValue();
    const sim = createWalletSimulator();
    const host = {
      getAuthCode: sim.my.getAuthCode,
      getStorageSync: () => value,
      setStorageSync: () => undefined,
    };
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host, engagementTarget: null });
    expect(auth.session()?.scopes).toEqual(['auth_base']);
  });
});
