/**
 * A call that waited for the prompt lock asks the wallet only for what the user has not refused
 * since its request began, also when it runs without waiting for engagement (a later call of a
 * plan, a tap that found the lock busy): the user's refusal in another page's prompt is never
 * followed by the same prompt again without a new tap. Found by the property suite (two pages, a
 * plan's later call queued behind the other page's prompt for the same scope).
 */
import type { WalletSimulator } from '../../utils/testing';
import { twoPages, authErrorOf, flush } from './helpers';

/** The wallet's consent pages that asked for `scope`, answered or open. */
const promptsFor = (sim: WalletSimulator, scope: string) => sim.calls.filter((c) => c.prompted && c.scopes.includes(scope)).length;

it("a plan's later call queued behind another page's prompt for the same scope rejects DENIED once the user refuses there", async () => {
  const { sim, a, b } = twoPages('manual');
  a.markEngaged();
  b.markEngaged();
  // Page B taps: profile first, then contact details (a later call of its plan, no new tap).
  const tap = authErrorOf(b.authorize(['USER_NAME', 'USER_CONTACTINFO'], { gesture: true }));
  // Page A, engaged, asks for the same two without a tap: its calls wait for the lock.
  const deferred = authErrorOf(a.authorize(['USER_NAME', 'USER_CONTACTINFO']));
  await flush();
  expect(sim.prompts.map((p) => p.scopes)).toEqual([['USER_NAME']]);
  sim.prompts[0]!.allow();
  await flush(20);
  // Page B's contact prompt is open; page A's later call waits for it.
  expect(sim.prompts.map((p) => p.scopes)).toEqual([['USER_CONTACTINFO']]);
  sim.prompts[0]!.deny();
  await flush(20);
  expect(promptsFor(sim, 'USER_CONTACTINFO')).toBe(1);
  expect(sim.prompts).toHaveLength(0);
  expect((await deferred).code).toBe('DENIED');
  expect((await tap).code).toBe('USER_CANCELLED');
  expect(a.consentState('USER_CONTACTINFO')).toBe('denied');
});

it('a tap that found the lock busy does not re-ask a scope refused while it waited; a new tap does', async () => {
  const { sim, a, b } = twoPages('manual');
  a.markEngaged();
  const first = a.authorize('USER_CONTACTINFO', { gesture: true });
  await flush();
  // Page B's tap while page A's prompt is open: it waits for the lock.
  const second = authErrorOf(b.authorize('USER_CONTACTINFO', { gesture: true }));
  await flush();
  expect(sim.prompts).toHaveLength(1);
  sim.prompts[0]!.deny();
  await expect(first).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  await flush(20);
  expect(promptsFor(sim, 'USER_CONTACTINFO')).toBe(1);
  expect((await second).code).toBe('DENIED');
  // A new tap asks again.
  const again = b.authorize('USER_CONTACTINFO', { gesture: true });
  await flush();
  expect(promptsFor(sim, 'USER_CONTACTINFO')).toBe(2);
  sim.prompts[0]!.allow();
  await expect(again).resolves.toMatchObject({ scopes: ['USER_CONTACTINFO'] });
});
