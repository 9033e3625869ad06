/** A flight: one request under way for a set of scopes, shared by every caller asking for them. */
import { AuthError, scopeError } from '../errors';
import type { AuthCodeResult, AuthorizerStatus, Session } from '../types';

export interface Flight {
  readonly scopes: readonly string[];
  /** The sign-out epoch it runs under: what it would store after a sign-out is dropped. */
  readonly epoch_: number;
  readonly controller_: AbortController;
  status_: AuthorizerStatus;
  /** True while the flight runs synchronously inside the caller's tap (`gesture: true`). */
  tap_?: boolean;
  /** True while the flight runs synchronously inside the `authorize` call that started it (which just read the record). */
  sync_?: boolean;
  /** What a tap's flight may ask again: the scopes refused before it began (none without a tap). */
  reask_?: readonly string[];
  /** The callers waiting for it; when the last one leaves, the flight is aborted. */
  readonly waiters_: Set<Waiter>;
  promise_: Promise<void>;
}

/** One caller; `current` moves when a tap takes its flight over. */
export interface Waiter {
  current_: Flight;
}

/** A code from the wallet, with when it was obtained (a code past its age is never submitted). */
export type CodeResult = AuthCodeResult & { obtainedAt_: number };

/** Reports a status change of a flight (the authorizer's events). */
export type SetStatus = (flight: Flight, status: AuthorizerStatus) => void;

export const aborted = (scopes: readonly string[]) => scopeError('ABORTED', scopes);

/** A copy for the caller (the kit's sessions hold `scopes`, `data` and, when set, `expiresAt`); null stays null. */
export function copySession<S extends Session | null>(session: S): S {
  return session && { ...session, scopes: [...session.scopes] };
}

export function covers(session: Session | null, scopes: readonly string[]): boolean {
  return !!session && scopes.every((s) => session.scopes.includes(s));
}
