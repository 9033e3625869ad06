/**
 * How a component follows its authorizer: the provided one (also when it is provided after the
 * component mounted), its events, and the expiry of its session (no event marks an expiry).
 */
import type { Authorizer, AuthorizerEvent, Session } from '../../utils';
import { expiryTimer } from '../shared/expiry';
import { onProvide, providedAuthorizer } from './provider';

export interface Follower {
  /** The authorizer followed now, or null before `provideAuthorizer`. */
  current(): Authorizer | null;
  stop(): void;
}

/** What changed: an authorizer event's type, `provided` (another authorizer) or `expired`. */
type FollowChange = AuthorizerEvent['type'] | 'provided' | 'expired';

/** Calls `onChange` after every event of the authorizer, a new authorizer, or a session expiry. */
export function followAuthorizer(onChange: (change: FollowChange) => void): Follower {
  let bound: Authorizer | null = null;
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** `session`: the one an event's snapshot carries, else read (a storage read on DSL hosts). */
  function watchExpiry(session: Session | null = bound ? bound.session() : null): void {
    if (timer !== null) clearTimeout(timer);
    timer = expiryTimer(session ? session.expiresAt : undefined, () => changed('expired'));
  }

  function changed(change: FollowChange, session?: Session | null): void {
    watchExpiry(session);
    onChange(change);
  }

  function bind(): void {
    const next = providedAuthorizer();
    if (next === bound) return;
    if (unsubscribe) unsubscribe();
    bound = next;
    unsubscribe = next ? next.subscribe((event, snapshot) => changed(event.type, snapshot.session)) : null;
    watchExpiry();
  }

  bind();
  const stopProvide = onProvide(() => {
    bind();
    onChange('provided');
  });

  return {
    current: () => bound,
    stop() {
      stopProvide();
      if (unsubscribe) unsubscribe();
      unsubscribe = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
