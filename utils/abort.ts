/**
 * `new AbortController()` where the runtime has one, else a minimal stand-in: DSL mini program
 * engines are not browsers and may lack the web's AbortController. The stand-in has what the kit
 * and a submit hook use: `aborted`, `reason`, `onabort`, `addEventListener('abort')`,
 * `removeEventListener`, `throwIfAborted()`.
 */
import { globalAbortController } from './globals';

type AbortListener = (event: { type: 'abort' }) => void;

class MiniAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: AbortListener | null = null;
  private readonly listeners = new Set<AbortListener>();

  addEventListener(type: string, listener: AbortListener): void {
    if (type === 'abort' && typeof listener === 'function') this.listeners.add(listener);
  }

  removeEventListener(type: string, listener: AbortListener): void {
    if (type === 'abort') this.listeners.delete(listener);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** @internal */
  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const event = { type: 'abort' as const };
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of [this.onabort, ...listeners]) {
      try {
        listener?.(event);
      } catch {
        // One listener's failure does not stop the others, as with EventTarget.
      }
    }
  }
}

class MiniAbortController {
  readonly signal = new MiniAbortSignal();

  abort(reason?: unknown): void {
    this.signal.fire(reason === undefined ? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }) : reason);
  }
}

export function createAbortController(): AbortController {
  const Native = globalAbortController() as typeof AbortController | undefined;
  return typeof Native === 'function' ? new Native() : (new MiniAbortController() as unknown as AbortController);
}
