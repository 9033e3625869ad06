/** Storage adapters: the host's `my.*StorageSync`, else `localStorage`, else memory. */
import { hasMethods, isFunction, isObject } from './checks';
import { globalMy, globalValue } from './globals';
import type { MyStorageHost, StorageAdapter } from './types';

export function memoryStorage(initial?: Record<string, string>): StorageAdapter {
  const map = new Map<string, string>(Object.entries(initial ?? {}));
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/** Alipay-style `my.getStorageSync({ key })` answers `{ data }` (some versions the value itself). */
export function myStorage(my: MyStorageHost): StorageAdapter {
  return {
    get(key) {
      const res = my.getStorageSync({ key });
      const data = isObject(res) && 'data' in res ? res.data : res;
      return typeof data === 'string' ? data : null;
    },
    set: (key, value) => void my.setStorageSync({ key, data: value }),
    remove: (key) => void (isFunction(my.removeStorageSync) ? my.removeStorageSync({ key }) : my.setStorageSync({ key, data: '' })),
  };
}

/** `localStorage` when it works: Safari private mode and sandboxed iframes throw on write. */
function localStorageAdapter(): StorageAdapter | undefined {
  try {
    const ls = globalValue('localStorage') as Storage;
    ls.setItem('__miniapp-auth-kit-probe__', '1');
    ls.removeItem('__miniapp-auth-kit-probe__');
    return { get: (key) => ls.getItem(key), set: (key, value) => ls.setItem(key, value), remove: (key) => ls.removeItem(key) };
  } catch {
    return undefined;
  }
}

/** The default adapter for a host (given or global `my`). */
export function defaultStorage(host?: unknown): StorageAdapter {
  const candidate = host ?? globalMy();
  if (hasMethods(candidate, 'getStorageSync', 'setStorageSync')) return myStorage(candidate as MyStorageHost);
  return localStorageAdapter() ?? memoryStorage();
}

export function isStorageAdapter(value: unknown): value is StorageAdapter {
  return hasMethods(value, 'get', 'set', 'remove');
}
