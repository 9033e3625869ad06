/** Waiting without blocking: polls with jitter, and retries of a busy store. */
import { StoreBusyError } from '../store/types';
import { WalletError } from '../openapi/errors';

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

/**
 * Calls `fn` with a signal that aborts after `ms`, and ends the timer as soon as `fn` settles: the
 * lease of a claim holds even for a wallet client that ignores its `timeoutMs`, and a call cut off
 * fails as the timeout it is (retryable), whatever the client rejected with. (Cheaper than
 * `AbortSignal.timeout`, whose timer lives on after the call until it fires.)
 */
export async function withDeadline<T>(ms: number, api: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  (timer as { unref?: () => void }).unref?.();
  try {
    return await fn(controller.signal);
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof WalletError)) throw new WalletError({ kind: 'timeout', action: 'RETRY_LATER', api, detail: `no answer within ${ms} ms` });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
