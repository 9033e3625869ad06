/** Listeners of application code: a throwing listener never breaks the kit or the other listeners. */
import { isFunction } from './checks';
import { globalValue } from './globals';

/** Reports an error from application code (a listener, a presenter) without throwing, as EventTarget does. */
export function reportError(error: unknown): void {
  const report = globalValue('reportError') as ((error: unknown) => void) | undefined;
  if (isFunction(report)) report(error);
  else if (typeof console !== 'undefined') console.error(error);
}

export interface Emitter<A extends unknown[]> {
  subscribe(listener: (...args: A) => void): () => void;
  readonly size_: number;
  emit(...args: A): void;
}

export function createEmitter<A extends unknown[]>(where: string): Emitter<A> {
  const listeners = new Set<(...args: A) => void>();
  return {
    subscribe(listener) {
      if (!isFunction(listener)) throw new TypeError(`${where}(listener)`);
      // A wrapper each time: the same function subscribed twice gets two subscriptions.
      const entry = (...args: A) => listener(...args);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    get size_() {
      return listeners.size;
    },
    emit(...args) {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (error) {
          reportError(error);
        }
      }
    },
  };
}
