/**
 * Property-based tests (fast-check), long sequences: 6 000 random sequences of up to 60 events
 * (reloads, sign-outs, slow submissions and clock jumps pile up across more steps). Together with
 * ./authorizer.sequences.test.ts (25 000 sequences of up to 25 events) the suite runs 31 000
 * sequences. Model, events and invariants: ./driver.ts.
 *
 * Reproducing a failure: the failure message starts with the seed, the counterexample path and a
 * one-line command, e.g.
 *   FC_SEED=123456789 FC_PATH=42:3:1 npx jest tests/property/authorizer.long-sequences.test.ts
 * FC_RUNS overrides the number of sequences.
 */
import fc from 'fast-check';
import { checkProperty, configArb, eventArb, installHarness, runSequence } from './driver';

installHarness();

const NUM_RUNS = Number(process.env.FC_RUNS) || 6_000;

describe('authorizer × simulated wallet: long random event sequences', () => {
  it(`keeps every invariant over ${NUM_RUNS} sequences of up to 60 events`, async () => {
    await checkProperty(
      'authorizer long sequences (≤ 60 events)',
      'tests/property/authorizer.long-sequences.test.ts',
      fc.asyncProperty(configArb, fc.array(eventArb, { minLength: 10, maxLength: 60 }), async (config, events) => {
        await runSequence(config, events);
      }),
      NUM_RUNS,
    );
  }, 300_000);
});
