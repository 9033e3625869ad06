/**
 * One flight from plan to session: the wallet calls its plan needs, in order, each code exchanged
 * and the session stored, the consent record kept up to date with every answer.
 */
import { AuthError } from '../errors';
import { isDenial, scopeFailure } from '../normalize';
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
  dismissals: WeakSet<AuthError>;
}

export function createFlightRunner({ catalogue, state, wallet, exchange, dismissals }: FlightRunnerDeps): (flight: Flight, gesture: boolean) => Promise<void> {
  /** A code for one call of the plan; a refusal in the wallet is recorded ("Not now" is not). */
  async function codeFor(flight: Flight, scopes: string[], consent: boolean, gesture: boolean): Promise<CodeResult> {
    try {
      return consent ? await wallet.consentCode(flight, scopes, gesture) : await wallet.fetchCode(flight, scopes);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'USER_CANCELLED' && !dismissals.has(error)) {
        const refused = error.scopes.filter((s) => scopes.includes(s));
        state.record(flight.epoch, refused.length > 0 ? refused : scopes, 'denied');
      }
      throw error;
    }
  }

  /** One wallet call of the plan, its code exchanged; rejects for the scopes that were not granted. */
  async function runCall(flight: Flight, scopes: string[], consent: boolean, gesture: boolean): Promise<void> {
    const result = await codeFor(flight, scopes, consent, gesture);
    state.record(flight.epoch, result.grantedScopes, 'granted');
    const failed = Object.keys(result.failedScopes).filter((s) => scopes.includes(s));
    // Only a refusal is recorded as denied; another per-scope error (e.g. "1002") is not sticky.
    const denied = failed.filter((s) => isDenial(result.failedScopes[s] as string));
    state.record(flight.epoch, denied, 'denied');
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
    let entitled = gesture;
    for (const call of planCalls(flight.scopes, catalogue)) {
      const scopes = call.filter((s) => !covers(state.current(), [s]));
      if (scopes.length === 0) continue;
      if (flight.controller.signal.aborted) throw aborted(flight.scopes);
      const consent = scopes.some((s) => state.consent(s) !== 'granted');
      await runCall(flight, scopes, consent, entitled);
      // Later calls of the plan follow without a new gesture.
      if (consent) entitled = true;
    }
  };
}
