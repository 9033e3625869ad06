/**
 * Never two wallet prompts (or consent sheets) at once. When the lock is free the task runs
 * synchronously, so a prompt asked for from a user's tap still opens inside that tap.
 */
export class PromptLock {
  private tail: Promise<void> | null = null;

  get busy(): boolean {
    return this.tail !== null;
  }

  /**
   * Runs `task` holding the lock, which is released when its promise settles, or earlier by the
   * task itself through `release` (a sheet closed without a wallet call frees the lock at once,
   * so a tap in the same task can open the wallet).
   */
  run<T>(task: (release: () => void) => Promise<T>): Promise<T> {
    if (this.tail) {
      return this.tail.then(() => this.run(task));
    }
    // Hold the lock before the task runs: a task that asks for the lock itself waits for its own
    // release instead of slipping in.
    let done!: () => void;
    const tail = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.tail = tail;
    const release = () => {
      if (this.tail === tail) this.tail = null;
      done();
    };
    let result: Promise<T>;
    try {
      result = task(release);
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    result.then(release, release);
    return result;
  }
}
