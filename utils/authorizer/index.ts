/**
 * `createAuthorizer`: the authorization flow a miniapp runs once per user, composed of its parts:
 * the persisted state (session cache and consent record), the wallet calls and consent flow, the
 * code exchange, and the flights that share requests. The application owns only `submit`.
 */
import { abortable } from '../abort';
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
  const emit = (event: AuthorizerEvent) => events.size > 0 && events.emit(event, snapshot());
  let presenter: ConsentPresenter | null = null;

  const sensor = createEngagementSensor(opts.engagementTarget, () => emit({ type: 'engaged' }));
  const state = createSessionState(opts, isSilent, emit, () => flights.abortAll());
  const statusOf = (flight: Flight) => emit({ type: 'status', status: flights.status(), scopes: [...flight.scopes] });
  const setStatus = (flight: Flight, next: Flight['status']) => {
    if (flight.status !== next) (flight.status = next), statusOf(flight);
  };
  const wallet = createWalletCalls({ opts, sensor, presenter: () => presenter, setStatus, isSilent, state });
  const exchange = createCodeExchange({ ...opts, setStatus, fetchCode: wallet.fetchCode });
  const flights = createFlights(createFlightRunner({ catalogue, state, wallet, exchange }), statusOf);
  const request = createRequest({ state, flights, sensor, isSilent, emit });

  let loaded = state.ready === null;
  const ready = state.ready?.then(() => ((loaded = true), emit({ type: 'ready' }), undefined)) ?? Promise.resolve();

  function snapshot(): AuthorizerSnapshot {
    const session = state.current();
    return {
      status: flights.status(),
      engaged: sensor.engaged,
      session: session && copySession(session),
      consent: state.consentRecord(),
      pendingScopes: flights.pendingScopes(),
    };
  }

  return {
    // Bad input rejects (never throws); the wallet is called synchronously, in the caller's task.
    authorize: (scopes, authorizeOptions) =>
      new Promise((resolve) => {
        const list = normalizeScopes(scopes);
        const o = readAuthorizeOptions(authorizeOptions);
        if (o.signal?.aborted) throw aborted(list);
        // An abort during the storage load rejects at once and starts nothing afterwards.
        resolve(loaded ? request(list, o) : abortable(ready, o.signal, () => aborted(list)).then(() => request(list, o)));
      }),
    consentState(scope) {
      const [name] = normalizeScopes(scope);
      state.refresh();
      return state.consent(name as string);
    },
    session() {
      state.refresh();
      const session = state.current();
      return session && copySession(session);
    },
    markEngaged: sensor.mark,
    get engaged() {
      return sensor.engaged;
    },
    async signOut() {
      const done = state.signOut();
      flights.abortAll();
      emit({ type: 'session', session: null });
      emit({ type: 'signed-out' });
      await done;
    },
    subscribe: events.subscribe,
    snapshot() {
      state.refresh();
      return snapshot();
    },
    catalogue,
    setConsentPresenter(next) {
      if (next !== null && typeof next !== 'function') throw new TypeError('setConsentPresenter(presenter) needs a function or null.');
      presenter = next;
      return () => void (presenter === next && (presenter = null));
    },
    ready: () => ready,
  };
}

export type { Session };
