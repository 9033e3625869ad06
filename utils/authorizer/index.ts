/**
 * `createAuthorizer`: the authorization flow a miniapp runs once per user, composed of its parts:
 * the persisted state (session cache and consent record), the wallet calls and consent flow, the
 * code exchange, and the flights that share requests. The application owns only `submit`.
 */
import { abortable } from '../abort';
import { isFunction } from '../checks';
import { createEmitter } from '../emitter';
import { createEngagementSensor } from '../engagement';
import { normalizeScopes } from '../scope-names';
import { isSilentScope } from '../scopes';
import type { Authorizer, AuthorizerEvent, AuthorizerOptions, AuthorizerSnapshot, ConsentPresenter, Session } from '../types';
import { createCodeExchange } from './code-exchange';
import { aborted, copySession, type Flight } from './flight';
import { createFlights } from './flights';
import { readAuthorizeOptions, readAuthorizerOptions } from './options';
import { createRequest } from './request';
import { createFlightRunner } from './run-flight';
import { createSessionState } from './session-state';
import { createWalletCalls } from './wallet-calls';

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const opts = readAuthorizerOptions(options);
  const { catalogue } = opts;
  const isSilent = (scope: string) => isSilentScope(scope, catalogue);
  const events = createEmitter<[AuthorizerEvent, AuthorizerSnapshot]>('subscribe');
  // The snapshot is built only for listeners: the tap-to-wallet path stays short without them.
  const emit = (event: AuthorizerEvent) => events.size_ > 0 && events.emit(event, snapshot());
  let presenter: ConsentPresenter | null = null;

  const sensor = createEngagementSensor(opts.engagementTarget, () => emit({ type: 'engaged' }));
  const state = createSessionState(opts, isSilent, emit, () => flights.abortAll_());
  const statusOf = (flight: Flight) => emit({ type: 'status', status: flights.status_(), scopes: [...flight.scopes] });
  const setStatus = (flight: Flight, next: Flight['status_']) => {
    if (flight.status_ !== next) (flight.status_ = next), statusOf(flight);
  };
  const wallet = createWalletCalls(opts, sensor, () => presenter, setStatus, isSilent, state);
  const exchange = createCodeExchange(opts, setStatus, wallet.fetchCode_);
  const flights = createFlights(createFlightRunner(catalogue, state, wallet, exchange), statusOf);
  const request = createRequest(state, flights, sensor, isSilent, emit);

  let loaded = state.ready_ === null;
  const ready = state.ready_?.then(() => ((loaded = true), emit({ type: 'ready' }), undefined)) ?? Promise.resolve();

  function snapshot(): AuthorizerSnapshot {
    return {
      status: flights.status_(),
      engaged: sensor.engaged_,
      session: copySession(state.current_()),
      consent: state.consentRecord_(),
      pendingScopes: flights.pendingScopes_(),
    };
  }

  return {
    // Bad input rejects (never throws); the wallet is called synchronously, in the caller's task.
    async authorize(scopes, authorizeOptions) {
      const list = normalizeScopes(scopes);
      const o = readAuthorizeOptions(authorizeOptions);
      if (o.signal?.aborted) throw aborted(list);
      // An abort during the storage load rejects at once and starts nothing afterwards.
      return loaded ? request(list, o) : abortable(ready, o.signal, () => aborted(list)).then(() => request(list, o));
    },
    consentState(scope) {
      const [name] = normalizeScopes(scope);
      state.refresh_();
      return state.consent_(name as string);
    },
    session() {
      state.refresh_();
      return copySession(state.current_());
    },
    markEngaged: sensor.mark_,
    get engaged() {
      return sensor.engaged_;
    },
    async signOut() {
      const done = state.signOut_();
      flights.abortAll_();
      emit({ type: 'session', session: null });
      emit({ type: 'signed-out' });
      await done;
    },
    subscribe: events.subscribe,
    snapshot() {
      state.refresh_();
      return snapshot();
    },
    catalogue,
    setConsentPresenter(next) {
      if (next !== null && !isFunction(next)) throw new TypeError('setConsentPresenter(presenter)');
      presenter = next;
      return () => void (presenter === next && (presenter = null));
    },
    ready: () => ready,
  };
}

export type { Session };
