/** Waiting between retries. */
import { onAbort } from './abort';

/** Waits `ms`, or rejects when `signal` aborts first: with `reason()`, else the signal's reason. */
export function delay(ms: number, signal?: AbortSignal, reason?: () => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), resolve()), ms);
    const off = onAbort(signal, () => {
      clearTimeout(timer);
      reject(reason ? reason() : signal?.reason);
    });
  });
}

/** Exponential backoff: base, 2·base, 4·base…, capped at 30 s. */
export function backoffDelay(attempt: number, baseMs: number): number {
  return Math.min(30_000, baseMs * 2 ** attempt);
}
