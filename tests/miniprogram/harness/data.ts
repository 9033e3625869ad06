/** `setData` semantics: path keys (`'a.b'`, `'list[0]'`, `'a.list[1].c'`), copy on write. */

type Key = string | number;

function parsePath(path: string): Key[] {
  const keys: Key[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) keys.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  if (keys.length === 0) throw new Error(`setData: empty path "${path}"`);
  return keys;
}

function setAt(target: unknown, keys: Key[], value: unknown): unknown {
  if (keys.length === 0) return value;
  const [head, ...rest] = keys as [Key, ...Key[]];
  const base = (target === null || typeof target !== 'object' ? (typeof head === 'number' ? [] : {}) : target) as Record<Key, unknown>;
  const copy = (Array.isArray(base) ? base.slice() : { ...base }) as Record<Key, unknown>;
  copy[head] = setAt(base[head], rest, value);
  return copy;
}

/** A new data object with the patch applied; the previous one is left as it was (it is `prevData`). */
export function applyPatch(data: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  let next: unknown = data;
  for (const [path, value] of Object.entries(patch)) next = setAt(next, parsePath(path), value);
  return next as Record<string, unknown>;
}

export function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(a[k], b[k]));
}

/** A fresh copy of a definition's initial data (a function or an object). */
export function initialData(data: unknown): Record<string, unknown> {
  const value = typeof data === 'function' ? (data as () => unknown)() : data;
  return value && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : {};
}
