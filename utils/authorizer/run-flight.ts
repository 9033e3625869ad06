/**
 * One flight from plan to session: the wallet calls its plan needs, in order, each code exchanged
 * and the session stored (the wallet calls keep the consent record up to date with every answer).
 */
import { AuthError, scopeError } from '../errors';
import { scopeFailure } from '../normalize';
import { planCalls, type ScopeCatalogue } from '../scopes';
import type { CodeExchange } from './code-exchange';
import { aborted, covers, type CodeResult, type Flight } from './flight';
import type { SessionState } from './session-state';
import type { WalletCalls } from './wallet-calls';

export function createFlightRunner(catalogue: ScopeCatalogue, state: SessionState, wallet: WalletCalls, exchange: CodeExchange): (flight: Flight, gesture: boolean) => Promise<void> {
  /** One wallet call of the plan, its code exchanged; rejects for the scopes that were not granted. */
  async function runCall(flight: Flight, scopes: string[], consent: boolean, gesture: boolean): Promise<void> {
    const result: CodeResult = await (consent ? wallet.consentCode_(flight, scopes, gesture) : wallet.fetchCode_(flight, scopes));
    const failed = Object.keys(result.failedScopes).filter((s) => scopes.includes(s));
    const granted = scopes.filter((s) => result.grantedScopes.includes(s));
    let lost: string[] = [];
    if (granted[0]) {
      const exchanged = await exchange(flight, granted, result);
      state.storeSession_(flight.epoch_, exchanged.scopes, exchanged.data);
      // The fresh code after a refused one may cover fewer scopes (the wallet asked again and
      // the user refused some): the request fails for those, without asking once more.
      lost = granted.filter((s) => !exchanged.scopes.includes(s));
    }
    if (failed[0]) throw scopeFailure(result.failedScopes, failed);
    if (lost[0]) throw scopeError('USER_CANCELLED', lost);
  }

  return (flight, gesture) => {
    // A tap may ask again for what the user refused before it, not for what they refuse since
    // (the wallet calls read the record again before any call outside the tap).
    if (gesture) flight.reask_ = flight.scopes.filter((s) => state.consent_(s) === 'denied');
    const plan = planCalls(flight.scopes, catalogue);
    // The plan's calls in order, as a recursion (not a loop around `await`: the DSL build's
    // async-to-promises transform makes a loop cost far more). The first call starts in the
    // caller's task (inside its tap); later calls follow without a new gesture.
    const next = (i: number, later: boolean): Promise<void> => {
      if (i >= plan.length) return Promise.resolve();
      const scopes = (plan[i] as string[]).filter((s) => !covers(state.current_(), [s]));
      if (!scopes[0]) return next(i + 1, later);
      if (flight.controller_.signal.aborted) return Promise.reject(aborted(flight.scopes));
      const consent = scopes.some((s) => state.consent_(s) !== 'granted');
      return runCall(flight, scopes, consent, gesture || later).then(() => next(i + 1, later || consent));
    };
    return next(0, false);
  };
}
