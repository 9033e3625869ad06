/** The simulator's raw bridge answers every fault the way `my` does: one callback, once. */
import { requestAuthCode } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf } from './helpers';

test("a 'failed-spelling' fault reaches the bridge's callback as a cancellation", async () => {
  const sim = createWalletSimulator();
  sim.failNext('failed-spelling');
  const error = await authErrorOf(requestAuthCode('USER_NAME', { host: sim.bridge, timeoutMs: 1_000 }));
  expect(error).toMatchObject({ code: 'USER_CANCELLED', platformCode: 1001 });
});

test("a 'complete-only' fault reaches the bridge's callback with the code (authcode spelling)", async () => {
  const sim = createWalletSimulator();
  sim.failNext('complete-only');
  const result = await requestAuthCode(['auth_base', 'USER_NAME'], { host: sim.bridge, timeoutMs: 1_000 });
  expect(sim.exchange(result.authCode)).toMatchObject({ ok: true, scopes: ['auth_base', 'USER_NAME'] });
});

test("a 'double' fault calls the bridge's callback once", async () => {
  const sim = createWalletSimulator();
  sim.failNext('double');
  const heard: unknown[] = [];
  sim.bridge.call('getAuthCode', { scopeNicks: ['auth_base'] }, (result) => heard.push(result));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(heard).toHaveLength(1);
  expect(heard[0]).toMatchObject({ authcode: expect.any(String) });
});
