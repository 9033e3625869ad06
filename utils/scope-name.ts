/**
 * What a well-formed scope name is: a leaf module without imports, so that the server's request
 * checks share the rule without pulling the core's errors into a chunk of their own.
 */
const SCOPE_NAME = /^\w{1,64}$/;

/**
 * True for a well-formed scope name (letters, digits, `_`; 1–64). Names of `Object.prototype`
 * members (`__proto__`, `constructor`…) are refused: scopes become keys of the consent record.
 */
export function isScopeName(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_NAME.test(value) && !(value in Object.prototype);
}
