/** Waiting without blocking: polls with jitter, and retries of a busy store. */
import { StoreBusyError } from '../store/types';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A poll interval of 25–75 ms: instances polling one row do not fall into step. */
export const pollDelay = () => 25 + Math.random() * 50;

/** Runs `step` again while the store is busy, until `deadline` (epoch ms of this process). */
export async function whileBusy<T>(deadline: number, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof StoreBusyError) || Date.now() >= deadline) throw error;
      await sleep(pollDelay());
    }
  }
}
