/** Render data: only what changed goes through `setData` (each call crosses to the render layer). */

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The keys of `next` whose values differ from `data`, or null when none do. */
function changes<D extends object>(data: D, next: D): Partial<D> | null {
  let out: Partial<D> | null = null;
  for (const key of Object.keys(next) as Array<keyof D>) {
    if (same(data[key], next[key])) continue;
    if (!out) out = {};
    out[key] = next[key];
  }
  return out;
}

/** Sends what changed of `next` to the render layer; returns it (null: nothing changed). */
export function update<D extends object>(component: { data: D; setData(data: Partial<D>): void }, next: D): Partial<D> | null {
  const diff = changes(component.data, next);
  if (diff) component.setData(diff);
  return diff;
}

/** The root's class for the text direction: Arabic and Kurdish read right to left. */
export function directionClass(direction: 'ltr' | 'rtl'): string {
  return direction === 'rtl' ? 'mak-rtl' : 'mak-ltr';
}
