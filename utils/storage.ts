/** Storage adapters: the host's `my.*StorageSync`, else `localStorage`, else memory. */
import { globalLocalStorage, globalMy } from './globals';
import type { MyStorageHost, StorageAdapter } from './types';

export function memoryStorage(initial?: Record<string, string>): StorageAdapter {
  const map = new Map<string, string>(Object.entries(initial ?? {}));
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

function isMyStorageHost(value: unknown): value is MyStorageHost {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MyStorageHost).getStorageSync === 'function' &&
    typeof (value as MyStorageHost).setStorageSync === 'function'
  );
}

/** Alipay-style `my.getStorageSync({ key })` answers `{ data }` (some versions the value itself). */
export function myStorage(my: MyStorageHost): StorageAdapter {
  return {
    get(key) {
      const res = my.getStorageSync({ key });
      const data = typeof res === 'object' && res !== null && 'data' in res ? (res as { data: unknown }).data : res;
      return typeof data === 'string' ? data : null;
    },
    set(key, value) {
      my.setStorageSync({ key, data: value });
    },
    remove(key) {
      if (typeof my.removeStorageSync === 'function') my.removeStorageSync({ key });
      else my.setStorageSync({ key, data: '' });
    },
  };
}

interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function webStorage(storage: WebStorage): StorageAdapter {
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}

function usableLocalStorage(): WebStorage | undefined {
  try {
    const ls = globalLocalStorage() as WebStorage | undefined;
    if (!ls || typeof ls.getItem !== 'function') return undefined;
    // Safari private mode and sandboxed iframes throw on write.
    const probe = '__miniapp-auth-kit-probe__';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    return undefined;
  }
}

/** The default adapter for a host (given or global `my`). */
export function defaultStorage(host?: unknown): StorageAdapter {
  const candidate = host ?? globalMy();
  if (isMyStorageHost(candidate)) return myStorage(candidate);
  const ls = usableLocalStorage();
  return ls ? webStorage(ls) : memoryStorage();
}

export function isStorageAdapter(value: unknown): value is StorageAdapter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StorageAdapter).get === 'function' &&
    typeof (value as StorageAdapter).set === 'function' &&
    typeof (value as StorageAdapter).remove === 'function'
  );
}
