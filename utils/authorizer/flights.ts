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
  live(epoch: number): Flight[];
  /** A new flight, registered but not started (so callers can be moved onto it first). */
  create(scopes: string[], epoch: number): Flight;
  launch(flight: Flight, gesture: boolean): void;
  /** One caller waiting for a flight; rejects ABORTED when `signal` aborts first. */
  waitFor(flight: Flight, signal: AbortSignal | undefined): Promise<void>;
  /** A tap takes over a request still waiting for the user: its callers now wait for `into`. */
  absorb(waiting: Flight, into: Flight): void;
  abortAll(): void;
  /** The most advanced status of the flights. */
  status(): AuthorizerStatus;
  pendingScopes(): string[];
}

export function createFlights(run: (flight: Flight, gesture: boolean) => Promise<void>, onEnd: (flight: Flight) => void): Flights {
  const all = new Set<Flight>();

  function waitFor(flight: Flight, signal: AbortSignal | undefined): Promise<void> {
    const waiter: Waiter = { current: flight };
    flight.waiters.add(waiter);
    return new Promise<void>((resolve, reject) => {
      let left = false;
      let off = () => undefined as void;
      const leave = () => {
        if (left) return;
        left = true;
        off();
        const f = waiter.current;
        f.waiters.delete(waiter);
        // No one waits any more: the flight is aborted.
        if (f.waiters.size === 0 && all.has(f)) f.controller.abort();
      };
      off = onAbort(signal, () => (leave(), reject(aborted(flight.scopes))));
      const follow = (target: Flight): Promise<void> =>
        target.promise.then(
          () => (waiter.current !== target ? follow(waiter.current) : (leave(), resolve())),
          (error) => (waiter.current !== target ? follow(waiter.current) : (leave(), reject(error))),
        );
      void follow(flight);
    });
  }

  return {
    live: (epoch) => [...all].filter((f) => f.epoch === epoch && !f.controller.signal.aborted),
    create(scopes, epoch) {
      const flight: Flight = { scopes, epoch, controller: createAbortController(), status: 'idle', waiters: new Set(), promise: Promise.resolve() };
      all.add(flight);
      return flight;
    },
    launch(flight, gesture) {
      const end = () => {
        all.delete(flight);
        flight.controller.abort();
        onEnd(flight);
      };
      // `then(end, end)` rather than `finally`: DSL engines may predate ES2018 built-ins.
      flight.fresh = true;
      flight.tap = gesture;
      flight.promise = run(flight, gesture).then(end, (error) => (end(), Promise.reject(error)));
      flight.fresh = flight.tap = false;
      // Errors reach callers through waitFor; never leave an unhandled rejection behind.
      flight.promise.catch(() => undefined);
    },
    waitFor,
    absorb(waiting, into) {
      for (const w of waiting.waiters) {
        w.current = into;
        into.waiters.add(w);
      }
      waiting.waiters.clear();
      waiting.controller.abort();
    },
    abortAll() {
      for (const f of all) f.controller.abort();
    },
    status: () => STATUS_RANK[Math.max(0, ...[...all].map((f) => STATUS_RANK.indexOf(f.status)))] as AuthorizerStatus,
    pendingScopes: () => [...new Set(([] as string[]).concat(...[...all].map((f) => f.scopes)))],
  };
}
