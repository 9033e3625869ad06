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
    let result: Promise<T>;
    try {
      result = task();
    } catch (error) {
      return Promise.reject(error);
    }
    const tail: Promise<void> = result.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      if (this.tail === tail) this.tail = null;
    });
    this.tail = tail;
    return result;
  }
}
