/**
 * Never two wallet prompts (or consent sheets) at once, across every authorizer of the page over
 * one host. When the lock is free a task starts synchronously, so a prompt asked for from a user's
 * tap still opens inside that tap. A wallet call past its TIMEOUT still holds the lock (its page
 * may still be open) until the wallet answers or a tap takes over: a tap on the page shows that no
 * wallet page covers it.
 */
export interface Hold {
  /** Frees the lock for the next task (once; a holder that was taken over frees nothing). */
  release(): void;
  /** The wallet call timed out: a tap (a task run with `tap`) may take over. */
  expire(): void;
}

export interface PromptLock {
  /** Whether a task would start now: the lock is free, or `tap` and its holder expired. */
  free(tap: boolean): boolean;
  /**
   * Starts `task`, which holds the lock until it releases it: now when `free(tap)`, else in turn
   * (a `tap` task also once the holder expires). `timeout()` instead when it waited `waitMs`.
   */
  run(task: (hold: Hold) => void, tap: boolean, waitMs: number, timeout: () => void): void;
}

interface Waiter {
  tap: boolean;
  start(): void;
}

export function createPromptLock(): PromptLock {
  let holder: { expired: boolean } | null = null;
  const queue: Waiter[] = [];
  const free = (tap: boolean) => !holder || (tap && holder.expired);
  const next = () => {
    const waiter = queue.find((w) => free(w.tap));
    if (waiter) queue.splice(queue.indexOf(waiter), 1), waiter.start();
  };
  return {
    free,
    run(task, tap, waitMs, timeout) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const start = () => {
        clearTimeout(timer);
        const mine = { expired: false };
        holder = mine;
        const mark = (expired: boolean) => () => {
          if (holder !== mine) return;
          if (expired) mine.expired = true;
          else holder = null;
          next();
        };
        task({ release: mark(false), expire: mark(true) });
      };
      const waiter = { tap, start };
      if (free(tap)) return start();
      queue.push(waiter);
      timer = setTimeout(() => (queue.splice(queue.indexOf(waiter), 1), timeout()), waitMs);
    },
  };
}

/** Where every copy of the kit (ESM and CommonJS) finds the lock of a host: on the host itself. */
const SHARED = /* @__PURE__ */ Symbol.for('miniapp-auth-kit.prompt-lock.v1');
/** Hosts that cannot carry it (frozen): shared within this copy. */
const local = /* @__PURE__ */ new WeakMap<object, PromptLock>();
let hostless: PromptLock | undefined;

/** The lock of every authorizer of the page over `host` (null: no host object yet). */
export function promptLockOf(host: unknown): PromptLock {
  if (host !== Object(host)) return (hostless = hostless ?? createPromptLock());
  const owner = host as Record<symbol, PromptLock | undefined>;
  let lock = local.get(owner);
  try {
    lock = lock ?? owner[SHARED];
    if (!lock) Object.defineProperty(owner, SHARED, { value: (lock = createPromptLock()) });
  } catch {
    local.set(owner, (lock = lock ?? createPromptLock()));
  }
  return lock;
}
