/**
 * The prompts of one consent sheet, in order, for the H5 element and the DSL component alike: one
 * shown at a time, the others waiting; a request that goes away closes its sheet (or leaves the
 * queue); an answer closes the sheet before it reaches the authorizer, then the next one shows; a
 * sheet taken off the page says "Not now" for everything it held. The sheet itself only draws.
 */
import type { PendingConsent } from '../../utils';
import { onAbort } from '../../utils/abort';
import type { ConsentPromptCloseDetail } from '../shared/events';

type CloseReason = ConsentPromptCloseDetail['reason'];

/** What the queue needs of the sheet that draws it. */
export interface SheetView {
  /** The sheet can show a prompt now (it is on the page). */
  canShow(): boolean;
  /** Sets up what an open sheet listens to (before it opens); returns what undoes it. */
  watch?(): () => void;
  /** `pending` is the queue's current prompt now: draw it, tell the page. */
  opened(pending: PendingConsent): void;
  /** No prompt is current any more: draw the sheet closed. */
  hidden(): void;
  /** `pending`'s sheet closed for `reason` (after the answer reached the authorizer): tell the page. */
  closed(pending: PendingConsent, reason: CloseReason): void;
}

export interface PromptQueue {
  /** The prompt shown now. */
  readonly current: PendingConsent | null;
  /** Shows `pending` now, or after the one shown (an aborted or known one is ignored). */
  present(pending: PendingConsent): void;
  /** The user's answer to the prompt shown: "Continue" (still inside their tap) or "Not now". */
  answer(reason: 'continue' | 'dismiss'): void;
  /** The sheet left the page: "Not now" for everything it held. */
  clear(): void;
}

export function createPromptQueue(view: SheetView): PromptQueue {
  let current: PendingConsent | null = null;
  const waiting: PendingConsent[] = [];
  let stopWatching: (() => void) | null = null;
  /** While clearing, a prompt presented meanwhile is answered "Not now" too. */
  let clearing = false;

  function show(pending: PendingConsent): void {
    current = pending;
    let stopAbort = () => undefined as void;
    const unwatch = view.watch?.();
    stopWatching = () => {
      stopAbort();
      unwatch?.();
    };
    view.opened(pending);
    // Last: a request that is gone already closes the sheet it just opened, listeners and all.
    stopAbort = onAbort(pending.signal, () => close(pending, 'cancel'));
  }

  function detach(): void {
    current = null;
    stopWatching?.();
    stopWatching = null;
    view.hidden();
  }

  function finish(pending: PendingConsent, reason: CloseReason): void {
    view.closed(pending, reason);
    let next: PendingConsent | undefined;
    while ((next = waiting.shift()) && next.signal.aborted);
    if (next && !current && view.canShow()) show(next);
  }

  function close(pending: PendingConsent, reason: CloseReason): void {
    if (current !== pending) {
      const i = waiting.indexOf(pending);
      if (i >= 0) waiting.splice(i, 1);
      return;
    }
    detach();
    finish(pending, reason);
  }

  return {
    get current() {
      return current;
    },
    present(pending) {
      if (pending.signal.aborted || pending === current || waiting.indexOf(pending) >= 0) return;
      if (clearing || !view.canShow()) return pending.dismiss();
      if (current) waiting.push(pending);
      else show(pending);
    },
    answer(reason) {
      const pending = current;
      if (!pending) return;
      detach();
      try {
        // On "Continue" this is still the user's tap: the wallet's prompt opens now.
        if (reason === 'continue') pending.proceed();
        else pending.dismiss();
      } finally {
        finish(pending, reason);
      }
    },
    clear() {
      const held = (current ? [current] : []).concat(waiting.splice(0));
      if (current) detach();
      clearing = true;
      try {
        for (const pending of held) pending.dismiss();
      } finally {
        clearing = false;
      }
    },
  };
}
