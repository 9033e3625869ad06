/**
 * The wallet calls of a flight and the consent flow around them: the prompt lock (never two
 * prompts at once, one lock for the page's authorizers over a host), the first-screen guard
 * (engagement), the consent presenter (the `<consent-prompt>` sheet), retries of silent calls, and
 * the consent record of every answer the wallet gives.
 */
import { abortable, createAbortController, onAbort } from '../abort';
import { backoffDelay, delay } from '../backoff';
import type { EngagementSensor } from '../engagement';
import { AuthError } from '../errors';
import { reportError } from '../emitter';
import { promptLockOf, type Hold } from '../prompt-lock';
import { hostObject, withHost, type HostCall } from '../host';
import { isDenial } from '../normalize';
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
  /** The consent record, and what other instances stored (a sign-out taken up aborts the flights). */
  state: Pick<SessionState, 'refresh' | 'reread' | 'consent' | 'record'>;
}

/**
 * Records the wallet's answer to a call in the consent record, also when the caller has left
 * meanwhile: a grant, and a refusal (a denial in authErrorScopes, or a cancel) as denied; another
 * per-scope error (e.g. "1002") is not sticky.
 */
function record(state: Pick<SessionState, 'record'>, flight: Flight, scopes: string[], answer: CodeResult | AuthError): void {
  if (answer instanceof AuthError) {
    const refused = answer.scopes.filter((s) => scopes.includes(s));
    if (answer.code === 'USER_CANCELLED') state.record(flight.epoch, refused.length > 0 ? refused : scopes, 'denied');
    return;
  }
  state.record(flight.epoch, answer.grantedScopes, 'granted');
  state.record(flight.epoch, Object.keys(answer.failedScopes).filter((s) => scopes.includes(s) && isDenial(answer.failedScopes[s] as string)), 'denied');
}

export function createWalletCalls({ opts, sensor, presenter, setStatus, isSilent, state }: WalletCallsDeps): WalletCalls {
  /** The flight stops waiting when aborted; the wallet call runs on (holding the lock) until it answers. */
  const untilAborted = <T>(flight: Flight, call: Promise<T>, scopes: readonly string[]) => abortable(call, flight.controller.signal, () => aborted(scopes));
  /** The lock shared by every authorizer of the page over the host in use. */
  const lock = () => promptLockOf(hostObject(opts.host));

  /**
   * Calls the wallet for a flight now (synchronously when a host is there). Its answer is recorded
   * before the lock (`hold`) is freed, so the next prompt's turn sees it; a TIMEOUT only expires
   * the lock: the kit cannot tell a page still open from a wallet that will never answer (the
   * contract: never a prompt while another is open).
   */
  function callWallet(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching', hold: Hold = () => undefined): Promise<CodeResult> {
    if (flight.controller.signal.aborted) return hold(), Promise.reject(aborted(scopes));
    setStatus(flight, kind);
    let late = false;
    // After its TIMEOUT, the wallet's late answer (its page is gone) frees the lock.
    const call = (host: HostCall) => callHost(host, scopes, opts.timeoutMs, () => late && hold()).then((r) => ({ ...r, obtainedAt: opts.now() }));
    // An explicit host is used as it is: only the global bridge is waited for.
    const result = withHost(opts.host, DEFAULT_BRIDGE_WAIT_MS, scopes, call);
    const answered = (answer: CodeResult | AuthError) => (record(state, flight, scopes, answer), hold((late = answer instanceof AuthError && answer.code === 'TIMEOUT')));
    result.then(answered, answered);
    return result;
  }

  /**
   * The prompt lock's turn for a wallet prompt or a sheet: now when the lock is free (or `tap` and
   * its holder timed out), else in turn; waiting longer than `timeoutMs` fails TIMEOUT. Inside the
   * `authorize()` call that decided it (the user's tap, or scopes granted before) it starts at
   * once. Anywhere else (a deferred request, a call that had to wait, a later call of a plan) what
   * is stored now is read first: a sign-out elsewhere aborts the request, and a scope the user
   * refused since it began (another authorizer or tab) fails DENIED instead of a prompt; a tap
   * re-asks only what was refused before it.
   */
  function turn(flight: Flight, scopes: string[], tap: boolean | undefined, start: (hold: Hold) => void, fail: (error: AuthError) => void): void {
    const task = (hold: Hold) => {
      if (flight.fresh) return start(hold);
      void state.reread().then(() => {
        const denied = scopes.filter((s) => state.consent(s) === 'denied' && !flight.refused?.includes(s));
        if (denied.length === 0) return start(hold);
        hold();
        fail(new AuthError('DENIED', { scopes: denied }));
      });
    };
    lock().run(task, tap, opts.timeoutMs, () => fail(new AuthError('TIMEOUT', { scopes })));
  }

  /** A wallet call in the prompt lock's turn, held until the wallet answers. */
  function promptCall(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching'): Promise<CodeResult> {
    return new Promise((resolve, reject) => turn(flight, scopes, flight.tap, (hold) => void callWallet(flight, scopes, kind, hold).then(resolve, reject), reject));
  }

  async function fetchCode(flight: Flight, scopes: string[]): Promise<CodeResult> {
    const silent = scopes.every(isSilent);
    for (let attempt = 0; ; attempt++) {
      try {
        // Scopes granted before wait for any prompt still open (the wallet may ask again), and
        // are fetched at once when it is free, as silent ones are.
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
          flow.follow(Promise.reject(new AuthError('USER_CANCELLED', { detail: 'not now', scopes, dismissed: true })));
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
    turn(flight, scopes, true, task, (error) => flow.settle() && flow.follow(Promise.reject(error)));
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
      // A tap that found the lock busy already counts as engagement.
      (gesture ? Promise.resolve() : sensor.whenEngaged(signal)).then(() => {
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
