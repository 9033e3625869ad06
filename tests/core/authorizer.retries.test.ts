/** createAuthorizer: bounded retries with backoff for silent scopes; consent prompts never repeated. */
import { createAuthorizer } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, track } from './helpers';

afterEach(() => {
  jest.useRealTimers();
});

const TRANSIENT: Array<[number, string]> = [
  [1002, 'SERVICE_ERROR'],
  [1003, 'TIMEOUT'],
  [12, 'SERVICE_ERROR'],
  [10, 'EMPTY_RESULT'],
];

describe('authorizer – retries', () => {
  it.each(TRANSIENT)('retries wallet error %d on a silent scope and succeeds', async (error) => {
    const sim = createWalletSimulator();
    sim.failNext({ error }, 2);
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null, retryDelayMs: 0 });
    await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
    expect(sim.calls).toHaveLength(3);
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it.each(TRANSIENT)('gives up on wallet error %d after maxRetries and rejects %s', async (error, code) => {
    const sim = createWalletSimulator();
    sim.failNext({ error }, 10);
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null, retryDelayMs: 0, maxRetries: 3 });
    const failure = await authErrorOf(auth.authorize('auth_base'));
    expect(failure.code).toBe(code);
    expect(failure.platformCode).toBe(error);
    expect(sim.calls).toHaveLength(4);
    expect(submit).not.toHaveBeenCalled();
  });

  it('waits with exponential backoff between attempts (fake timers)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const sim = createWalletSimulator();
    sim.failNext({ error: 1002 }, 2);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, retryDelayMs: 1_000 });
    const t = track(auth.authorize('auth_base'));
    await jest.advanceTimersByTimeAsync(0);
    expect(sim.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(sim.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sim.calls).toHaveLength(2);
    // Second wait is twice as long.
    await jest.advanceTimersByTimeAsync(1_999);
    expect(sim.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(sim.calls).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(0);
    expect(t.settled).toBe(true);
    expect(t.error).toBeUndefined();
  });

  it('defaults to 2 retries', async () => {
    const sim = createWalletSimulator();
    sim.failNext({ error: 1002 }, 10);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, retryDelayMs: 0 });
    await authErrorOf(auth.authorize('auth_base'));
    expect(sim.calls).toHaveLength(3);
  });

  it('retries a silent call that never answers (TIMEOUT), bounded', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const sim = createWalletSimulator();
    sim.failNext('hang', 10);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, timeoutMs: 1_000, retryDelayMs: 0, maxRetries: 1 });
    const t = track(auth.authorize('auth_base'));
    await jest.advanceTimersByTimeAsync(999);
    expect(sim.calls).toHaveLength(1);
    expect(t.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(10);
    expect(sim.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(t.settled).toBe(true);
    expect((t.error as { code?: string }).code).toBe('TIMEOUT');
    expect(sim.calls).toHaveLength(2);
  });

  it.each([4, 15, 40006, 2001, 1001])('does not retry the non-transient wallet error %d', async (error) => {
    const sim = createWalletSimulator();
    sim.failNext({ error }, 5);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, retryDelayMs: 0 });
    await authErrorOf(auth.authorize('auth_base'));
    expect(sim.calls).toHaveLength(1);
  });

  it('maxRetries: 0 turns retries off', async () => {
    const sim = createWalletSimulator();
    sim.failNext({ error: 1002 }, 5);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, maxRetries: 0 });
    await authErrorOf(auth.authorize('auth_base'));
    expect(sim.calls).toHaveLength(1);
  });

  it.each(TRANSIENT)('never repeats a consent prompt (gesture) after wallet error %d', async (error, code) => {
    const sim = createWalletSimulator();
    sim.failNext({ error }, 5);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, retryDelayMs: 0 });
    const failure = await authErrorOf(auth.authorize(['auth_base', 'USER_NAME'], { gesture: true }));
    expect(failure.code).toBe(code);
    expect(sim.calls).toHaveLength(1);
  });

  it('never repeats a deferred consent prompt after a transient error', async () => {
    const sim = createWalletSimulator();
    sim.failNext({ error: 1002 }, 5);
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, retryDelayMs: 0 });
    const t = track(auth.authorize('USER_NAME'));
    auth.markEngaged();
    await t.promise.catch(() => undefined);
    expect((t.error as { code?: string }).code).toBe('SERVICE_ERROR');
    expect(sim.calls).toHaveLength(1);
  });

  it('does not retry a consent scope granted before (fetched silently) either', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: fakeBackend(sim, () => ({ expiresAt: 0 })).submit, host: sim.my, engagementTarget: null, retryDelayMs: 0 });
    await auth.authorize('USER_NAME', { gesture: true });
    sim.failNext({ error: 1002 }, 5);
    await authErrorOf(auth.authorize('USER_NAME'));
    expect(sim.calls).toHaveLength(2);
  });
});
