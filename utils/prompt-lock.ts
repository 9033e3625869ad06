/**
 * Never two wallet prompts (or consent sheets) at once. When the lock is free the task runs
 * synchronously, so a prompt asked for from a user's tap still opens inside that tap.
 */
export class PromptLock {
  private tail: Promise<void> | null = null;

  get busy(): boolean {
    return this.tail !== null;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.tail) {
      return this.tail.then(() => this.run(task));
    }
    // Hold the lock before the task runs: a task that asks for the lock itself (a sheet that
    // falls back to the wallet prompt) then waits for its own release instead of slipping in.
    let release!: () => void;
    const tail: Promise<void> = new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => {
      if (this.tail === tail) this.tail = null;
    });
    this.tail = tail;
    let result: Promise<T>;
    try {
      result = task();
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    result.then(release, release);
    return result;
  }
}
