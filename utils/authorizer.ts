/**
 * `createAuthorizer`: the authorization flow a miniapp runs once per user. It owns the session
 * cache, the consent record, the first-screen guard, single flight, retries and code hygiene;
 * the application owns only the `submit` hook (its backend call).
 */
import { createAbortController } from './abort';
import { backoffDelay, delay } from './backoff';
import { createEngagementSensor } from './engagement';
import { AuthError, mapPlatformCode } from './errors';
import { submitError } from './submit-errors';
import { isDenial } from './normalize';
import { findHost, waitForBridge } from './host';
import { PromptLock } from './prompt-lock';
import { callHost, DEFAULT_BRIDGE_WAIT_MS, DEFAULT_TIMEOUT_MS } from './request-auth-code';
import { isSilentScope as isSilentIn, normalizeScopes, planCalls } from './scopes';
import { StateStore, type StoredState } from './state-store';
import { pageTarget } from './globals';
import { defaultStorage } from './storage';
import { Emitter, reportError } from './emitter';
import { readAuthorizeOptions, readAuthorizerOptions, type ResolvedAuthorizerOptions } from './authorizer-options';
import type {
  AuthCodeResult,
  Authorizer,
  AuthorizerEvent,
  AuthorizerOptions,
  AuthorizerSnapshot,
  AuthorizerStatus,
  ConsentPresenter,
  ConsentState,
  PendingConsent,
  ScopeInput,
  Session,
} from './types';

export const DEFAULT_STORAGE_KEY = 'miniapp-auth-kit';
export const DEFAULT_CODE_MAX_AGE_MS = 5 * 60_000;

/** One request under way for a set of scopes, shared by every concurrent caller asking for them. */
interface Flight {
  readonly scopes: readonly string[];
  readonly generation: number;
  readonly controller: AbortController;
  status: AuthorizerStatus;
  /** The callers waiting for this flight; when the last one leaves, the flight is aborted. */
  readonly waiters: Set<Waiter>;
  /** The flight that took this one over (a tap absorbing a request still waiting for the user). */
  forward: Flight | null;
  promise: Promise<void>;
}

interface Waiter {
  current: Flight;
}

type CodeResult = AuthCodeResult & { obtainedAt: number };

const STATUS_RANK: Record<AuthorizerStatus, number> = { idle: 0, waiting: 1, fetching: 2, submitting: 3, prompting: 4 };

function copySession(session: Session): Session {
  const copy: Session = { scopes: [...session.scopes], data: session.data };
  if (session.expiresAt !== undefined) copy.expiresAt = session.expiresAt;
  return copy;
}

function abortedError(scopes: readonly string[]): AuthError {
  return new AuthError('ABORTED', { scopes });
}

/** Reads an expiry from the backend's answer: epoch ms or an ISO date in `expiresAt`. */
function expiryOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const raw = (data as { expiresAt?: unknown }).expiresAt;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string') {
    const parsed = Date.parse(raw);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** True when a string or key anywhere in a JSON value contains the code (escaping hides it in the text). */
