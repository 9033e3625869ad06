/**
 * One flight from plan to session: the wallet calls its plan needs, in order, each code exchanged
 * and the session stored (the wallet calls keep the consent record up to date with every answer).
 */
import { AuthError } from '../errors';
import { scopeFailure } from '../normalize';
import { planCalls, type ScopeCatalogue } from '../scopes';
import type { CodeExchange } from './code-exchange';
import { aborted, covers, type CodeResult, type Flight } from './flight';
import type { SessionState } from './session-state';
import type { WalletCalls } from './wallet-calls';

export interface FlightRunnerDeps {
  catalogue: ScopeCatalogue;
  state: SessionState;
  wallet: WalletCalls;
  exchange: CodeExchange;
}

export function createFlightRunner({ catalogue, state, wallet, exchange }: FlightRunnerDeps): (flight: Flight, gesture: boolean) => Promise<void> {
  /** One wallet call of the plan, its code exchanged; rejects for the scopes that were not granted. */
  async function runCall(flight: Flight, scopes: string[], consent: boolean, gesture: boolean): Promise<void> {
    const result: CodeResult = await (consent ? wallet.consentCode(flight, scopes, gesture) : wallet.fetchCode(flight, scopes));
    const failed = Object.keys(result.failedScopes).filter((s) => scopes.includes(s));
    const granted = scopes.filter((s) => result.grantedScopes.includes(s));
    let lost: string[] = [];
    if (granted.length > 0) {
      const exchanged = await exchange(flight, granted, result);
      state.storeSession(flight.epoch, exchanged.scopes, exchanged.data);
      // The fresh code after a refused one may cover fewer scopes (the wallet asked again and
      // the user refused some): the request fails for those, without asking once more.
      lost = granted.filter((s) => !exchanged.scopes.includes(s));
    }
    if (failed.length > 0) throw scopeFailure(result.failedScopes, failed);
    if (lost.length > 0) throw new AuthError('USER_CANCELLED', { scopes: lost });
  }

  return async (flight, gesture) => {
    // What the user had refused when the request began: its tap may ask for that again, but no
    // prompt outside the tap asks for what they refused since (see the wallet calls' turn).
    flight.refused = flight.scopes.filter((s) => state.consent(s) === 'denied');
    let later = false;
    for (const call of planCalls(flight.scopes, catalogue)) {
      const scopes = call.filter((s) => !covers(state.current(), [s]));
      if (scopes.length === 0) continue;
      if (flight.controller.signal.aborted) throw aborted(flight.scopes);
      const consent = scopes.some((s) => state.consent(s) !== 'granted');
      // Later calls of the plan follow without a new gesture.
      await runCall(flight, scopes, consent, gesture || later);
      if (consent) later = true;
    }
  };
}
