/** requestAuthCode settles exactly once, whatever the host does. */
import { requestAuthCode } from '../../utils';
import type { AuthCodeHost, GetAuthCodeCall } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, flush, track } from './helpers';

/** A host whose answer is a script run synchronously inside getAuthCode, or later. */
function scripted(run: (call: GetAuthCodeCall) => unknown): AuthCodeHost {
  return { getAuthCode: (call) => run(call) };
}

describe('requestAuthCode – settles exactly once', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('keeps the first success when success fires twice (and ignores a fail after)', async () => {
    const sim = createWalletSimulator();
    sim.failNext('double');
    const result = await requestAuthCode('auth_base', { host: sim.my });
    // The first code is the real one; the second (code + "X") is not a code of this wallet.
    expect(sim.exchange(result.authCode)).toMatchObject({ ok: true });
  });

  it('keeps the first of two synchronous successes', async () => {
    const host = scripted((call) => {
      call.success({ authCode: 'first' });
      call.success({ authCode: 'second' });
      call.complete({ authCode: 'third' });
    });
    await expect(requestAuthCode('auth_base', { host })).resolves.toMatchObject({ authCode: 'first' });
  });

  it('keeps a success when fail fires after it', async () => {
    const host = scripted((call) => {
      call.success({ authCode: 'ok' });
      call.fail({ error: 1001 });
      call.failed({ error: 1001 });
    });
    await expect(requestAuthCode('auth_base', { host })).resolves.toMatchObject({ authCode: 'ok' });
  });

  it('keeps the first failure when fail then failed fire', async () => {
    const host = scripted((call) => {
      call.fail({ error: 1001 });
      call.failed({ error: 1002 });
      call.success({ authCode: 'late' });
    });
    const error = await authErrorOf(requestAuthCode('auth_base', { host }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.platformCode).toBe(1001);
  });

  it('lets success/fail win over a complete fired before them in the same task', async () => {
    const host = scripted((call) => {
      call.complete({ error: 1002 });
      call.success({ authCode: 'ok' });
    });
    await expect(requestAuthCode('auth_base', { host })).resolves.toMatchObject({ authCode: 'ok' });
  });

  it('rejects (does not throw) when the host throws synchronously', async () => {
    const sim = createWalletSimulator();
    sim.failNext('throw');
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = requestAuthCode('auth_base', { host: sim.my });
    }).not.toThrow();
    const error = await authErrorOf(promise as Promise<unknown>);
    expect(error.code).toBe('UNKNOWN');
  });

  it('keeps a success delivered before the host throws', async () => {
    const host = scripted((call) => {
      call.success({ authCode: 'ok' });
      throw new Error('bridge crashed after answering');
    });
    await expect(requestAuthCode('auth_base', { host })).resolves.toMatchObject({ authCode: 'ok' });
  });

  it('rejects TIMEOUT after timeoutMs when no callback ever fires', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const sim = createWalletSimulator();
    sim.failNext('hang');
    const t = track(requestAuthCode('auth_base', { host: sim.my, timeoutMs: 5_000 }));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(t.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(t.settled).toBe(true);
    const error = await authErrorOf(t.promise);
    expect(error.code).toBe('TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.platformCode).toBeUndefined();
  });

  it('times out after 60 000 ms by default', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const t = track(requestAuthCode('auth_base', { host: scripted(() => undefined) }));
    await jest.advanceTimersByTimeAsync(59_999);
    expect(t.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect((await authErrorOf(t.promise)).code).toBe('TIMEOUT');
  });

  it('ignores a late answer after the timeout', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    let saved: GetAuthCodeCall | undefined;
    const t = track(requestAuthCode('auth_base', { host: scripted((call) => void (saved = call)), timeoutMs: 100 }));
    await jest.advanceTimersByTimeAsync(100);
    expect(() => saved?.success({ authCode: 'late' })).not.toThrow();
    expect((await authErrorOf(t.promise)).code).toBe('TIMEOUT');
  });

  it('does not time out once answered (no stray timer rejects later)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const t = track(requestAuthCode('auth_base', { host: scripted((call) => call.success({ authCode: 'ok' })), timeoutMs: 100 }));
    await jest.advanceTimersByTimeAsync(0);
    expect(t.value).toMatchObject({ authCode: 'ok' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('accepts a promise-returning host that resolves with the result', async () => {
    const host: AuthCodeHost = { getAuthCode: () => Promise.resolve({ authCode: 'from-promise', authSuccessScopes: ['auth_base'] }) };
    await expect(requestAuthCode('auth_base', { host })).resolves.toEqual({
      authCode: 'from-promise',
      grantedScopes: ['auth_base'],
      failedScopes: {},
    });
  });

  it('accepts a promise-returning host that rejects with a wallet error', async () => {
    const host: AuthCodeHost = { getAuthCode: () => Promise.reject({ error: 1001, errorMessage: 'cancel' }) };
    const error = await authErrorOf(requestAuthCode('auth_base', { host }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.platformCode).toBe(1001);
  });

  it('settles once when a promise-returning host also calls back', async () => {
    const host: AuthCodeHost = {
      getAuthCode(call) {
        call.success({ authCode: 'callback' });
        return Promise.resolve({ authCode: 'promise' });
      },
    };
    const t = track(requestAuthCode('auth_base', { host }));
    await flush();
    expect(t.value).toMatchObject({ authCode: 'callback' });
  });

  it('calls the host synchronously, before requestAuthCode returns', () => {
    const sim = createWalletSimulator();
    const before = sim.calls.length;
    const promise = requestAuthCode('USER_NAME', { host: sim.my });
    expect(sim.calls.length).toBe(before + 1);
    return promise;
  });

  it('calls the raw bridge synchronously too', () => {
    const sim = createWalletSimulator();
    const promise = requestAuthCode('auth_base', { host: sim.bridge });
    expect(sim.calls).toHaveLength(1);
    return promise;
  });
});
