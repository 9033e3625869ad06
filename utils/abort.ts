/**
 * The listener bookkeeping the kit does around every abort signal, written once; the controllers
 * come from `abort-controller` (the platform's, or a stand-in in DSL engines that lack one).
 */
export { createAbortController } from './abort-controller';

/** Calls `listener` once when `signal` aborts (at once if it has); returns what removes it. */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  if (signal && !signal.aborted) {
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }
  if (signal) listener();
  return () => undefined;
}

/** `promise`, or a rejection with `reason()` as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, reason: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => reject(reason()));
    promise.then(
      (value) => (off(), resolve(value)),
      (error) => (off(), reject(error)),
    );
  });
}
