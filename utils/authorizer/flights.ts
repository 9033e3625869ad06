/**
 * The flights under way: created and launched, waited for by their callers (following a flight
 * that a tap took over), aborted when the last caller leaves, and what they add up to.
 */
import { createAbortController, onAbort } from '../abort';
import type { AuthorizerStatus } from '../types';
import { aborted, type Flight, type Waiter } from './flight';

const STATUS_RANK: readonly AuthorizerStatus[] = ['idle', 'waiting', 'fetching', 'submitting', 'prompting'];

export interface Flights {
  /** The flights of `epoch` that still run. */
  live_(epoch: number): Flight[];
  /**
   * A new flight, started: the callers of `absorbed` (requests a tap takes over) are moved onto it
   * and those flights aborted first (their sheets close and free the lock, so the wallet opens
   * inside this tap).
   */
  launch_(scopes: string[], epoch: number, gesture: boolean, absorbed: Flight[]): Flight;
  /** One caller waiting for a flight; rejects ABORTED when `signal` aborts first. */
  waitFor_(flight: Flight, signal: AbortSignal | undefined): Promise<void>;
  abortAll_(): void;
  /** The most advanced status of the flights. */
  status_(): AuthorizerStatus;
  pendingScopes_(): string[];
}

export function createFlights(run: (flight: Flight, gesture: boolean) => Promise<void>, onEnd: (flight: Flight) => void): Flights {
  const all = new Set<Flight>();
  const abort = (flight: Flight) => flight.controller_.abort();

  return {
    live_: (epoch) => [...all].filter((f) => f.epoch_ === epoch && !f.controller_.signal.aborted),
    launch_(scopes, epoch, gesture, absorbed) {
      // Aborting the absorbed flights below reaches page code (a sheet's signal), which may join this
      // flight before `run` gives it its promise: it follows a settled one meanwhile.
      const flight: Flight = { scopes, epoch_: epoch, controller_: createAbortController(), status_: 'idle', waiters_: new Set(), promise_: Promise.resolve() };
      all.add(flight);
      // A tap takes over requests still waiting for the user: their callers now wait for this one.
      for (const waiting of absorbed) {
        for (const w of waiting.waiters_) {
          w.current_ = flight;
          flight.waiters_.add(w);
        }
        waiting.waiters_.clear();
        abort(waiting);
      }
      const end = () => (all.delete(flight), abort(flight), onEnd(flight));
      // `then(end, end)` rather than `finally`: DSL engines may predate ES2018 built-ins.
      flight.tap_ = gesture;
      flight.sync_ = true;
      flight.promise_ = run(flight, gesture).then(end, (error) => (end(), Promise.reject(error)));
      flight.tap_ = flight.sync_ = false;
      // Errors reach callers through waitFor; never leave an unhandled rejection behind.
      flight.promise_.catch(() => undefined);
      return flight;
    },
    waitFor_(flight, signal) {
      const waiter: Waiter = { current_: flight };
      flight.waiters_.add(waiter);
      return new Promise<void>((resolve, reject) => {
        let left = false;
        let off = () => undefined as void;
        const leave = () => {
          if (left) return;
          left = true;
          off();
          const f = waiter.current_;
          f.waiters_.delete(waiter);
          // No one waits any more: the flight is aborted.
          if (f.waiters_.size === 0 && all.has(f)) abort(f);
        };
        off = onAbort(signal, () => (leave(), reject(aborted(flight.scopes))));
        // The flight the caller waits for now (a tap may have taken it over meanwhile).
        const follow = (target: Flight): Promise<void> =>
          target.promise_.then(
            () => (waiter.current_ !== target ? follow(waiter.current_) : (leave(), resolve())),
            (error) => (waiter.current_ !== target ? follow(waiter.current_) : (leave(), reject(error))),
          );
        void follow(flight);
      });
    },
    abortAll_() {
      all.forEach(abort);
    },
    status_: () => STATUS_RANK[Math.max(0, ...[...all].map((f) => STATUS_RANK.indexOf(f.status_)))] as AuthorizerStatus,
    pendingScopes_: () => [...new Set(([] as string[]).concat(...[...all].map((f) => f.scopes)))],
  };
}
