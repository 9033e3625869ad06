/** Small input checks shared by the public functions: untrusted values read and tested safely. */

const MAX_TIMER_MS = 2_147_483_647;

/** Reads a property without letting a throwing getter or Proxy escape. */
export function readField(value: unknown, key: string): unknown {
  try {
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** True for an AbortSignal (or the kit's stand-in): what the kit uses of one. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/**
 * A duration option: `fallback` when absent, else a positive (or, with `allowZero`, non-negative)
 * number of milliseconds a timer can hold. `name` leads the TypeError's message.
 */
export function checkDuration(name: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 || (allowZero && value === 0)) || value > MAX_TIMER_MS) {
    throw new TypeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds up to ${MAX_TIMER_MS}.`);
  }
  return value;
}
