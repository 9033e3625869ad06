/**
 * The authorizer's persisted state: the session cache and the consent record over the shared
 * state store, with the events they raise, also when another instance changed them.
 */
import { globalTarget } from '../globals';
import { newSession, openStateStore, type StateChange, type StoredState } from '../state-store';
import { defaultStorage } from '../storage';
import type { AuthorizerEvent, ConsentState, Session } from '../types';
import { copySession } from './flight';
import type { ResolvedAuthorizerOptions } from './options';

export interface SessionState {
  /** The sign-out epoch: a flight started under another one stores nothing. */
  readonly epoch_: number;
  readonly ready_: Promise<void> | null;
  /** Takes up what other instances stored (before every decision). */
  refresh_(): void;
  /** The same from a fresh read (asynchronous adapters too): before a deferred prompt opens. */
  reread_(): Promise<unknown>;
  /** The stored session when unexpired. */
  current_(): Session | null;
  /** The stored session, expired or not. */
  stored_(): Session | null;
  consent_(scope: string): ConsentState;
  consentRecord_(): Record<string, 'granted' | 'denied'>;
  record_(epoch: number, scopes: readonly string[], value: 'granted' | 'denied'): void;
  storeSession_(epoch: number, scopes: readonly string[], data: unknown): void;
  signOut_(): Promise<unknown>;
}

/** Reads an expiry from the backend's answer: epoch ms or an ISO date in `expiresAt`. */
function expiryOf(data: unknown): number | undefined {
  const raw = (data as { expiresAt?: unknown } | null)?.expiresAt;
  const at = typeof raw === 'string' ? Date.parse(raw) : raw;
  return Number.isFinite(at) ? (at as number) : undefined;
}

/**
 * The events that tell listeners what a change of the state did: a sign-out elsewhere, a session
 * stored here (`stored`), and what is stored now (another page may have signed in again since).
 */
function changes(previous: StoredState, next: StoredState, signedOut: boolean, stored?: boolean): AuthorizerEvent[] {
  const events: AuthorizerEvent[] = [];
  if (signedOut || stored || JSON.stringify(previous.session_) !== JSON.stringify(next.session_)) events.push({ type: 'session', session: copySession(next.session_) });
  if (signedOut) events.push({ type: 'signed-out' });
  for (const scope of Object.keys({ ...previous.consent_, ...next.consent_ })) {
    if (previous.consent_[scope] !== next.consent_[scope]) events.push({ type: 'consent', scope, state: next.consent_[scope] ?? 'unknown' });
  }
  return events;
}

export function createSessionState(
  opts: ResolvedAuthorizerOptions,
  isSilent: (scope: string) => boolean,
  emit: (event: AuthorizerEvent) => void,
  onSignedOutElsewhere: () => void,
): SessionState {
  const { now, sessionTtlMs } = opts;
  const store = openStateStore(opts.storage ?? defaultStorage(opts.host), opts.storageKey, (previous, next, signedOut) => {
    if (signedOut) onSignedOutElsewhere();
    for (const event of changes(previous, next, signedOut)) emit(event);
  });
  // Other pages and tabs announce their writes to localStorage.
  if (!opts.storage) {
    globalTarget('globalThis')?.addEventListener('storage', (event) => {
      const key = (event as { key?: unknown }).key;
      if (key === opts.storageKey || key === null) store.refresh_();
    });
  }
  /** A change made here, announced as a change taken up would be (`stored`: a session stored). */
  const update = (epoch: number, change: StateChange, stored?: boolean) => {
    const previous = store.update_(epoch, change);
    if (previous) for (const event of changes(previous, store.state_, false, stored)) emit(event);
  };
  const live = (s: Session | null) => (s && (s.expiresAt === undefined || s.expiresAt > now()) ? s : null);

  return {
    get epoch_() {
      return store.state_.epoch_;
    },
    ready_: store.ready_,
    refresh_: store.refresh_,
    reread_: store.reread_,
    current_: () => live(store.state_.session_),
    stored_: () => store.state_.session_,
    consent_: (scope) => (isSilent(scope) ? 'granted' : (store.state_.consent_[scope] ?? 'unknown')),
    consentRecord_: () => ({ ...store.state_.consent_ }),
    record_(epoch, scopes, value) {
      // Silent scopes are recorded as granted, never as denied: no prompt ever asks for them.
      const recorded = scopes.filter((s) => value === 'granted' || !isSilent(s));
      // The events tell what changed on the state the answer is merged into (another page may have
      // recorded the other answer since this one last looked): the user's latest answer is stored.
      if (recorded[0]) {
        update(epoch, (state) => {
          const consent = { ...state.consent_ };
          for (const s of recorded) consent[s] = value;
          return { ...state, consent_: consent };
        });
      }
    },
    storeSession_(epoch, scopes, data) {
      const expiresAt = expiryOf(data) ?? (sessionTtlMs === undefined ? undefined : now() + sessionTtlMs);
      // The new session covers what the stored one (this instance's or another's) still covers.
      update(epoch, (state) => ({ ...state, session_: newSession([...new Set([...(live(state.session_)?.scopes ?? []), ...scopes])], data, expiresAt) }), true);
    },
    signOut_: store.signOut_,
  };
}
