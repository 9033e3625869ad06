/**
 * The input checks every public function shares: untrusted values read and tested safely, and one
 * table-driven reader for options objects. A refused value is a TypeError whose message is short
 * and structured, `where: name` (and the refused value when it helps find a typo); what the value
 * must be is in the docs and in `explain` (`miniapp-auth-kit/explain`).
 */

/** The longest delay a timer holds (setTimeout fires at once beyond it). */
export const MAX_TIMER_MS = 2_147_483_647;

/** An object (not null), to read fields of. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** An object that is not an array (a JSON object, keyed by name). */
export const isRecord = (value: unknown): value is Record<string, unknown> => isObject(value) && !Array.isArray(value);

export const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

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
  return value != null && names.every((name) => isFunction(readField(value, name)));
}

/** True for an AbortSignal (or the kit's stand-in): what the kit uses of one. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return hasMethods(value, 'addEventListener', 'removeEventListener') && isBoolean(readField(value, 'aborted'));
}

/** A refused value as a message names it: a string quoted and cut short, else only its type. */
export function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 20)) : typeof value;
}

/** A programmer error: `where: name`, then the refused value when given (already `quoted`). */
export function optionError(where: string, name: string, refused = ''): TypeError {
  return new TypeError(`${where}: ${name} ${refused}`.trim());
}

/** Milliseconds a timer can hold: positive (`allowZero`: or 0), at most `MAX_TIMER_MS`. */
export const isDuration = (value: unknown, allowZero?: boolean): value is number =>
  typeof value === 'number' && (allowZero ? value >= 0 : value > 0) && value <= MAX_TIMER_MS;

/** A delay that may be 0. */
export const isDelay = (value: unknown): value is number => isDuration(value, true);

/** What `readOptions` requires (with no default): an object of its own, no default can be it. */
export const REQUIRED: object = {};

/** One option: its check, and its value when absent (`REQUIRED`: it may not be). */
export type OptionRule = readonly [check: (value: unknown) => unknown, fallback?: unknown];

/**
 * Reads an options argument by its rules, in their order: each value the caller gave must pass its
 * check, an absent one (undefined) takes its default. A caller whose whole argument may be left out
 * gives it `= {}` as its default. A getter of the caller's that throws is the caller's own error, passed on as it is.
 * @throws TypeError `where: options` or `where: options.<key> <refused value>`
 */
export function readOptions<T>(where: string, options: unknown, rules: Record<string, OptionRule>): T {
  if (!isObject(options)) throw optionError(where, 'options');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rules)) {
    const [check, fallback] = rules[key] as OptionRule;
    const value = options[key];
    if (value === undefined ? fallback === REQUIRED : !check(value)) throw optionError(where, `options.${key}`, quoted(value));
    out[key] = value === undefined ? fallback : value;
  }
  return out as T;
}
