/**
 * The wallet calls of a flight and the consent flow around them: the prompt lock (never two
 * prompts at once), the first-screen guard (engagement), the consent presenter (the
 * `<consent-prompt>` sheet), and retries of silent calls.
 */
import { abortable, createAbortController, onAbort } from '../abort';
import { backoffDelay, delay } from '../backoff';
import type { EngagementSensor } from '../engagement';
import { AuthError } from '../errors';
import { reportError } from '../emitter';
import type { PromptLock } from '../prompt-lock';
import { withHost, type HostCall } from '../host';
import { callHost, DEFAULT_BRIDGE_WAIT_MS } from '../request-auth-code';
import type { ConsentPresenter, PendingConsent } from '../types';
import { aborted, type CodeResult, type Flight, type SetStatus } from './flight';
import type { ResolvedAuthorizerOptions } from './options';

export interface WalletCalls {
  /** A code for scopes that need no new consent: silent ones (retried), or ones granted before. */
  fetchCode(flight: Flight, scopes: string[]): Promise<CodeResult>;
  /** A code behind the wallet's consent prompt: now, inside the tap, or once the user engaged. */
  consentCode(flight: Flight, scopes: string[], gesture: boolean): Promise<CodeResult>;
}

export interface WalletCallsDeps {
  opts: ResolvedAuthorizerOptions;
  lock: PromptLock;
  sensor: EngagementSensor;
  presenter: () => ConsentPresenter | null;
  setStatus: SetStatus;
  isSilent: (scope: string) => boolean;
  /** "Not now" answers: cancellations that are not a refusal in the wallet. */
  dismissals: WeakSet<AuthError>;
}

export function createWalletCalls({ opts, lock, sensor, presenter, setStatus, isSilent, dismissals }: WalletCallsDeps): WalletCalls {
  /** The flight stops waiting when aborted; the wallet call runs on (holding the lock) until it answers. */
  const untilAborted = <T>(flight: Flight, call: Promise<T>, scopes: readonly string[]) => abortable(call, flight.controller.signal, () => aborted(scopes));

  /**
   * Calls the wallet for a flight now (synchronously when a host is there). `answered` settles
   * when the wallet has answered (its page, if any, is gone), which may be after the call timed out.
   */
  function callWallet(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching'): { result: Promise<CodeResult>; answered: Promise<void> } {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    if (flight.controller.signal.aborted) {
      answer();
      return { result: Promise.reject(aborted(scopes)), answered };
    }
    setStatus(flight, kind);
    const call = (host: HostCall) => callHost(host, scopes, opts.timeoutMs, answer).then((r) => ({ ...r, obtainedAt: opts.now() }));
    // An explicit host is used as it is: only the global bridge is waited for.
    const result = withHost(opts.host, DEFAULT_BRIDGE_WAIT_MS, scopes, call);
    // Only a TIMEOUT leaves the wallet's page possibly open; every other outcome ends the call. The
    // kit cannot tell a page still open from a wallet that will never answer: it keeps the turn
    // until the wallet answers (the contract: never a prompt while another is open).
    result.then(answer, (error) => (error as AuthError).code !== 'TIMEOUT' && answer());
    return { result, answered };
  }

  /**
   * A wallet call under the prompt lock, held until the wallet has answered: a page still open
   * after TIMEOUT never gets a second one over it. Waiting for the lock is bounded by `timeoutMs`.
   */
  function promptCall(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching'): Promise<CodeResult> {
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const timer = lock.busy ? setTimeout(() => ((gaveUp = true), reject(new AuthError('TIMEOUT', { scopes, detail: 'another prompt is open' }))), opts.timeoutMs) : undefined;
      void lock.run(() => {
        clearTimeout(timer);
        if (gaveUp) return Promise.resolve();
        const call = callWallet(flight, scopes, kind);
        call.result.then(resolve, reject);
        return call.answered;
      });
    });
  }

  async function fetchCode(flight: Flight, scopes: string[]): Promise<CodeResult> {
    const silent = scopes.every(isSilent);
    for (let attempt = 0; ; attempt++) {
      try {
        // Scopes granted before wait for any prompt still open: the wallet may ask again.
        return await untilAborted(flight, silent ? callWallet(flight, scopes, 'fetching').result : promptCall(flight, scopes, 'fetching'), scopes);
      } catch (error) {
        if (!silent || !(error as AuthError).retryable || attempt >= opts.maxRetries) throw error;
        await delay(backoffDelay(attempt, opts.retryDelayMs), flight.controller.signal).catch(() => Promise.reject(aborted(scopes)));
      }
    }
  }

  /**
   * Shows `pending` through the presenter while holding the lock. Closing the sheet without a
   * wallet call frees the lock at once (a tap in the same task can open the wallet); "Continue"
   * hands the lock to the wallet prompt, which holds it until the wallet answers.
   */
  function present(show: ConsentPresenter, flight: Flight, scopes: string[], flow: ConsentFlow): Promise<void> {
    return lock.run(
      (releaseLock) =>
        new Promise<void>((release) => {
          if (flow.done) return release();
          const sheet = createAbortController();
          flow.closeSheet = () => (sheet.abort(), releaseLock(), release());
          const pending: PendingConsent = {
            scopes: Object.freeze([...scopes]),
            signal: sheet.signal,
            proceed() {
              if (flow.done) return;
              flow.closeSheet = null;
              flow.settle();
              sheet.abort();
              const call = callWallet(flight, scopes, 'prompting');
              void call.answered.then(() => release());
              flow.follow(untilAborted(flight, call.result, scopes));
            },
            dismiss() {
              if (!flow.settle()) return;
              const error = new AuthError('USER_CANCELLED', { detail: 'not now', scopes, dismissed: true });
              dismissals.add(error);
              flow.follow(Promise.reject(error));
            },
          };
          try {
            show(pending);
          } catch (error) {
            // A broken presenter counts as "Not now": the wallet never opens without a tap.
            reportError(error);
            pending.dismiss();
          }
        }),
    );
  }

  function consentCode(flight: Flight, scopes: string[], gesture: boolean): Promise<CodeResult> {
    if (gesture && !lock.busy) return untilAborted(flight, promptCall(flight, scopes, 'prompting'), scopes);
    return new Promise((resolve, reject) => {
      const signal = flight.controller.signal;
      let off = () => undefined as void;
      const flow: ConsentFlow = {
        done: false,
        closeSheet: null,
        settle() {
          if (flow.done) return false;
          flow.done = true;
          off();
          const close = flow.closeSheet;
          flow.closeSheet = null;
          close?.();
          return true;
        },
        follow: (outcome) => outcome.then(resolve, reject),
      };
      off = onAbort(signal, () => flow.settle() && reject(aborted(scopes)));
      setStatus(flight, 'waiting');
      // A tap that found the lock busy already counts as engagement.
      (gesture ? Promise.resolve() : sensor.whenEngaged(signal)).then(() => {
        if (flow.done) return;
        const show = presenter();
        if (show) void present(show, flight, scopes, flow);
        else if (flow.settle()) flow.follow(untilAborted(flight, promptCall(flight, scopes, 'prompting'), scopes));
      }, () => flow.settle() && reject(aborted(scopes)));
    });
  }

  return { fetchCode, consentCode };
}

/** One deferred consent request: settled once, by the sheet, the wallet or an abort. */
interface ConsentFlow {
  done: boolean;
  /** Closes the sheet when one is open. */
  closeSheet: (() => void) | null;
  /** Marks the flow settled (false when it already was) and closes the sheet. */
  settle(): boolean;
  follow(outcome: Promise<CodeResult>): void;
}
