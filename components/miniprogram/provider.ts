/**
 * The authorizer of a DSL mini program: `provideAuthorizer(authorizer)` in `app.js`, read by the
 * components and by `withAuthorization`. The build keeps this module in the one chunk that the
 * entry and every component import, so the app and its components share it.
 */
import type { Authorizer } from '../../utils';
import { isAuthorizerLike } from '../shared/authorizer-like';

let provided: Authorizer | null = null;
const listeners = new Set<() => void>();

/**
 * Gives the components their authorizer. Call it once, in `app.js`, before any page loads;
 * providing another one later moves every mounted component over to it.
 * @throws TypeError when `authorizer` is not one from `createAuthorizer()`
 */
export function provideAuthorizer(authorizer: Authorizer): void {
  if (!isAuthorizerLike(authorizer)) throw new TypeError('provideAuthorizer(authorizer) needs an authorizer from createAuthorizer().');
  if (authorizer === provided) return;
  provided = authorizer;
  for (const listener of Array.from(listeners)) listener();
}

/** The provided authorizer, or null before `provideAuthorizer`. */
export function providedAuthorizer(): Authorizer | null {
  return provided;
}

/** Calls `listener` whenever another authorizer is provided. */
export function onProvide(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
