/**
 * `new AbortController()` where the runtime has one, else a minimal stand-in: DSL mini program
 * engines are not browsers and may lack it. The H5 and Node builds swap this module for
 * `abort-controller.web.ts` (the platform's own, nothing else): only the DSL build ships the stand-in.
 */
import { globalValue } from './globals';

type AbortListener = (event: { type: 'abort' }) => void;

/** The stand-in: `aborted`, `reason`, `onabort`, `add/removeEventListener('abort')`, `throwIfAborted()`. */
function miniController(): AbortController {
  const listeners = new Set<AbortListener>();
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    onabort: null as AbortListener | null,
    addEventListener: (type: string, listener: AbortListener) => void (type === 'abort' && typeof listener === 'function' && listeners.add(listener)),
    removeEventListener: (_type: string, listener: AbortListener) => void listeners.delete(listener),
    throwIfAborted() {
      if (signal.aborted) throw signal.reason;
    },
  };
  const abort = (reason?: unknown) => {
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason === undefined ? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }) : reason;
    const all = [signal.onabort, ...listeners];
    listeners.clear();
    for (const listener of all) {
      try {
        listener?.({ type: 'abort' });
      } catch {
        // One listener's failure does not stop the others, as with EventTarget.
      }
    }
  };
  return { signal, abort } as unknown as AbortController;
}

export function createAbortController(): AbortController {
  const Native = globalValue('AbortController') as typeof AbortController | undefined;
  return typeof Native === 'function' ? new Native() : miniController();
}
