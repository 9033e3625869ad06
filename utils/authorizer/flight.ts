/** A flight: one request under way for a set of scopes, shared by every caller asking for them. */
import { AuthError } from '../errors';
import type { AuthCodeResult, AuthorizerStatus, Session } from '../types';

export interface Flight {
  readonly scopes: readonly string[];
  /** The sign-out epoch it runs under: what it would store after a sign-out is dropped. */
  readonly epoch: number;
  readonly controller: AbortController;
  status: AuthorizerStatus;
  /**
   * True while the flight runs synchronously inside the `authorize()` call that started it: its
   * decision is fresh (what is stored was just read).
   */
  fresh?: boolean;
  /** True while the flight runs synchronously inside the caller's tap (`gesture: true`). */
  tap?: boolean;
  /** The scopes the user had refused when it began: only its own tap asks for them again. */
  refused?: readonly string[];
  /** The callers waiting for it; when the last one leaves, the flight is aborted. */
  readonly waiters: Set<Waiter>;
  promise: Promise<void>;
}

/** One caller; `current` moves when a tap takes its flight over. */
export interface Waiter {
  current: Flight;
}

/** A code from the wallet, with when it was obtained (a code past its age is never submitted). */
export type CodeResult = AuthCodeResult & { obtainedAt: number };

/** Reports a status change of a flight (the authorizer's events). */
export type SetStatus = (flight: Flight, status: AuthorizerStatus) => void;

export const aborted = (scopes: readonly string[]) => new AuthError('ABORTED', { scopes });

/** A copy for the caller (the kit's sessions hold `scopes`, `data` and, when set, `expiresAt`). */
export function copySession(session: Session): Session {
  return { ...session, scopes: [...session.scopes] };
}

export function covers(session: Session | null, scopes: readonly string[]): boolean {
  return !!session && scopes.every((s) => session.scopes.includes(s));
}
