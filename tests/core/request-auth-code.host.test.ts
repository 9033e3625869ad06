/** requestAuthCode: where the host comes from, and what is refused before the host is called. */
import { requestAuthCode } from '../../utils';
import type { AuthCodeHost } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, track } from './helpers';

type Globals = { my?: unknown; AlipayJSBridge?: unknown; document?: unknown };
const g = globalThis as Globals;

/** A minimal `document` with the EventTarget methods the bridge wait uses. */
function fakeDocument() {
  const listeners = new Map<string, Set<() => void>>();
  return {
    addEventListener: jest.fn((type: string, l: () => void) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(l);
    }),
    removeEventListener: jest.fn((type: string, l: () => void) => void listeners.get(type)?.delete(l)),
    dispatch(type: string) {
      for (const l of [...(listeners.get(type) ?? [])]) l();
    },
    count(type: string) {
      return listeners.get(type)?.size ?? 0;
    },
  };
}

afterEach(() => {
  delete g.my;
  delete g.AlipayJSBridge;
  delete g.document;
  jest.useRealTimers();
});

describe('requestAuthCode – host resolution', () => {
  it('uses options.host', async () => {
    const sim = createWalletSimulator();
    const result = await requestAuthCode('auth_base', { host: sim.my });
    expect(sim.exchange(result.authCode).ok).toBe(true);
  });

  it('prefers options.host over globalThis.my', async () => {
    const chosen = createWalletSimulator();
    const global = createWalletSimulator();
    g.my = global.my;
    await requestAuthCode('auth_base', { host: chosen.my });
    expect(chosen.calls).toHaveLength(1);
    expect(global.calls).toHaveLength(0);
  });

  it('uses globalThis.my when it has getAuthCode', async () => {
    const sim = createWalletSimulator();
    g.my = sim.my;
    const result = await requestAuthCode('auth_base');
    expect(sim.calls).toHaveLength(1);
    expect(sim.exchange(result.authCode).ok).toBe(true);
  });

  it('prefers globalThis.my over AlipayJSBridge', async () => {
    const viaMy = createWalletSimulator();
    const viaBridge = createWalletSimulator();
    g.my = viaMy.my;
    g.AlipayJSBridge = viaBridge.bridge;
    await requestAuthCode('auth_base');
    expect(viaMy.calls).toHaveLength(1);
    expect(viaBridge.calls).toHaveLength(0);
  });

  it('skips a global `my` without getAuthCode and falls back to AlipayJSBridge', async () => {
    const sim = createWalletSimulator();
    g.my = { getStorageSync() {} };
    g.AlipayJSBridge = sim.bridge;
    await requestAuthCode('auth_base');
    expect(sim.calls).toHaveLength(1);
  });

  it('rejects NOT_IN_MINIAPP without any host (and no document to wait on)', async () => {
    const error = await authErrorOf(requestAuthCode('auth_base'));
    expect(error.code).toBe('NOT_IN_MINIAPP');
    expect(error.retryable).toBe(false);
    expect(error.scopes).toEqual(['auth_base']);
  });

  it('waits for AlipayJSBridgeReady on document when the bridge appears later', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const doc = fakeDocument();
    g.document = doc;
    const sim = createWalletSimulator();
    const t = track(requestAuthCode('auth_base'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(t.settled).toBe(false);
    expect(sim.calls).toHaveLength(0);
    g.AlipayJSBridge = sim.bridge;
    doc.dispatch('AlipayJSBridgeReady');
    await jest.advanceTimersByTimeAsync(0);
    expect(sim.calls).toHaveLength(1);
    const result = await t.promise;
    expect(sim.exchange(result.authCode).ok).toBe(true);
    // The listener was removed and no timer is left behind.
    expect(doc.count('AlipayJSBridgeReady')).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects NOT_IN_MINIAPP when the bridge never comes (bounded by bridgeWaitMs)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const doc = fakeDocument();
    g.document = doc;
    const t = track(requestAuthCode('auth_base', { bridgeWaitMs: 500 }));
    await jest.advanceTimersByTimeAsync(499);
    expect(t.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect((await authErrorOf(t.promise)).code).toBe('NOT_IN_MINIAPP');
    expect(doc.count('AlipayJSBridgeReady')).toBe(0);
  });

  it('waits 3 000 ms for the bridge by default', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    g.document = fakeDocument();
    const t = track(requestAuthCode('auth_base'));
    await jest.advanceTimersByTimeAsync(2_999);
    expect(t.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect((await authErrorOf(t.promise)).code).toBe('NOT_IN_MINIAPP');
  });

  it('rejects NOT_IN_MINIAPP when AlipayJSBridgeReady fires but no bridge is there', async () => {
    const doc = fakeDocument();
    g.document = doc;
    const t = track(requestAuthCode('auth_base'));
    doc.dispatch('AlipayJSBridgeReady');
    expect((await authErrorOf(t.promise)).code).toBe('NOT_IN_MINIAPP');
  });
});

describe('requestAuthCode – input validation', () => {
  const BAD_SCOPES: Array<[string, unknown]> = [
    ['an empty string', ''],
    ['a name with a space', 'a b'],
    ['a number', 5],
    ['an empty array', []],
    ['["__proto__"]', ['__proto__']],
    ['"constructor"', 'constructor'],
    ['"USER NAME"', 'USER NAME'],
    ['a 10 000-character string', 'A'.repeat(10_000)],
    ['null', null],
    ['undefined', undefined],
    ['an object', { scope: 'auth_base' }],
    ['an array with a bad entry', ['auth_base', 'bad-scope']],
    ['an array with a non-string', ['auth_base', 7]],
    ['a name with a dot', 'user.name'],
  ];

  it.each(BAD_SCOPES)('rejects INVALID_SCOPE for %s and never calls the host', async (_label, scopes) => {
    const host = { getAuthCode: jest.fn() };
    const error = await authErrorOf(requestAuthCode(scopes as string, { host }));
    expect(error.code).toBe('INVALID_SCOPE');
    expect(error.retryable).toBe(false);
    expect(host.getAuthCode).not.toHaveBeenCalled();
  });

  it('does not echo a huge scope string into the error message', async () => {
    const error = await authErrorOf(requestAuthCode('A'.repeat(10_000) + ' ', { host: { getAuthCode: jest.fn() } }));
    expect(error.message.length).toBeLessThan(300);
  });

  it('rejects INVALID_SCOPE even with no host at all (validation comes first)', async () => {
    expect((await authErrorOf(requestAuthCode('' as string))).code).toBe('INVALID_SCOPE');
  });

  it.each<[string, unknown]>([
    ['timeoutMs -1', { timeoutMs: -1 }],
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }],
    ['timeoutMs as a string', { timeoutMs: '100' }],
    ['a host without getAuthCode', { host: {} }],
    ['a host with a non-function getAuthCode', { host: { getAuthCode: 'yes' } }],
    ['a null host', { host: null }],
    ['options that are not an object', 'fast'],
  ])('rejects a TypeError for %s and never calls a host', async (_label, options) => {
    const sim = createWalletSimulator();
    g.my = sim.my;
    await expect(requestAuthCode('auth_base', options as { timeoutMs: number })).rejects.toThrow(TypeError);
    expect(sim.calls).toHaveLength(0);
  });

  it('accepts a valid host and timeout', async () => {
    const host: AuthCodeHost = { getAuthCode: (call) => call.success({ authCode: 'x' }) };
    await expect(requestAuthCode('auth_base', { host, timeoutMs: 10 })).resolves.toMatchObject({ authCode: 'x' });
  });
});
