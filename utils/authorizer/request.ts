/**
 * One `authorize` call decided: the cached session, the sticky denial, the first-screen guard,
 * then the flights it shares or starts (a tap takes over requests still waiting for the user), and
 * the answer or error as this caller sees it.
 */
import type { EngagementSensor } from '../engagement';
import { AuthError, scopeError } from '../errors';
import type { AuthorizerEvent, Session } from '../types';
import { aborted, copySession, covers, type Flight } from './flight';
import type { Flights } from './flights';
import type { ResolvedAuthorizeOptions } from './options';
import type { SessionState } from './session-state';

export type Request = (scopes: string[], options: ResolvedAuthorizeOptions) => Promise<Session>;

/** The error as a caller sees it: only its own scopes, in its fields and its message. */
function narrow(error: unknown, scopes: readonly string[], session: Session | null): unknown {
  if (!(error instanceof AuthError) || error.scopes.every((s) => scopes.includes(s))) return error;
  const own = error.scopes.filter((s) => scopes.includes(s));
  const mine = own[0] ? own : scopes.filter((s) => !session?.scopes.includes(s));
  const list = (scopes: string[]) => (scopes[0] ? ` [${scopes.join(' ')}]` : '');
  // Its own fields (retryable, platformCode, status, dismissed) carried over.
  return new AuthError(error.code, { ...error, message: error.message.replace(list(error.scopes), list(mine)), scopes: mine });
}

export function createRequest(
  state: SessionState,
  flights: Flights,
  sensor: EngagementSensor,
  isSilent: (scope: string) => boolean,
  emit: (event: AuthorizerEvent) => void,
): Request {
  /** Flights to share and the one to start: the rest of the scopes, plus requests a tap takes over. */
  function flightsFor(needed: string[], gesture: boolean, prompts: boolean): Flight[] {
    // A request that needs no prompt never waits behind one that waits for the user.
    const overlapping = flights.live_(state.epoch_).filter((f) => f.scopes.some((s) => needed.includes(s)));
    const joined = overlapping.filter((f) => f.status_ !== 'waiting' || (!gesture && prompts));
    const absorbed = gesture ? overlapping.filter((f) => f.status_ === 'waiting') : [];
    const rest = needed.filter((s) => !joined.some((f) => f.scopes.includes(s)));
    const scopes = [...new Set(rest.concat(...absorbed.map((f) => f.scopes)))];
    if (!scopes[0]) return joined;
    return [...joined, flights.launch_(scopes, state.epoch_, gesture, absorbed)];
  }

  function request(scopes: string[], options: ResolvedAuthorizeOptions, retryOwn = true): Promise<Session> {
    const { gesture, defer, signal } = options;
    // Decide on what every instance over this storage knows now.
    state.refresh_();
    const cached = state.current_();
    if (covers(cached, scopes)) return Promise.resolve(copySession(cached as Session));
    const needed = scopes.filter((s) => !cached?.scopes.includes(s));
    const denied = needed.filter((s) => state.consent_(s) === 'denied');
    if (denied[0] && !gesture) return Promise.reject(scopeError('DENIED', denied));
    const prompts = needed.some((s) => state.consent_(s) !== 'granted');
    if (!gesture && !defer && !sensor.engaged_ && prompts) return Promise.reject(scopeError('FIRST_SCREEN', needed.filter((s) => !isSilent(s))));

    const started = state.epoch_;
    const again = () => request(scopes, { gesture: false, defer, signal }, false);
    return Promise.all(flightsFor(needed, gesture, prompts).map((f) => flights.waitFor_(f, signal))).then(
      () => {
        // Signed out in between: never start the flow again on the old request's gesture.
        if (state.epoch_ !== started) throw aborted(scopes);
        // The session that covers the scopes, also one the backend made expire at once (a skewed
        // clock). None: a joined flight covered other scopes too and ended before ours were stored:
        // ask again, once, without the old gesture (a prompt now would not come from the user's tap).
        const session = [state.current_(), state.stored_()].find((s) => covers(s, scopes));
        return session ? copySession(session) : retryOwn ? again() : Promise.reject(scopeError('UNKNOWN', scopes));
      },
      (error) => {
        const current = state.epoch_ === started && !signal?.aborted;
        // A shared request failed for scopes this caller did not ask for: its own may be granted.
        if (current && covers(state.current_(), scopes)) return copySession(state.current_() as Session);
        // It failed only for the other callers' scopes (a silent scope shared a denied consent
        // call): ask for this caller's own, once, without a gesture.
        const others = error instanceof AuthError && error.code !== 'ABORTED' && error.scopes.length > 0 && !error.scopes.some((s) => scopes.includes(s));
        if (retryOwn && current && others) return again();
        const own = narrow(error, scopes, state.current_());
        if (own instanceof AuthError) emit({ type: 'error', error: own });
        throw own;
      },
    );
  }
  return request;
}
