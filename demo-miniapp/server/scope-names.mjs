/** Scope names as the servers accept them: 1 to 64 letters, digits or `_` (the kit's own rule). */
const SCOPE_RE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * An array of at most 32 scope names (empty allowed).
 * @param {unknown} value
 * @returns {value is string[]}
 */
export function isScopeList(value) {
  return Array.isArray(value) && value.length <= 32 && value.every((s) => typeof s === 'string' && SCOPE_RE.test(s));
}
