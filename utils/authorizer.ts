/**
 * `createAuthorizer`: the authorization flow a miniapp runs once per user. It owns the session
 * cache, the consent record, the first-screen guard, single flight, retries and code hygiene;
 * the application owns only the `submit` hook (its backend call).
 */
import { backoffDelay, delay } from './backoff';
import { createEngagementSensor } from './engagement';
import { AuthError, mapPlatformCode, REFUSED_CODE_ERRORS } from './errors';
import { isDenial } from './normalize';
import { findHost, waitForBridge } from './host';
import { PromptLock } from './prompt-lock';
import { callHost, DEFAULT_BRIDGE_WAIT_MS, DEFAULT_TIMEOUT_MS } from './request-auth-code';
import { isSilentScope, normalizeScopes, planPrompts } from './scopes';
import { emptyState, StateStore, type PersistedState } from './state-store';
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
  waiters: number;
  /** Set while a consent prompt waits for engagement or the sheet: opens the wallet prompt now. */
  trigger: (() => void) | null;
  promise: Promise<void>;
}

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

function isRefusedCode(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const platformCode = (error as { platformCode?: unknown } | null)?.platformCode;
  return (
    (typeof code === 'string' && REFUSED_CODE_ERRORS.includes(code)) ||
    (typeof platformCode === 'string' && REFUSED_CODE_ERRORS.includes(platformCode))
  );
}

