/**
 * Never two wallet prompts (or consent sheets) at once. When the lock is free the task runs
 * synchronously, so a prompt asked for from a user's tap still opens inside that tap.
 */
export interface PromptLock {
  readonly busy: boolean;
  /**
   * Runs `task` holding the lock, released when its promise settles, or earlier by the task
   * through `release` (a sheet closed without a wallet call frees the lock at once, so a tap in
   * the same task can open the wallet).
   */
  run<T>(task: (release: () => void) => Promise<T>): Promise<T>;
}

export function createPromptLock(): PromptLock {
  let tail: Promise<void> | null = null;
  const lock: PromptLock = {
    get busy() {
      return tail !== null;
    },
    run(task) {
      if (tail) return tail.then(() => lock.run(task));
      // Held before the task runs: a task that asks for the lock itself waits for its own release.
      let done!: () => void;
      const mine = new Promise<void>((resolve) => (done = resolve));
      tail = mine;
      const release = () => {
        if (tail === mine) tail = null;
        done();
      };
      try {
        const result = task(release);
        result.then(release, release);
        return result;
      } catch (error) {
        release();
        return Promise.reject(error);
      }
    },
  };
  return lock;
}
