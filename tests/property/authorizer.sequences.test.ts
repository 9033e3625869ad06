/**
 * Property-based tests (fast-check): random sequences of user and system events – taps,
 * navigation, allow/deny/dismiss/partial answers, every wallet error (a page that never answers
 * too), submit failures (network, 5xx, 429, 4xx, refused code, slow), abort, sign-out, reload from
 * storage, clock jumps and timer flushes, consent sheets answered "Continue" or "Not now" – driven
 * through one authorizer, or two on one page over one host, over synchronous or asynchronous
 * storage, and the simulated wallet. The model, the events and the invariants (checked after every
 * step) are in ./driver.ts.
 *
 * This file: 25 000 sequences of up to 25 events. ./authorizer.long-sequences.test.ts adds 6 000
 * sequences of up to 60 events.
 *
 * Reproducing a failure: the failure message starts with the seed, the counterexample path and a
 * one-line command, e.g.
 *   FC_SEED=123456789 FC_PATH=42:3:1 npx jest tests/property/authorizer.sequences.test.ts
 * With FC_PATH set, fast-check replays exactly the (shrunk) failing sequence; FC_SEED alone
 * replays the whole run from that seed. FC_RUNS overrides the number of sequences (a longer soak).
 * The message also carries the step log of the failing sequence (events, wallet calls,
 * submissions and how each authorize call settled).
 */
import fc from 'fast-check';
import { checkProperty, configArb, eventArb, installHarness, runSequence } from './driver';

installHarness();

const NUM_RUNS = Number(process.env.FC_RUNS) || 25_000;

describe('authorizer × simulated wallet: random event sequences', () => {
  it(`keeps every invariant over ${NUM_RUNS} sequences of up to 25 events`, async () => {
    await checkProperty(
      'authorizer sequences (≤ 25 events)',
      'tests/property/authorizer.sequences.test.ts',
      fc.asyncProperty(configArb, fc.array(eventArb, { minLength: 1, maxLength: 25 }), async (config, events) => {
        await runSequence(config, events);
      }),
      NUM_RUNS,
    );
  }, 300_000);
});
