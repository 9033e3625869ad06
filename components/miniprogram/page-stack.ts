/**
 * The DSL page stack (`getCurrentPages()`, a free variable of the engine), read without throwing,
 * and page identity that holds across engines: a component's `this.$page` may be a wrapper (a
 * Proxy) of the object the stack holds (MorJS's web runtime), so pages are told apart by what
 * they carry, not by object identity alone.
 */
import { readField } from '../../utils/checks';

declare const getCurrentPages: unknown;

/** The pages of the stack, the loading one included; empty when the engine does not tell. */
export function pageStack(): readonly unknown[] {
  try {
    const pages: unknown = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
    return Array.isArray(pages) ? pages : [];
  } catch {
    return [];
  }
}

/** The page on top of the stack, or undefined when the engine does not tell. */
export function topPage(): unknown {
  const pages = pageStack();
  return pages.length > 0 ? pages[pages.length - 1] : undefined;
}

/** What identifies a page instance: Alipay's `$viewId`, MorJS's `$id`; the first one both pages carry decides. */
const PAGE_IDS = ['$viewId', '$id'];

/**
 * The same page: the same object, or pages with the same id, or (when neither carries an id) the
 * same `route`. Two pages of one route on the stack without ids cannot be told apart.
 */
export function samePage(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a !== Object(a) || b !== Object(b)) return false;
  for (const key of PAGE_IDS) {
    const idA = readField(a, key);
    const idB = readField(b, key);
    if (idA != null && idB != null) return idA === idB;
  }
  const route = readField(a, 'route');
  return typeof route === 'string' && route !== '' && route === readField(b, 'route');
}
