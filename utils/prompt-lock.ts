/**
 * Never two wallet prompts (or consent sheets) at once, across every authorizer of the page over
 * one host. When the lock is free a task starts synchronously, so a prompt asked for from a user's
 * tap still opens inside that tap. A wallet call past its TIMEOUT still holds the lock (its page
 * may still be open) until the wallet answers or a tap takes over: a tap on the page shows that no
 * wallet page covers it.
 */
/**
 * Held by a task: called once the task is done, it frees the lock for the next one; called with
 * `true` (the wallet call timed out), a tap (a task run with `tap`) may take it over. A holder
 * that was taken over frees nothing.
 */
export type Hold = (expired?: boolean) => void;

export interface PromptLock {
  /** Whether a task would start now: the lock is free, or `tap` and its holder expired. */
  free(tap?: boolean): boolean | undefined;
  /**
   * Starts `task`, which holds the lock until it lets go: now when `free(tap)`, else in turn.
   * `timeout()` instead when it waited `waitMs`.
   */
  run(task: (hold: Hold) => void, tap: boolean | undefined, waitMs: number, timeout: () => void): void;
}

export function createPromptLock(): PromptLock {
  let holder: { expired?: boolean } | null = null;
  const queue = new Set<() => void>();
  const free = (tap?: boolean) => !holder || (tap && holder.expired);
  return {
    free,
    run(task, tap, waitMs, timeout) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const start = () => {
        clearTimeout(timer);
        queue.delete(start);
        const mine: { expired?: boolean } = {};
        holder = mine;
        task((expired) => {
          if (holder !== mine) return;
          if (expired) mine.expired = true;
          else (holder = null), queue.values().next().value?.();
        });
      };
      if (free(tap)) return start();
      queue.add(start);
      timer = setTimeout(() => (queue.delete(start), timeout()), waitMs);
    },
  };
}

/** Where every copy of the kit (ESM and CommonJS) finds the lock of a host: on the host itself. */
const SHARED = /* @__PURE__ */ Symbol.for('miniapp-auth-kit.lock');
/** Hosts that cannot carry one (frozen, or getters that throw): shared within this copy. */
const local = /* @__PURE__ */ new WeakMap<object, PromptLock>();
const NO_HOST = {};

/** The lock of every authorizer of the page over `host` (no host object yet: one for them all). */
export function promptLockOf(host: unknown): PromptLock {
  const owner = (host === Object(host) ? host : NO_HOST) as Record<symbol, PromptLock | undefined>;
  try {
    return owner[SHARED] || (Object.defineProperty(owner, SHARED, { value: createPromptLock() })[SHARED] as PromptLock);
  } catch {
    if (!local.has(owner)) local.set(owner, createPromptLock());
    return local.get(owner) as PromptLock;
  }
}
