/**
 * The backend section of `npm run bench` (issue 9, item 11), run briefly: the load comes from another
 * process than the servers (a generator sharing the backend's thread would take its CPU and understate
 * it), no exchange fails, and both bounds are reported: the merchant's own (one RSA sign + one verify
 * per exchange) and the whole loop's (the wallet's verify + sign too, so twice the work). No speed is
 * asserted here: figures come from `npm run bench` only.
 */
import { loadRepoModule } from '../demo-server/helpers';

jest.setTimeout(60_000);

it('generates the load from another process, loses no exchange, and reports both RSA bounds', async () => {
  const bench = await loadRepoModule('bench/backend.mjs');
  const result = await bench.measureBackend({ ms: 600, concurrency: 4, rsaMs: 300 });
  expect(result.load.pid).toEqual(expect.any(Number));
  expect(result.load.pid).not.toBe(process.pid);
  expect(result.failed).toBe(0);
  expect(result.done).toBeGreaterThan(0);
  expect(result.perSecond).toBeGreaterThan(0);
  expect(result.rsaPairsPerSecond).toBeGreaterThan(0);
  expect(result.bounds).toEqual({ merchant: result.rsaPairsPerSecond, loop: result.rsaPairsPerSecond / 2 });
});
