/**
 * `withAuthorization(pageOptions)`: engagement for DSL pages, which have no DOM for the core to
 * watch. A page handler that receives a tap is the user engaging; so is a tab bar tap, the back
 * button and the other user actions of the page's `events` object, and a page opened on top of
 * another (an in-app navigation). Loading the first page is not, and `onShow` is left alone: it
 * repeats (closing the wallet's prompt fires it again), so it never asks for consent. A page's
 * `mixins` get the same treatment.
 */
import { readField } from '../../utils/checks';
import { pageStack } from './page-stack';
import { providedAuthorizer } from './provider';

/** The event types of a user's tap in AXML (`onTap`, `catchTap`, `onLongTap`). */
const TAP_TYPES = ['tap', 'longTap'];

/**
 * Page events that are the user's own action (a tap on the tab bar, the back button, the title or
 * the option menu), whether the page handles them at the top level or in its `events` object.
 */
const USER_ACTIONS = ['onTabItemTap', 'beforeTabItemTap', 'onSelectedTabItemTap', 'onBack', 'onTitleClick', 'onOptionMenuClick', 'onPopMenuClick'];

function isTapEvent(value: unknown): boolean {
  return TAP_TYPES.indexOf(readField(value, 'type') as string) >= 0;
}

function markEngaged(): void {
  const authorizer = providedAuthorizer();
  if (authorizer) authorizer.markEngaged();
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;

/** A handler of a user action: engaged before it runs, whatever its argument. */
function engaging(handler: Handler): Handler {
  return function handle(this: unknown, ...args: unknown[]) {
    markEngaged();
    return handler.apply(this, args);
  };
}

function wrapHandler(name: string, handler: Handler): Handler {
  if (name === 'onLoad') {
    return function onLoad(this: unknown, ...args: unknown[]) {
      if (pageStack().length > 1) markEngaged();
      return handler.apply(this, args);
    };
  }
  // Their argument is not a tap event (the tab item, nothing), but the user acted.
  if (USER_ACTIONS.indexOf(name) >= 0) return engaging(handler);
  return function handle(this: unknown, ...args: unknown[]) {
    if (isTapEvent(args[0])) markEngaged();
    return handler.apply(this, args);
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Any realm's Object.prototype (the app's options may come from another one), or none.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A page's `events` object: its handlers wrapped as the page's own. */
function wrapEvents(events: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(events)) {
    const handler = events[key];
    out[key] = typeof handler === 'function' ? wrapHandler(key, handler as Handler) : handler;
  }
  return out;
}

/** Page options or one of their mixins, copied: methods, `events` and nested `mixins` wrapped. */
function wrapOptions(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (key === 'events' && isPlainObject(value)) out[key] = wrapEvents(value);
    else if (key === 'mixins' && Array.isArray(value)) out[key] = value.map((mixin: unknown) => (isPlainObject(mixin) ? wrapOptions(mixin) : mixin));
    else out[key] = typeof value === 'function' && key !== 'onShow' ? wrapHandler(key, value as Handler) : value;
  }
  return out;
}

/**
 * Wraps the options of a `Page()`: returns a copy whose methods run as written, after marking the
 * provided authorizer engaged when the user engaged: a method that receives a tap event (`tap`,
 * `longTap`), a user action (`onTabItemTap`, `beforeTabItemTap`, `onBack`, `onTitleClick`,
 * `onOptionMenuClick`…, at the top level or in its `events` object), and `onLoad` of a page that
 * is not the first of the stack; the same for its `mixins`. `onShow` is left as it is. It adds
 * nothing that calls the wallet.
 * @throws TypeError when `pageOptions` is not an object
 */
export function withAuthorization<T extends object>(pageOptions: T): T {
  if (typeof pageOptions !== 'object' || pageOptions === null || Array.isArray(pageOptions)) {
    throw new TypeError('withAuthorization(pageOptions) needs the options object you pass to Page().');
  }
  const out = wrapOptions(pageOptions as Record<string, unknown>);
  // A page without an onLoad or onTabItemTap of its own engages all the same when it is opened on
  // top of another, or from the tab bar.
  for (const key of ['onLoad', 'onTabItemTap']) {
    if (out[key] === undefined) out[key] = wrapHandler(key, () => undefined);
  }
  return out as T;
}
