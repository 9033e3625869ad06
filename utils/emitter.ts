import { globalReportError } from './globals';

/** Reports an error from application code (a listener, a presenter) without throwing, as EventTarget does. */
export function reportError(error: unknown): void {
  const report = globalReportError() as ((e: unknown) => void) | undefined;
  if (typeof report === 'function') report(error);
  else if (typeof console !== 'undefined') console.error(error);
}

/** A small listener set: a throwing listener never breaks the kit or the other listeners. */
export class Emitter<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>();

  subscribe(listener: (...args: A) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe(listener) needs a function.');
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (...args: A) => listener(...args);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(...args: A): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args);
      } catch (error) {
        reportError(error);
      }
    }
  }
}
