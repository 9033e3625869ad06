/**
 * What every page shows besides the kit's own state: the language and the silent sign-in at
 * launch. Pages subscribe in onLoad and render again on every change.
 */
const listeners = new Set();

export const state = {
  lang: 'en',
  /** `pending`, `signed-in`, `failed` or `signed-out`; `error`: a failure's AuthError. */
  signin: { state: 'pending', error: null },
};

export function update(patch) {
  Object.assign(state, patch);
  for (const listener of Array.from(listeners)) listener();
}

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
