/**
 * `withAuthorization(pageOptions)`: engagement for DSL pages, which have no DOM for the core to
 * watch. A page handler that receives a tap is the user engaging; so is a page opened on top of
 * another (an in-app navigation). Loading the first page is not, and `onShow` is left alone: it
 * repeats (closing the wallet's prompt fires it again), so it never asks for consent.
 */
import { readField } from '../../utils/checks';
import { providedAuthorizer } from './provider';

declare const getCurrentPages: unknown;

/** The event types of a user's tap in AXML (`onTap`, `catchTap`, `onLongTap`). */
const TAP_TYPES = ['tap', 'longTap'];

function isTapEvent(value: unknown): boolean {
  return TAP_TYPES.indexOf(readField(value, 'type') as string) >= 0;
}

/** How many pages the stack holds, the loading page included (0 when unknown). */
function stackDepth(): number {
  try {
    if (typeof getCurrentPages !== 'function') return 0;
    const pages: unknown = getCurrentPages();
    return Array.isArray(pages) ? pages.length : 0;
  } catch {
    return 0;
  }
}

function markEngaged(): void {
  const authorizer = providedAuthorizer();
  if (authorizer) authorizer.markEngaged();
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;

function wrapHandler(name: string, handler: Handler): Handler {
  if (name === 'onLoad') {
    return function onLoad(this: unknown, ...args: unknown[]) {
      if (stackDepth() > 1) markEngaged();
      return handler.apply(this, args);
    };
  }
  // A tap on the tab bar is the user's too (its argument is the tab item, not a tap event).
  const always = name === 'onTabItemTap';
  return function handle(this: unknown, ...args: unknown[]) {
    if (always || isTapEvent(args[0])) markEngaged();
    return handler.apply(this, args);
  };
}

/**
 * Wraps the options of a `Page()`: returns a copy whose methods run as written, after marking the
 * provided authorizer engaged when the user engaged: a method that receives a tap event (`tap`,
 * `longTap`), `onTabItemTap`, and `onLoad` of a page that is not the first of the stack. `onShow`
 * is left as it is. It adds nothing that calls the wallet.
 * @throws TypeError when `pageOptions` is not an object
 */
export function withAuthorization<T extends object>(pageOptions: T): T {
  if (typeof pageOptions !== 'object' || pageOptions === null || Array.isArray(pageOptions)) {
    throw new TypeError('withAuthorization(pageOptions) needs the options object you pass to Page().');
  }
  const source = pageOptions as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    out[key] = typeof value === 'function' && key !== 'onShow' ? wrapHandler(key, value as Handler) : value;
  }
  return out as T;
}
