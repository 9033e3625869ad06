/**
 * The wallet calls of a flight and the consent flow around them: the prompt lock (never two
 * prompts at once, one lock for the page's authorizers over a host), the first-screen guard
 * (engagement), the consent presenter (the `<consent-prompt>` sheet), retries of silent calls, and
 * the consent record of every answer the wallet gives.
 */
import { abortable, createAbortController, onAbort } from '../abort';
import { backoffDelay, delay } from '../backoff';
import type { EngagementSensor } from '../engagement';
import { AuthError, scopeError } from '../errors';
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
  fetchCode_(flight: Flight, scopes: string[], attempt?: number): Promise<CodeResult>;
  /** A code behind the wallet's consent prompt: now, inside the tap, or once the user engaged. */
  consentCode_(flight: Flight, scopes: string[], gesture: boolean): Promise<CodeResult>;
}

/** The consent record, and what other instances stored (a sign-out taken up aborts the flights). */
type RecordState = Pick<SessionState, 'refresh_' | 'reread_' | 'consent_' | 'record_'>;

/**
 * Records the wallet's answer to a call in the consent record, also when the caller has left
 * meanwhile: a grant, and a refusal (a denial in authErrorScopes, or a cancel) as denied; another
 * per-scope error (e.g. "1002") is not sticky.
 */
function record(state: RecordState, flight: Flight, scopes: string[], answer: CodeResult | AuthError): void {
  const { epoch_ } = flight;
  if (answer instanceof AuthError) {
    const refused = answer.scopes.filter((s) => scopes.includes(s));
    if (answer.code === 'USER_CANCELLED') state.record_(epoch_, refused[0] ? refused : scopes, 'denied');
    return;
  }
  state.record_(epoch_, answer.grantedScopes, 'granted');
  state.record_(epoch_, Object.keys(answer.failedScopes).filter((s) => scopes.includes(s) && isDenial(answer.failedScopes[s] as string)), 'denied');
}