function mentionsCode(value: unknown, code: string): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes(code)) return true;
    } else if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        if (key.includes(code)) return true;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const opts: ResolvedAuthorizerOptions = readAuthorizerOptions(options);
  const { submit, now, catalogue } = opts;
  const isSilentScope = (scope: string): boolean => isSilentIn(scope, catalogue);
  const events = new Emitter<[AuthorizerEvent, AuthorizerSnapshot]>();
  const lock = new PromptLock();
  const flights = new Set<Flight>();
  let presenter: ConsentPresenter | null = null;
  /** "Not now" answers: cancellations that are not a refusal in the wallet. */
  const dismissals = new WeakSet<AuthError>();

  const sensor = createEngagementSensor(opts.engagementTarget, () => emit({ type: 'engaged' }));
  const storage = opts.storage ?? defaultStorage(opts.host);
  const opened = StateStore.open(storage, opts.storageKey, takeUp);
  const store = opened.store;
  let loaded = opened.ready === null;
  const readyPromise: Promise<void> = opened.ready
    ? opened.ready.then(() => {
        loaded = true;
        emit({ type: 'ready' });
      })
    : Promise.resolve();
  // Other pages and tabs announce their writes to localStorage.
  if (!opts.storage) {
    pageTarget()?.addEventListener('storage', (event) => {
      const key = (event as { key?: unknown }).key;
      if (key === opts.storageKey || key === null) store.refresh();
    });
  }

  /** What another instance stored, taken up: its sign-out ends this instance's requests too. */
  function takeUp(previous: StoredState, next: StoredState, signedOut: boolean): void {
    if (signedOut) {
      for (const f of flights) f.controller.abort();
      emit({ type: 'session', session: null });
      emit({ type: 'signed-out' });
      return;
    }
    if (JSON.stringify(previous.session) !== JSON.stringify(next.session)) emit({ type: 'session', session: next.session ? copySession(next.session) : null });
    const scopes = new Set([...Object.keys(previous.consent), ...Object.keys(next.consent)]);
    for (const scope of scopes) {
      if (previous.consent[scope] !== next.consent[scope]) emit({ type: 'consent', scope, state: next.consent[scope] ?? 'unknown' });
    }
  }

  // ------------------------------------------------------------------------------------------
  // State and events

  function status(): AuthorizerStatus {
    let best: AuthorizerStatus = 'idle';
    for (const f of flights) if (STATUS_RANK[f.status] > STATUS_RANK[best]) best = f.status;
    return best;
  }

  function snapshot(): AuthorizerSnapshot {
    const session = currentSession();
    return {
      status: status(),
      engaged: sensor.engaged,
      session: session ? copySession(session) : null,
      consent: { ...store.state.consent },
      pendingScopes: [...new Set([...flights].flatMap((f) => f.scopes))],
    };
  }

  function emit(event: AuthorizerEvent): void {
    // The snapshot is built only for listeners: the tap-to-wallet path stays short without them.
    if (events.size > 0) events.emit(event, snapshot());
  }

  function setStatus(flight: Flight, next: AuthorizerStatus): void {
    if (flight.status === next) return;
    flight.status = next;
    emit({ type: 'status', status: status(), scopes: [...flight.scopes] });
  }

  function live(session: Session | null): Session | null {
    return session && (session.expiresAt === undefined || session.expiresAt > now()) ? session : null;
  }

  function currentSession(): Session | null {
    return live(store.state.session);
  }

  function covers(session: Session | null, scopes: readonly string[]): boolean {
    return !!session && scopes.every((s) => session.scopes.includes(s));
  }

  function recordConsent(scopes: readonly string[], value: 'granted' | 'denied', flight: Flight): void {
    // Silent scopes are recorded as granted, never as denied: no prompt ever asks for them.
    const changed = scopes.filter((s) => (value === 'granted' || !isSilentScope(s)) && store.state.consent[s] !== value);
    if (changed.length === 0) return;
    const merged = store.update(flight.generation, (state) => {
      const consent = { ...state.consent };
      for (const s of changed) consent[s] = value;
      return { ...state, consent };
    });
    if (merged) for (const s of changed) emit({ type: 'consent', scope: s, state: value });
  }

  function needsConsent(scopes: readonly string[]): boolean {
    return scopes.some((s) => !isSilentScope(s) && store.state.consent[s] !== 'granted');
  }

  // ------------------------------------------------------------------------------------------
  // Wallet calls

  /**
   * The flight stops waiting when it is aborted; the wallet call itself runs on (and keeps the
   * prompt lock) until the wallet answers, so no second prompt can open over it.
   */
  function untilAborted<T>(flight: Flight, call: Promise<T>, scopes: readonly string[]): Promise<T> {
    const signal = flight.controller.signal;
    if (signal.aborted) return Promise.reject(abortedError(scopes));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortedError(scopes));
      signal.addEventListener('abort', onAbort, { once: true });
      call.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /**
   * Calls the wallet now: synchronously when a host is there. `answered` settles when the wallet
   * has answered (its page, if any, is gone), which may be after the call timed out.
   */
  function hostCall(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching'): { result: Promise<CodeResult>; answered: Promise<void> } {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    if (flight.controller.signal.aborted) {
      answer();
      return { result: Promise.reject(abortedError(scopes)), answered };
    }
    setStatus(flight, kind);
    const call = (host: NonNullable<ReturnType<typeof findHost>>) =>
      callHost(host, scopes, opts.timeoutMs, answer).then((r): CodeResult => ({ ...r, obtainedAt: now() }));
    const resolved = findHost(opts.host);
    const result = resolved
      ? call(resolved)
      : waitForBridge(opts.host === undefined ? DEFAULT_BRIDGE_WAIT_MS : 0).then((late) => {
          if (!late) throw new AuthError('NOT_IN_MINIAPP', { scopes });
          return call(late);
        });
    // Only a TIMEOUT leaves the wallet's page possibly open; every other outcome ends the call.
    result.then(answer, (error) => {
      if (!(error instanceof AuthError && error.code === 'TIMEOUT')) answer();
    });
    return { result, answered };
  }

  /**
   * A wallet call under the prompt lock. The lock is held until the wallet has answered: a page
   * still open after TIMEOUT never gets a second one over it. Waiting for the lock is bounded by
   * `timeoutMs`.
   */
  function promptCall(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching' = 'prompting'): Promise<CodeResult> {
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const timer = lock.busy
        ? setTimeout(() => {
            gaveUp = true;
            reject(new AuthError('TIMEOUT', { scopes, message: 'Another wallet prompt is still open.' }));
          }, opts.timeoutMs)
        : undefined;
      void lock.run(() => {
        clearTimeout(timer);
        if (gaveUp) return Promise.resolve();
        const call = hostCall(flight, scopes, kind);
        call.result.then(resolve, reject);
        return call.answered;
      });
    });
  }

  /**
   * A call without a prompt: silent scopes, retried with backoff on transient errors, or consent
   * scopes the user granted before, which wait for any prompt still open (the wallet may ask again).
   */
  async function silentCall(flight: Flight, scopes: string[]): Promise<AuthCodeResult & { obtainedAt: number }> {
    const retry = scopes.every(isSilentScope);
    for (let attempt = 0; ; attempt++) {
      try {
        const call = retry ? hostCall(flight, scopes, 'fetching').result : promptCall(flight, scopes, 'fetching');
        return await untilAborted(flight, call, scopes);
      } catch (error) {
        const transient = error instanceof AuthError && error.retryable;
        if (!retry || !transient || attempt >= opts.maxRetries) throw error;
        await delay(backoffDelay(attempt, opts.retryDelayMs), flight.controller.signal).catch(() => {
          throw abortedError(scopes);
        });
      }
    }
  }

  /**
   * A consent call. With a gesture the wallet prompt opens now, inside the tap. Otherwise (or when
   * another prompt holds the lock) it waits for engagement, then goes through the consent
   * presenter (the `<consent-prompt>` sheet) when there is one.
   */
  function consentCall(flight: Flight, scopes: string[], gesture: boolean): Promise<AuthCodeResult & { obtainedAt: number }> {
    if (gesture && !lock.busy) return untilAborted(flight, promptCall(flight, scopes), scopes);
    return new Promise((resolve, reject) => {
      let done = false;
      let closeSheet: (() => void) | null = null;
      const signal = flight.controller.signal;
      const settle = (): boolean => {
        if (done) return false;
        done = true;
        signal.removeEventListener('abort', onAbort);
        const close = closeSheet;
        closeSheet = null;
        close?.();
        return true;
      };
      const open = () => {
        if (settle()) untilAborted(flight, promptCall(flight, scopes), scopes).then(resolve, reject);
      };
      const onAbort = () => {
        if (settle()) reject(abortedError(scopes));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      setStatus(flight, 'waiting');

      const present = (show: ConsentPresenter) =>
        lock.run(
          (releaseLock) =>
            new Promise<void>((release) => {
              if (done) return release();
              const sheet = createAbortController();
              // Closing the sheet without a wallet call frees the lock at once: a tap in the
              // same task can open the wallet.
              closeSheet = () => {
                sheet.abort();
                releaseLock();
                release();
              };
              const pending: PendingConsent = {
                scopes: Object.freeze([...scopes]),
                signal: sheet.signal,
                proceed() {
                  if (done) return;
                  // The wallet prompt takes over the lock: it opens inside the user's tap and
                  // holds the lock until the wallet answers.
                  closeSheet = null;
                  settle();
                  sheet.abort();
                  const call = hostCall(flight, scopes, 'prompting');
                  void call.answered.then(() => release());
                  untilAborted(flight, call.result, scopes).then(resolve, reject);
                },
                dismiss() {
                  if (!settle()) return;
                  const error = new AuthError('USER_CANCELLED', { message: 'The user chose "Not now".', scopes });
                  dismissals.add(error);
                  reject(error);
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

      // A tap that found the lock busy already counts as engagement.
      (gesture ? Promise.resolve() : sensor.whenEngaged(signal)).then(
        () => {
          if (done) return;
          if (presenter) void present(presenter);
          else open();
        },
        () => onAbort(),
      );
    });
  }

  // ------------------------------------------------------------------------------------------
  // Submission

  async function submitOnce(
    flight: Flight,
    scopes: string[],
    result: { authCode: string; obtainedAt: number },
    attempt: number,
  ): Promise<unknown> {
    const signal = flight.controller.signal;
    if (signal.aborted) throw abortedError(scopes);
    // A code past its age is never submitted: treat it as refused (one fresh code follows).
    if (now() - result.obtainedAt > opts.codeMaxAgeMs) throw new AuthError('CODE_REJECTED', { scopes, message: 'The auth code is too old to submit.' });
    setStatus(flight, 'submitting');
    let data: unknown;
    try {
      data = await submit(result.authCode, { scopes: [...scopes], attempt, signal });
    } catch (error) {
      if (signal.aborted) throw abortedError(scopes);
      throw submitError(error, scopes, result.authCode);
    }
    if (signal.aborted) throw abortedError(scopes);
    // The session is stored as JSON: what cannot be stored, or would carry the code into storage,
    // is refused before anything is kept.
    let text: string | undefined;
    try {
      text = JSON.stringify(data);
    } catch {
      throw new AuthError('BACKEND_ERROR', { scopes, retryable: false, message: 'The backend answer cannot be stored (not serialisable).' });
    }
    const stored: unknown = data === undefined ? null : JSON.parse(text as string);
    if (mentionsCode(stored, result.authCode)) {
      throw new AuthError('BACKEND_ERROR', { scopes, retryable: false, message: 'The backend answer echoed the auth code; it was not stored.' });
    }
    return stored;
  }

  /** Submits a code; after a refused (or stale) code, gets one fresh code and submits that once. */
  async function exchange(
    flight: Flight,
    scopes: string[],
    first: AuthCodeResult & { obtainedAt: number },
  ): Promise<{ data: unknown; scopes: string[] }> {
    try {
      return { data: await submitOnce(flight, scopes, first, 1), scopes };
    } catch (error) {
      if (!(error instanceof AuthError) || error.code !== 'CODE_REJECTED') throw error;
    }
    // The user granted these scopes a moment ago, so the wallet answers without a prompt; consent
    // scopes still go through the prompt lock in case it asks again.
    const fresh = scopes.every(isSilentScope)
      ? await silentCall(flight, scopes)
      : await untilAborted(flight, promptCall(flight, scopes, 'fetching'), scopes);
    const freshScopes = scopes.filter((s) => fresh.grantedScopes.includes(s));
    if (freshScopes.length === 0) throw new AuthError('CODE_REJECTED', { scopes });
    try {
      return { data: await submitOnce(flight, freshScopes, fresh, 2), scopes: freshScopes };
    } catch (error) {
      if (error instanceof AuthError && error.code === 'CODE_REJECTED') {
        throw new AuthError('CODE_REJECTED', { scopes, platformCode: error.platformCode });
      }
      throw error;
    }
  }

  function storeSession(flight: Flight, scopes: readonly string[], data: unknown): void {
    const expiresAt = expiryOf(data) ?? (opts.sessionTtlMs !== undefined ? now() + opts.sessionTtlMs : undefined);
    // The new session covers what the stored one (this instance's or another's) still covers.
    const merged = store.update(flight.generation, (state) => {
      const previous = live(state.session);
      const session: Session = { scopes: [...new Set([...(previous?.scopes ?? []), ...scopes])], data };
      if (expiresAt !== undefined) session.expiresAt = expiresAt;
      return { ...state, session };
    });
    const session = store.state.session;
    if (merged && session) emit({ type: 'session', session: copySession(session) });
  }

  // ------------------------------------------------------------------------------------------
  // Flights

  async function runFlight(flight: Flight, gesture: boolean): Promise<void> {
    let entitled = gesture;
    for (const call of planCalls(flight.scopes, catalogue)) {
      const scopes = call.filter((s) => !covers(currentSession(), [s]));
      if (scopes.length === 0) continue;
      if (flight.controller.signal.aborted) throw abortedError(flight.scopes);
      const consent = needsConsent(scopes);
      let result: AuthCodeResult & { obtainedAt: number };
      try {
        result = consent ? await consentCall(flight, scopes, entitled) : await silentCall(flight, scopes);
      } catch (error) {
        // A refusal in the wallet is recorded; "Not now" on the sheet leaves the record as it was.
        if (error instanceof AuthError && error.code === 'USER_CANCELLED' && !dismissals.has(error)) {
          const refused = error.scopes.filter((s) => scopes.includes(s));
          recordConsent(refused.length > 0 ? refused : scopes, 'denied', flight);
        }
        throw error;
      }
      // Later calls of the plan follow without a new gesture.
      if (consent) entitled = true;
      recordConsent(result.grantedScopes, 'granted', flight);
      const failed = Object.keys(result.failedScopes).filter((s) => scopes.includes(s));
      // Only a refusal is recorded as denied; another per-scope error (e.g. "1002") is not sticky.
      const denied = failed.filter((s) => isDenial(result.failedScopes[s] as string));
      recordConsent(denied, 'denied', flight);
      const granted = scopes.filter((s) => result.grantedScopes.includes(s));
      let lost: string[] = [];
      if (granted.length > 0) {
        const exchanged = await exchange(flight, granted, result);
        storeSession(flight, exchanged.scopes, exchanged.data);
        // The fresh code after a refused one may cover fewer scopes (the wallet asked again and
        // the user refused some): the request fails for those, without asking once more.
        lost = granted.filter((s) => !exchanged.scopes.includes(s));
      }
      if (denied.length > 0) {
        throw new AuthError('USER_CANCELLED', { scopes: denied, platformCode: result.failedScopes[denied[0] as string] || undefined });
      }
      if (failed.length > 0) {
        const raw = result.failedScopes[failed[0] as string] as string;
        throw new AuthError(mapPlatformCode(raw), { scopes: failed, platformCode: raw || undefined });
      }
      if (lost.length > 0) throw new AuthError('USER_CANCELLED', { scopes: lost });
    }
  }

  /** A new flight, registered but not started (so callers can be moved onto it first). */
  function createFlight(scopes: string[]): Flight {
    const flight: Flight = {
      scopes,
      generation: store.state.epoch,
      controller: createAbortController(),
      status: 'idle',
      waiters: new Set(),
      forward: null,
      promise: Promise.resolve(),
    };
    flights.add(flight);
    return flight;
  }

  function launch(flight: Flight, gesture: boolean): Flight {
    flight.promise = runFlight(flight, gesture).finally(() => {
      flights.delete(flight);
      flight.controller.abort();
      emit({ type: 'status', status: status(), scopes: [...flight.scopes] });
    });
    // Errors reach callers through waitFor; never leave an unhandled rejection behind.
    flight.promise.catch(() => undefined);
    return flight;
  }

  /**
   * One caller waiting for a flight (following it when a tap takes it over); when every caller
   * has left, the flight is aborted.
   */
  function waitFor(flight: Flight, signal: AbortSignal | undefined): Promise<void> {
    const waiter: Waiter = { current: flight };
    flight.waiters.add(waiter);
    return new Promise<void>((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        const f = waiter.current;
        f.waiters.delete(waiter);
        if (f.waiters.size === 0 && flights.has(f)) f.controller.abort();
      };
      const onAbort = () => {
        leave();
        reject(abortedError(flight.scopes));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const follow = (target: Flight): Promise<void> =>
        target.promise.then(
          (): Promise<void> | void => {
            if (waiter.current !== target) return follow(waiter.current);
            leave();
            resolve();
          },
          (error): Promise<void> | void => {
            if (waiter.current !== target) return follow(waiter.current);
            leave();
            reject(error);
          },
        );
      void follow(flight);
    });
  }

  /** A tap takes over a request still waiting for the user: its callers now wait for `into`. */
  function absorb(waiting: Flight, into: Flight): void {
    waiting.forward = into;
    for (const w of waiting.waiters) {
      w.current = into;
      into.waiters.add(w);
    }
    waiting.waiters.clear();
    waiting.controller.abort();
  }

  /** The error as this caller sees it: only its own scopes. */
  function narrow(error: unknown, scopes: readonly string[]): unknown {
    if (!(error instanceof AuthError) || error.scopes.every((s) => scopes.includes(s))) return error;
    const own = error.scopes.filter((s) => scopes.includes(s));
    const session = currentSession();
    const init: ConstructorParameters<typeof AuthError>[1] = {
      message: error.message,
      retryable: error.retryable,
      scopes: own.length > 0 ? own : scopes.filter((s) => !session?.scopes.includes(s)),
    };
    if (error.platformCode !== undefined) init.platformCode = error.platformCode;
    if (error.status !== undefined) init.status = error.status;
    const narrowed = new AuthError(error.code, init);
    if (dismissals.has(error)) dismissals.add(narrowed);
    return narrowed;
  }

  function authorizeNow(scopes: string[], gesture: boolean, defer: boolean, signal: AbortSignal | undefined, retryOwn = true): Promise<Session> {
    // Decide on what every instance over this storage knows now.
    store.refresh();
    const cached = currentSession();
    if (covers(cached, scopes)) return Promise.resolve(copySession(cached as Session));
    const needed = scopes.filter((s) => !cached?.scopes.includes(s));

    const denied = needed.filter((s) => store.state.consent[s] === 'denied');
    if (denied.length > 0 && !gesture) return Promise.reject(new AuthError('DENIED', { scopes: denied }));
    const prompts = needsConsent(needed);
    if (!gesture && !defer && !sensor.engaged && prompts) {
      return Promise.reject(new AuthError('FIRST_SCREEN', { scopes: needed.filter((s) => !isSilentScope(s)) }));
    }

    // Share the flights already fetching these scopes and fetch only the rest, with two
    // exceptions: a tap takes over requests still waiting for the user (one prompt, opened in the
    // tap), and a request that needs no prompt never waits behind one that waits for the user.
    const live = [...flights].filter((f) => f.generation === store.state.epoch && !f.controller.signal.aborted);
    const overlapping = live.filter((f) => f.scopes.some((s) => needed.includes(s)));
    const waiting = overlapping.filter((f) => f.status === 'waiting');
    const joined = overlapping.filter((f) => f.status !== 'waiting' || (!gesture && prompts));
    const rest = needed.filter((s) => !joined.some((f) => f.scopes.includes(s)));
    const absorbed = gesture ? waiting : [];
    const scopesOfMine = [...new Set([...rest, ...absorbed.flatMap((f) => f.scopes)])];
    let mine: Flight | null = null;
    if (scopesOfMine.length > 0) {
      mine = createFlight(scopesOfMine);
      // The absorbed flights are aborted before this one starts: their sheets close and free the
      // lock, so the wallet opens inside this tap.
      for (const f of absorbed) absorb(f, mine);
      launch(mine, gesture);
    }
    const waits = [...joined, ...(mine ? [mine] : [])].map((f) => waitFor(f, signal));
    const started = store.state.epoch;
    const answer = (): Session | null => {
      const session = currentSession();
      if (covers(session, scopes)) return copySession(session as Session);
      // The backend's session expired at once (an `expiresAt` in the past, e.g. in seconds, or a
      // skewed clock): answer with it rather than run the flow again and again.
      const stored = store.state.session;
      if (covers(stored, scopes)) return copySession(stored as Session);
      return null;
    };
    return Promise.all(waits).then(
      () => {
        // Signed out in between: never start the flow again on the old request's gesture.
        if (store.state.epoch !== started) throw abortedError(scopes);
        // A joined flight covered other scopes too and ended before ours were stored. Ask again
        // without the old gesture: a prompt now would not come from the user's tap.
        return answer() ?? authorizeNow(scopes, false, defer, signal, false);
      },
      (error) => {
        // A shared request failed for scopes this caller did not ask for: what it asked for may
        // be granted all the same.
        const session = store.state.epoch === started && !signal?.aborted ? currentSession() : null;
        if (session && covers(session, scopes)) return copySession(session);
        // It failed only for scopes of the other callers (a silent scope shared a denied consent
        // call): ask for this caller's own, once, without a gesture.
        if (
          retryOwn &&
          store.state.epoch === started &&
          !signal?.aborted &&
          error instanceof AuthError &&
          error.code !== 'ABORTED' &&
          error.scopes.length > 0 &&
          !error.scopes.some((s) => scopes.includes(s))
        ) {
          return authorizeNow(scopes, false, defer, signal, false);
        }
        const own = narrow(error, scopes);
        if (own instanceof AuthError) emit({ type: 'error', error: own });
        throw own;
      },
    );
  }

  // ------------------------------------------------------------------------------------------
  // The public object

  const authorizer: Authorizer = {
    authorize(scopeInput: ScopeInput, authorizeOptions?) {
      let scopes: string[];
      let o: ReturnType<typeof readAuthorizeOptions>;
      try {
        scopes = normalizeScopes(scopeInput);
        o = readAuthorizeOptions(authorizeOptions);
      } catch (error) {
        return Promise.reject(error);
      }
      if (o.signal?.aborted) return Promise.reject(abortedError(scopes));
      if (!loaded) {
        // An abort during the storage load rejects at once and starts nothing afterwards.
        const signal = o.signal;
        return new Promise<Session>((resolve, reject) => {
          const onAbort = () => reject(abortedError(scopes));
          signal?.addEventListener('abort', onAbort, { once: true });
          void readyPromise.then(() => {
            signal?.removeEventListener('abort', onAbort);
            if (signal?.aborted) return;
            authorizeNow(scopes, o.gesture, o.defer, signal).then(resolve, reject);
          });
        });
      }
      return authorizeNow(scopes, o.gesture, o.defer, o.signal);
    },
    consentState(scope): ConsentState {
      const [name] = normalizeScopes(scope);
      store.refresh();
      if (isSilentScope(name as string)) return 'granted';
      return store.state.consent[name as string] ?? 'unknown';
    },
    session() {
      store.refresh();
      const s = currentSession();
      return s ? copySession(s) : null;
    },
    markEngaged() {
      sensor.mark();
    },
    get engaged() {
      return sensor.engaged;
    },
    async signOut() {
      const done = store.signOut();
      for (const f of flights) f.controller.abort();
      emit({ type: 'session', session: null });
      emit({ type: 'signed-out' });
      await done;
    },
    subscribe(listener) {
      return events.subscribe(listener);
    },
    snapshot() {
      store.refresh();
      return snapshot();
    },
    catalogue,
    setConsentPresenter(next) {
      if (next !== null && typeof next !== 'function') throw new TypeError('setConsentPresenter(presenter) needs a function or null.');
      presenter = next;
      return () => {
        if (presenter === next) presenter = null;
      };
    },
    ready() {
      return readyPromise;
    },
  };
  return authorizer;
}

export { DEFAULT_TIMEOUT_MS };