/** The backend error as the kit reports it: never carrying the code, transient when it says so. */
function backendError(error: unknown, scopes: readonly string[]): AuthError {
  if (error instanceof AuthError && error.code === 'BACKEND_ERROR') return error;
  const e = (error ?? {}) as { retryable?: unknown; status?: unknown; code?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryable = typeof e.retryable === 'boolean' ? e.retryable : status === undefined || status >= 500 || status === 429;
  const init: ConstructorParameters<typeof AuthError>[1] = { retryable, scopes };
  if (status !== undefined) init.status = status;
  if (typeof e.code === 'string' && e.code.length <= 64) init.platformCode = e.code;
  return new AuthError('BACKEND_ERROR', init);
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const opts: ResolvedAuthorizerOptions = readAuthorizerOptions(options);
  const { submit, now } = opts;
  const store = new StateStore(opts.storage ?? defaultStorage(opts.host), opts.storageKey);
  const events = new Emitter<[AuthorizerEvent, AuthorizerSnapshot]>();
  const lock = new PromptLock();
  const flights = new Set<Flight>();
  let state: PersistedState = emptyState();
  let generation = 0;
  let presenter: ConsentPresenter | null = null;
  let loaded = false;
  /** "Not now" answers: cancellations that are not a refusal in the wallet. */
  const dismissals = new WeakSet<AuthError>();

  const sensor = createEngagementSensor(opts.engagementTarget, () => emit({ type: 'engaged' }));

  const initial = store.load();
  const readyPromise: Promise<void> =
    initial instanceof Promise
      ? initial.then((s) => {
          // A sign-out or a grant during the load wins over what was stored.
          if (generation === 0 && state.session === null && Object.keys(state.consent).length === 0) state = s;
          loaded = true;
          emit({ type: 'ready' });
        })
      : ((state = initial), (loaded = true), Promise.resolve());

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
      consent: { ...state.consent },
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

  function currentSession(): Session | null {
    const s = state.session;
    return s && (s.expiresAt === undefined || s.expiresAt > now()) ? s : null;
  }

  function covers(session: Session | null, scopes: readonly string[]): boolean {
    return !!session && scopes.every((s) => session.scopes.includes(s));
  }

  function persist(next: PersistedState): void {
    state = next;
    void store.save(state);
  }

  function recordConsent(scopes: readonly string[], value: 'granted' | 'denied', flight: Flight): void {
    if (flight.generation !== generation) return;
    // Silent scopes are recorded as granted, never as denied: no prompt ever asks for them.
    const changed = scopes.filter((s) => (value === 'granted' || !isSilentScope(s)) && state.consent[s] !== value);
    if (changed.length === 0) return;
    const consent = { ...state.consent };
    for (const s of changed) consent[s] = value;
    persist({ ...state, consent });
    for (const s of changed) emit({ type: 'consent', scope: s, state: value });
  }

  function needsConsent(scopes: readonly string[]): boolean {
    return scopes.some((s) => !isSilentScope(s) && state.consent[s] !== 'granted');
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

  /** Calls the wallet now: synchronously when a host is there. */
  function hostCall(flight: Flight, scopes: string[], kind: 'prompting' | 'fetching'): Promise<AuthCodeResult & { obtainedAt: number }> {
    if (flight.controller.signal.aborted) return Promise.reject(abortedError(scopes));
    setStatus(flight, kind);
    const stamp = (r: AuthCodeResult) => ({ ...r, obtainedAt: now() });
    const resolved = findHost(opts.host);
    if (resolved) return callHost(resolved, scopes, opts.timeoutMs).then(stamp);
    return waitForBridge(opts.host === undefined ? DEFAULT_BRIDGE_WAIT_MS : 0).then((late) => {
      if (!late) throw new AuthError('NOT_IN_MINIAPP', { scopes });
      return callHost(late, scopes, opts.timeoutMs).then(stamp);
    });
  }

  /** A silent call, retried with backoff on transient errors. */
  async function silentCall(flight: Flight, scopes: string[]): Promise<AuthCodeResult & { obtainedAt: number }> {
    const retry = scopes.every(isSilentScope);
    for (let attempt = 0; ; attempt++) {
      try {
        return await untilAborted(flight, hostCall(flight, scopes, 'fetching'), scopes);
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
   * A consent call. With a gesture the wallet prompt opens now; otherwise it waits for engagement
   * and then goes through the consent presenter (the `<consent-prompt>` sheet) when there is one.
   */
  function consentCall(flight: Flight, scopes: string[], gesture: boolean): Promise<AuthCodeResult & { obtainedAt: number }> {
    if (gesture) return untilAborted(flight, lock.run(() => hostCall(flight, scopes, 'prompting')), scopes);
    return new Promise((resolve, reject) => {
      let done = false;
      let closeSheet: (() => void) | null = null;
      const signal = flight.controller.signal;
      const settle = (): boolean => {
        if (done) return false;
        done = true;
        flight.trigger = null;
        signal.removeEventListener('abort', onAbort);
        const close = closeSheet;
        closeSheet = null;
        close?.();
        return true;
      };
      const open = () => {
        if (settle()) untilAborted(flight, lock.run(() => hostCall(flight, scopes, 'prompting')), scopes).then(resolve, reject);
      };
      const onAbort = () => {
        if (settle()) reject(abortedError(scopes));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.trigger = open;
      setStatus(flight, 'waiting');

      const present = (show: ConsentPresenter) =>
        lock.run(
          () =>
            new Promise<void>((release) => {
              if (done) return release();
              const sheet = new AbortController();
              // Closing the sheet without a wallet call frees the lock at once.
              closeSheet = () => {
                sheet.abort();
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
                  call.then(() => release(), () => release());
                  untilAborted(flight, call, scopes).then(resolve, reject);
                },
                dismiss() {
                  if (!settle()) return;
                  const error = new AuthError('USER_CANCELLED', { message: 'The user chose "Not now".', scopes });
                  dismissals.add(error);
                  reject(error);
                },
              };
              // A gesture arriving while the sheet is open proceeds the same way.
              flight.trigger = () => pending.proceed();
              try {
                show(pending);
              } catch (error) {
                // A broken presenter counts as "Not now": the wallet never opens without a tap.
                reportError(error);
                pending.dismiss();
              }
            }),
        );

      sensor.whenEngaged(signal).then(
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
      if (isRefusedCode(error)) throw new AuthError('CODE_REJECTED', { scopes, platformCode: refusedCodeOf(error) });
      throw backendError(error, scopes);
    }
    if (signal.aborted) throw abortedError(scopes);
    if (data !== undefined && containsCode(data, result.authCode)) {
      // Never store an echoed code: the session would carry it into storage.
      throw new AuthError('BACKEND_ERROR', { scopes, retryable: false, message: 'The backend answer echoed the auth code; it was not stored.' });
    }
    return data;
  }

  function refusedCodeOf(error: unknown): string | undefined {
    const e = error as { code?: unknown; platformCode?: unknown };
    const value = typeof e.platformCode === 'string' ? e.platformCode : e.code;
    return typeof value === 'string' && REFUSED_CODE_ERRORS.includes(value) ? value : undefined;
  }

  function containsCode(data: unknown, code: string): boolean {
    try {
      return JSON.stringify(data).includes(code);
    } catch {
      return false;
    }
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
      : await untilAborted(flight, lock.run(() => hostCall(flight, scopes, 'fetching')), scopes);
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
    if (flight.generation !== generation) return;
    const previous = currentSession();
    const session: Session = { scopes: [...new Set([...(previous?.scopes ?? []), ...scopes])], data };
    const expiresAt = expiryOf(data) ?? (opts.sessionTtlMs !== undefined ? now() + opts.sessionTtlMs : undefined);
    if (expiresAt !== undefined) session.expiresAt = expiresAt;
    persist({ ...state, session });
    emit({ type: 'session', session: copySession(session) });
  }

  // ------------------------------------------------------------------------------------------
  // Flights

  async function runFlight(flight: Flight, gesture: boolean): Promise<void> {
    let entitled = gesture;
    for (const call of planPrompts(flight.scopes)) {
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

  function startFlight(scopes: string[], gesture: boolean): Flight {
    const flight: Flight = {
      scopes,
      generation,
      controller: new AbortController(),
      status: 'idle',
      waiters: 0,
      trigger: null,
      promise: Promise.resolve(),
    };
    flights.add(flight);
    flight.promise = runFlight(flight, gesture).finally(() => {
      flights.delete(flight);
      flight.controller.abort();
      emit({ type: 'status', status: status(), scopes: [...scopes] });
    });
    // Errors reach callers through waitFor; never leave an unhandled rejection behind.
    flight.promise.catch(() => undefined);
    return flight;
  }

  /** One caller waiting for a flight; when every caller has aborted, the flight is aborted. */
  function waitFor(flight: Flight, signal: AbortSignal | undefined): Promise<void> {
    flight.waiters++;
    return new Promise<void>((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        if (--flight.waiters === 0 && flights.has(flight)) flight.controller.abort();
      };
      const onAbort = () => {
        leave();
        reject(abortedError(flight.scopes));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        () => {
          leave();
          resolve();
        },
        (error) => {
          leave();
          reject(error);
        },
      );
    });
  }

  function authorizeNow(scopes: string[], gesture: boolean, defer: boolean, signal: AbortSignal | undefined): Promise<Session> {
    const cached = currentSession();
    if (covers(cached, scopes)) return Promise.resolve(copySession(cached as Session));
    const needed = scopes.filter((s) => !cached?.scopes.includes(s));

    const denied = needed.filter((s) => state.consent[s] === 'denied');
    if (denied.length > 0 && !gesture) return Promise.reject(new AuthError('DENIED', { scopes: denied }));
    if (!gesture && !defer && !sensor.engaged && needsConsent(needed)) {
      return Promise.reject(new AuthError('FIRST_SCREEN', { scopes: needed.filter((s) => !isSilentScope(s)) }));
    }

    // Share the flights already fetching these scopes; fetch only the rest.
    const live = [...flights].filter((f) => f.generation === generation && !f.controller.signal.aborted);
    const joined = live.filter((f) => f.scopes.some((s) => needed.includes(s)));
    const rest = needed.filter((s) => !joined.some((f) => f.scopes.includes(s)));
    if (gesture) for (const f of joined) f.trigger?.();
    const mine = rest.length > 0 ? [startFlight(rest, gesture)] : [];
    const waits = [...joined, ...mine].map((f) => waitFor(f, signal));
    const started = generation;
    return Promise.all(waits).then(() => {
      // Signed out in between: never start the flow again on the old request's gesture.
      if (generation !== started) throw abortedError(scopes);
      const session = currentSession();
      if (covers(session, scopes)) return copySession(session as Session);
      // The backend's session expired at once (an `expiresAt` in the past, e.g. in seconds, or a
      // skewed clock): answer with it rather than run the flow again and again.
      if (covers(state.session, scopes)) return copySession(state.session as Session);
      // A joined flight covered other scopes too and ended before ours were stored. Ask again
      // without the old gesture: a prompt now would not come from the user's tap.
      return authorizeNow(scopes, false, defer, signal);
    }, (error) => {
      if (error instanceof AuthError) emit({ type: 'error', error });
      throw error;
    });
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
      if (isSilentScope(name as string)) return 'granted';
      return state.consent[name as string] ?? 'unknown';
    },
    session() {
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
      generation++;
      for (const f of flights) f.controller.abort();
      state = emptyState();
      emit({ type: 'session', session: null });
      emit({ type: 'signed-out' });
      await store.clear();
    },
    subscribe(listener) {
      return events.subscribe(listener);
    },
    snapshot,
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
