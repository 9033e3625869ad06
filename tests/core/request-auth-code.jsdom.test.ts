/**
 * @jest-environment jsdom
 */
/** requestAuthCode in an H5 page (jsdom): the raw bridge announced by `AlipayJSBridgeReady`. */
import { requestAuthCode } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, track } from './helpers';

const g = globalThis as { AlipayJSBridge?: unknown; my?: unknown };

afterEach(() => {
  delete g.AlipayJSBridge;
  delete g.my;
});

test('waits for the bridge and calls it once AlipayJSBridgeReady fires on document', async () => {
  const sim = createWalletSimulator();
  const t = track(requestAuthCode(['auth_base'], { bridgeWaitMs: 10_000 }));
  await Promise.resolve();
  expect(sim.calls).toHaveLength(0);
  g.AlipayJSBridge = sim.bridge;
  document.dispatchEvent(new Event('AlipayJSBridgeReady'));
  const result = await t.promise;
  expect(sim.calls).toHaveLength(1);
  expect(result.grantedScopes).toEqual(['auth_base']);
  expect(sim.exchange(result.authCode).ok).toBe(true);
});

test('uses a bridge that is already there without waiting', async () => {
  const sim = createWalletSimulator();
  g.AlipayJSBridge = sim.bridge;
  const promise = requestAuthCode('auth_base');
  expect(sim.calls).toHaveLength(1);
  await expect(promise).resolves.toMatchObject({ grantedScopes: ['auth_base'] });
});

test('rejects NOT_IN_MINIAPP when the ready event brings no bridge', async () => {
  const t = track(requestAuthCode('auth_base', { bridgeWaitMs: 10_000 }));
  document.dispatchEvent(new Event('AlipayJSBridgeReady'));
  expect((await authErrorOf(t.promise)).code).toBe('NOT_IN_MINIAPP');
});
