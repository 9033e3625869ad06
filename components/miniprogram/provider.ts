/**
 * The authorizer of a DSL mini program: `provideAuthorizer(authorizer)` in `app.js`, read by the
 * components and by `withAuthorization`. The build keeps this module in the one chunk that the
 * entry and every component import, so the app and its components share it. An app whose tooling
 * loads the entry as CommonJS (`dist/miniprogram.cjs`, another copy of this module) reaches the
 * components all the same: the authorizer is also kept on the engine's own `my`.
 */
import type { Authorizer } from '../../utils';
import { readField } from '../../utils/checks';
import { createEmitter } from '../../utils/emitter';
import { globalMy } from '../../utils/globals';
import { isAuthorizerLike } from '../shared/authorizer-like';

/** Where every copy of this module finds the app's authorizer (one `my` per mini program). */
const SHARED = Symbol.for('miniapp-auth-kit.authorizer');

let provided: Authorizer | null = null;

function share(authorizer: Authorizer): void {
  try {
    Object.defineProperty(globalMy(), SHARED, { value: authorizer, configurable: true, enumerable: false, writable: false });
  } catch {
    // No `my`, or a frozen one: this copy still has it.
  }
}

// Pure: a page that only reads the authorizer (`withAuthorization`) bundles no emitter.
const provides = /* @__PURE__ */ createEmitter<[]>('onProvide');

/**
 * Gives the components their authorizer. Call it once, in `app.js`, before any page loads;
 * providing another one later moves every mounted component over to it.
 * @throws TypeError when `authorizer` is not one from `createAuthorizer()`
 */
export function provideAuthorizer(authorizer: Authorizer): void {
  if (!isAuthorizerLike(authorizer)) throw new TypeError('provideAuthorizer(authorizer) needs an authorizer from createAuthorizer().');
  if (authorizer === provided) return;
  provided = authorizer;
  share(authorizer);
  provides.emit();
}

/** The provided authorizer (also through another copy of this module), or null before `provideAuthorizer`. */
export function providedAuthorizer(): Authorizer | null {
  if (provided) return provided;
  const shared = readField(globalMy(), SHARED as unknown as string);
  return isAuthorizerLike(shared) ? shared : null;
}

/** Calls `listener` whenever another authorizer is provided. */
export function onProvide(listener: () => void): () => void {
  return provides.subscribe(listener);
}
