/** The input checks every public function shares: untrusted values read and tested safely. */

/** The longest delay a timer holds (setTimeout fires at once beyond it). */
export const MAX_TIMER_MS = 2_147_483_647;

/** An object (not null), to read fields of. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** An object that is not an array (a JSON object, keyed by name). */
export const isRecord = (value: unknown): value is Record<string, unknown> => isObject(value) && !Array.isArray(value);

/** Reads a property without letting a throwing getter or Proxy escape (undefined for primitives). */
export function readField(value: unknown, key: string): unknown {
  try {
    return value === Object(value) ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Duck typing, in one place: an object (or function) with these methods. */
export function hasMethods(value: unknown, ...names: string[]): boolean {
  return value != null && names.every((name) => typeof readField(value, name) === 'function');
}

/** True for an AbortSignal (or the kit's stand-in): what the kit uses of one. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return hasMethods(value, 'addEventListener', 'removeEventListener') && typeof readField(value, 'aborted') === 'boolean';
}

/** A programmer error: `where: name must be what`. */
export function optionError(where: string, name: string, what: string): TypeError {
  return new TypeError(`${where}: ${name} must be ${what}.`);
}

/** A refused value as a message names it: a string quoted and cut short, else only its type. */
export function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 20)) : typeof value;
}

/**
 * A duration option: `fallback` (undefined: none) when absent, else a positive (with `allowZero`,
 * non-negative) number of milliseconds a timer can hold.
 */
export function duration<F extends number | undefined>(where: string, name: string, value: unknown, fallback: F, allowZero?: boolean): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 || (allowZero && value === 0)) || value > MAX_TIMER_MS) {
    throw optionError(where, name, `${allowZero ? 0 : 1}..${MAX_TIMER_MS} ms`);
  }
  return value;
}

/** An options argument: an object, or nothing when `optional`. */
export function optionsObject(where: string, value: unknown, optional: boolean): Record<string, unknown> {
  if (value === undefined && optional) return {};
  if (!isObject(value)) throw optionError(where, 'options', 'an object');
  return value;
}
