/**
 * No event marks a session's expiry: the elements and the DSL components set a timer for it. Only
 * a future expiry by the page clock (an authorizer with its own clock is re-read on its events).
 */
import { MAX_TIMER_MS } from '../../utils/checks';

/** A timer that calls `fire` just after `expiresAt`; null when there is nothing to wait for. */
export function expiryTimer(expiresAt: number | undefined, fire: () => void): ReturnType<typeof setTimeout> | null {
  if (typeof expiresAt !== 'number' || expiresAt <= Date.now()) return null;
  return setTimeout(fire, Math.min(expiresAt - Date.now() + 20, MAX_TIMER_MS));
}
