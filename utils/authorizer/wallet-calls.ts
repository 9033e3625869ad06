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
import { promptLockOf, type Hold } from '../prompt-lock';
import { hostObject, withHost, type HostCall } from '../host';
import { callHost, DEFAULT_BRIDGE_WAIT_MS } from '../request-auth-code';
import type { ConsentPresenter, PendingConsent } from '../types';
import { aborted, type CodeResult, type Flight, type SetStatus } from './flight';
import type { ResolvedAuthorizerOptions } from './options';
import type { SessionState } from './session-state';

export interface WalletCalls {
  /** A code for scopes that need no new consent: silent ones (retried), or ones granted before. */
  fetchCode(flight: Flight, scopes: string[]): Promise<CodeResult>;
  /** A code behind the wallet's consent prompt: now, inside the tap, or once the user engaged. */
  consentCode(flight: Flight, scopes: string[], gesture: boolean): Promise<CodeResult>;
}

export interface WalletCallsDeps {
  opts: ResolvedAuthorizerOptions;
  sensor: EngagementSensor;
  presenter: () => ConsentPresenter | null;
  setStatus: SetStatus;
  isSilent: (scope: string) => boolean;
  /** "Not now" answers: cancellations that are not a refusal in the wallet. */
  dismissals: WeakSet<AuthError>;
  /** What other instances stored, taken up (a sign-out elsewhere aborts the flights), and the consent record. */
  state: Pick<SessionState, 'refresh' | 'reread' | 'consent'>;
}

export function createWalletCalls({ opts, sensor, presenter, setStatus, isSilent, dismissals, state }: WalletCallsDeps): WalletCalls {
  /** The flight stops waiting when aborted; the wallet call runs on (holding the lock) until it answers. */
  const untilAborted = <T>(flight: Flight, call: Promise<T>, scopes: readonly string[]) => abortable(call, flight.controller.signal, () => aborted(scopes));
  /** The lock shared by every authorizer of the page over the host in use. */
  const lock = () => promptLockOf(hostObject(opts.host));
  const timedOut = (scopes: string[]) => new AuthError('TIMEOUT', { scopes, detail: 'a prompt is open' });

  /**
   * Calls the wallet for a flight now (synchronously when a host is there). With `hold`, the lock
   * is freed when the wallet answers; a TIMEOUT only expires it: the kit cannot tell a page still
   * open from a wallet that will never answer (the contract: never a prompt while another is open).
   */
  function callWallet(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching', hold: Hold = () => undefined): Promise<CodeResult> {
    if (flight.controller.signal.aborted) return hold(), Promise.reject(aborted(scopes));
    setStatus(flight, kind);
    const call = (host: HostCall) => callHost(host, scopes, opts.timeoutMs, () => hold()).then((r) => ({ ...r, obtainedAt: opts.now() }));
    // An explicit host is used as it is: only the global bridge is waited for.
    const result = withHost(opts.host, DEFAULT_BRIDGE_WAIT_MS, scopes, call);
    result.then(() => hold(), (error) => hold((error as AuthError).code === 'TIMEOUT'));
    return result;
  }

  /**
   * A wallet call under the prompt lock: now when it is free (or, in a tap, held by a call past its
   * TIMEOUT), else in turn; waiting longer than `timeoutMs` rejects TIMEOUT.
   */
  function promptCall(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching'): Promise<CodeResult> {
    return new Promise((resolve, reject) => {
      lock().run((hold) => callWallet(flight, scopes, kind, hold).then(resolve, reject), flight.tap, opts.timeoutMs, () => reject(timedOut(scopes)));
    });
  }

  async function fetchCode(flight: Flight, scopes: string[]): Promise<CodeResult> {
    const silent = scopes.every(isSilent);
    for (let attempt = 0; ; attempt++) {
      try {
        // Scopes granted before wait for any prompt still open: the wallet may ask again.
        return await untilAborted(flight, silent ? callWallet(flight, scopes, 'fetching') : promptCall(flight, scopes, 'fetching'), scopes);
      } catch (error) {
        if (!silent || !(error as AuthError).retryable || attempt >= opts.maxRetries) throw error;
        await delay(backoffDelay(attempt, opts.retryDelayMs), flight.controller.signal).catch(() => Promise.reject(aborted(scopes)));
      }
    }
  }

  /**
   * Shows `pending` through the presenter while holding the lock (a sheet may take it over from a
   * wallet call past its TIMEOUT: only its "Continue", a tap, opens the wallet). Closing the sheet
   * without a wallet call frees the lock at once (a tap in the same task can open the wallet);
   * "Continue" hands the lock to the wallet prompt, which holds it until the wallet answers.
   */
  function present(show: ConsentPresenter, flight: Flight, scopes: string[], flow: ConsentFlow): void {
    const task = (hold: Hold) => {
      if (flow.done) return hold();
      const sheet = createAbortController();
      flow.closeSheet = () => (sheet.abort(), hold());
      const pending: PendingConsent = {
        scopes: Object.freeze([...scopes]),
        signal: sheet.signal,
        proceed() {
          // A sign-out elsewhere since the sheet opened aborts the request (and closes the sheet).
          state.refresh();
          if (flow.done) return;
          flow.closeSheet = null;
          flow.settle();
          sheet.abort();
          flow.follow(untilAborted(flight, callWallet(flight, scopes, 'prompting', hold), scopes));
        },
        dismiss() {
          if (!flow.settle()) return;
          const error = new AuthError('USER_CANCELLED', { detail: 'not now', scopes });
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
    };
    lock().run(task, true, opts.timeoutMs, () => flow.settle() && flow.follow(Promise.reject(timedOut(scopes))));
  }

  function consentCode(flight: Flight, scopes: string[], gesture: boolean): Promise<CodeResult> {
    if (gesture && lock().free(flight.tap)) return untilAborted(flight, promptCall(flight, scopes, 'prompting'), scopes);
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
      const stop = () => flow.settle() && reject(aborted(scopes));
      off = onAbort(signal, stop);
      setStatus(flight, 'waiting');
      // A tap that found the lock busy already counts as engagement. Before the prompt or sheet
      // opens, what is stored now is taken up: a sign-out elsewhere aborts the request, and a
      // refusal given meanwhile (another authorizer or tab) is not asked again without a tap.
      (gesture ? Promise.resolve() : sensor.whenEngaged(signal)).then(state.reread).then(() => {
        const denied = gesture ? [] : scopes.filter((s) => state.consent(s) === 'denied');
        if (denied.length > 0 && flow.settle()) return flow.follow(Promise.reject(new AuthError('DENIED', { scopes: denied })));
        if (flow.done) return;
        const show = presenter();
        if (show) present(show, flight, scopes, flow);
        else if (flow.settle()) flow.follow(untilAborted(flight, promptCall(flight, scopes, 'prompting'), scopes));
      }, stop);
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