export function createWalletCalls(
  opts: ResolvedAuthorizerOptions,
  sensor: EngagementSensor,
  presenter: () => ConsentPresenter | null,
  setStatus: SetStatus,
  isSilent: (scope: string) => boolean,
  state: RecordState,
): WalletCalls {
  /** The flight stops waiting when aborted; the wallet call runs on (holding the lock) until it answers. */
  const untilAborted = (flight: Flight, call: Promise<CodeResult>, scopes: readonly string[]) => abortable(call, flight.controller_.signal, () => aborted(scopes));
  /** The lock shared by every authorizer of the page over the host in use. */
  const lock = () => promptLockOf(hostObject(opts.host));

  /**
   * Calls the wallet for a flight now (synchronously when a host is there). Its answer is recorded
   * before the lock (`hold`) is freed, so the next prompt's turn sees it; a TIMEOUT only expires
   * the lock: the kit cannot tell a page still open from a wallet that will never answer (the
   * contract: never a prompt while another is open).
   */
  function callWallet(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching', hold: Hold = () => undefined): Promise<CodeResult> {
    if (flight.controller_.signal.aborted) return hold(), Promise.reject(aborted(scopes));
    setStatus(flight, kind);
    let late = false;
    // After its TIMEOUT, the wallet's late answer (its page is gone) frees the lock.
    const call = (host: HostCall) => callHost(host, scopes, opts.timeoutMs, () => late && hold()).then((r): CodeResult => ({ ...r, obtainedAt_: opts.now() }));
    // An explicit host is used as it is: only the global bridge is waited for.
    const result = withHost(opts.host, DEFAULT_BRIDGE_WAIT_MS, scopes, call);
    const answered = (answer: CodeResult | AuthError) => (record(state, flight, scopes, answer), hold((late = answer instanceof AuthError && answer.code === 'TIMEOUT')));
    result.then(answered, answered);
    return result;
  }

  /**
   * The prompt lock's turn for a wallet prompt or a sheet: now when the lock is free (or `tap` and
   * its holder timed out), else in turn; waiting longer than `timeoutMs` fails TIMEOUT. Inside the
   * `authorize` call (its tap, or a fetch of scopes granted before) it starts at once: the request
   * was just decided on what is stored. Otherwise (a deferred prompt, a plan's later call, a call
   * that waited for the lock) what is stored now is read first: a sign-out elsewhere aborts the
   * request, and scopes the user refused since the request began (here, in another authorizer or
   * tab) fail DENIED instead of a prompt; a tap may ask again what was refused before it.
   */
  function turn(flight: Flight, scopes: string[], tap: boolean | undefined, start: (hold: Hold) => void, fail: (error: AuthError) => void): void {
    const task = (hold: Hold) => {
      if (flight.sync_) return start(hold);
      void state.reread_().then(() => {
        const denied = scopes.filter((s) => state.consent_(s) === 'denied' && !flight.reask_?.includes(s));
        if (!denied[0]) return start(hold);
        hold();
        fail(scopeError('DENIED', denied));
      });
    };
    lock().run(task, tap, opts.timeoutMs, () => fail(scopeError('TIMEOUT', scopes)));
  }

  /** A wallet call in the prompt lock's turn, held until the wallet answers. */
  const promptCall = (flight: Flight, scopes: string[], kind: 'prompting' | 'fetching') =>
    untilAborted(flight, new Promise((resolve, reject) => turn(flight, scopes, flight.tap_, (hold) => void callWallet(flight, scopes, kind, hold).then(resolve, reject), reject)), scopes);

  /**
   * Scopes granted before wait for any prompt still open (the wallet may ask again), and are
   * fetched at once when it is free, as silent ones are. A silent call that failed transiently is
   * tried again after a backoff (a recursion, not a loop around `await`: the DSL build's
   * async-to-promises transform makes a loop cost far more).
   */
  function fetchCode_(flight: Flight, scopes: string[], attempt = 0): Promise<CodeResult> {
    const silent = scopes.every(isSilent);
    return (silent ? untilAborted(flight, callWallet(flight, scopes, 'fetching'), scopes) : promptCall(flight, scopes, 'fetching')).catch((error: AuthError) => {
      if (!silent || !error.retryable || attempt >= opts.maxRetries) throw error;
      return delay(backoffDelay(attempt, opts.retryDelayMs), flight.controller_.signal, () => aborted(scopes)).then(() => fetchCode_(flight, scopes, attempt + 1));
    });
  }

  /**
   * A consent call that waits: for the user to engage (unless `gesture`), then for the prompt
   * lock's turn. Its prompt is handed to the consent presenter, else to the wallet at once: the
   * wallet's own prompt after engagement. The presenter (a sheet) holds the lock while it shows (it
   * may take the lock over from a wallet call past its TIMEOUT: only its "Continue", a tap, opens
   * the wallet); closing it without a wallet call frees the lock at once (a tap in the same task can
   * open the wallet); "Continue" hands the lock to the wallet prompt, which holds it until the
   * wallet answers. Settled once: by the wallet's answer, "Not now", a failed turn or an abort.
   */
  function consentCode_(flight: Flight, scopes: string[], gesture: boolean): Promise<CodeResult> {
    if (gesture && lock().free(flight.tap_)) return promptCall(flight, scopes, 'prompting');
    return new Promise((resolve, reject) => {
      const signal = flight.controller_.signal;
      let done = false;
      /** Closes the sheet shown, freeing the lock. */
      let close = () => undefined as void;
      let off = close;
      const settle = () => !done && ((done = true), off(), close(), true);
      const follow = (outcome: Promise<CodeResult>) => void outcome.then(resolve, reject);
      const fail = (error: unknown) => settle() && reject(error);
      off = onAbort(signal, () => fail(aborted(scopes)));
      setStatus(flight, 'waiting');
      // A tap that found the lock busy already counts as engagement.
      (gesture ? Promise.resolve() : sensor.whenEngaged_(signal)).then(() => {
        if (done) return;
        const show = presenter();
        const task = (hold: Hold) => {
          if (done) return hold();
          const sheet = createAbortController();
          close = () => (sheet.abort(), hold());
          const pending: PendingConsent = {
            scopes: Object.freeze([...scopes]),
            signal: sheet.signal,
            proceed() {
              // A sign-out elsewhere since the sheet opened aborts the request (and closes the sheet).
              state.refresh_();
              if (done) return;
              close = () => undefined;
              settle();
              sheet.abort();
              follow(untilAborted(flight, callWallet(flight, scopes, 'prompting', hold), scopes));
            },
            dismiss() {
              if (settle()) follow(Promise.reject(new AuthError('USER_CANCELLED', { scopes, dismissed: true })));
            },
          };
          if (!show) return pending.proceed();
          try {
            show(pending);
          } catch (error) {
            // A broken presenter counts as "Not now": the wallet never opens without a tap.
            reportError(error);
            pending.dismiss();
          }
        };
        turn(flight, scopes, !!show, task, fail);
      }, fail);
    });
  }

  return { fetchCode_, consentCode_ };
}
