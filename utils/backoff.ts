/** Waiting between retries. */
import { onAbort } from './abort';

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), resolve()), ms);
    const off = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal?.reason);
    });
  });
}

/** Exponential backoff: base, 2·base, 4·base…, capped at 30 s. */
export function backoffDelay(attempt: number, baseMs: number): number {
  return Math.min(30_000, baseMs * 2 ** attempt);
}
