/**
 * Answers seen before. A signed answer is refused when its signature was already accepted as the
 * answer to another request: a recorded answer replayed for a request sent in the same second (the
 * time check refuses it for any later request). RSA PKCS#1 v1.5 signatures are deterministic, so a
 * wallet answering two identical requests alike within one second sends the same bytes twice: that is
 * accepted (it answers the same question); the same answer for a different request is not trusted
 * (answer.ts: a refusal is still classified by its code, a success is refused).
 * An entry is kept while some request could still accept its `Response-Time`: until the earliest
 * request under way, and every later one, was sent after it; at most the skew window. So an answer
 * grown older than the window by the time it is recorded counts as seen: its time check may have
 * passed just before the window moved on, and another answer's sweep forgot its entry meanwhile.
 */
import { secondOf } from './time';

export interface ReplayGuard {
  /** Registers a request sent at `sentAt` until the returned function is called. */
  begin(sentAt: number): () => void;
  /**
   * Whether `signature` was accepted before as the answer to another request (`request`: a digest
   * of what was asked), or its `Response-Time` is now older than the window; records it with its
   * `Response-Time` when not.
   */
  seenBefore(signature: string, request: string, responseTime: number, now: number): boolean;
  /** Entries held (for tests and metrics). */
  readonly size: number;
}

export function createReplayGuard(windowMs: number): ReplayGuard {
  const seen = new Map<string, { request: string; time: number }>();
  const underWay = new Map<number, number>();
  let records = 0;

  function sweep(now: number): void {
    let cutoff = secondOf(now);
    for (const second of underWay.keys()) cutoff = Math.min(cutoff, second);
    cutoff = Math.max(cutoff, now - windowMs);
    for (const [signature, entry] of seen) if (entry.time < cutoff) seen.delete(signature);
  }

  return {
    begin(sentAt) {
      const second = secondOf(sentAt);
      underWay.set(second, (underWay.get(second) ?? 0) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const left = (underWay.get(second) ?? 1) - 1;
        if (left > 0) underWay.set(second, left);
        else underWay.delete(second);
      };
    },
    seenBefore(signature, request, responseTime, now) {
      if (now - responseTime > windowMs) return true;
      const entry = seen.get(signature);
      if (entry) return entry.request !== request;
      seen.set(signature, { request, time: responseTime });
      if (++records % 256 === 0) sweep(now);
      return false;
    },
    get size() {
      return seen.size;
    },
  };
}
