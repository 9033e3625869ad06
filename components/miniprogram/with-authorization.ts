/**
 * `withAuthorization(pageOptions)`: engagement for DSL pages, which have no DOM for the core to
 * watch. A page handler that receives a tap is the user engaging; so is a page opened on top of
 * another (an in-app navigation). Loading the first page is not, and `onShow` is left alone: it
 * repeats (closing the wallet's prompt fires it again), so it never asks for consent.
 */
import { readField } from '../../utils/checks';
import { pageStack } from './page-stack';
import { providedAuthorizer } from './provider';

/** The event types of a user's tap in AXML (`onTap`, `catchTap`, `onLongTap`). */
const TAP_TYPES = ['tap', 'longTap'];

function isTapEvent(value: unknown): boolean {
  return TAP_TYPES.indexOf(readField(value, 'type') as string) >= 0;
}

function markEngaged(): void {
  const authorizer = providedAuthorizer();
  if (authorizer) authorizer.markEngaged();
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;

function wrapHandler(name: string, handler: Handler): Handler {
  if (name === 'onLoad') {
    return function onLoad(this: unknown, ...args: unknown[]) {
      if (pageStack().length > 1) markEngaged();
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
  // A page without an onLoad or onTabItemTap of its own engages all the same when it is opened on
  // top of another, or from the tab bar.
  for (const key of ['onLoad', 'onTabItemTap']) {
    if (out[key] === undefined) out[key] = wrapHandler(key, () => undefined);
  }
  return out as T;
}
