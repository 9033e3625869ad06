/** requestAuthCode: every failure shape a wallet may answer with, mapped to the contract's codes. */
import { AuthError, requestAuthCode } from '../../utils';
import type { AuthCodeHost, AuthErrorCode, GetAuthCodeCall, RawAuthCodeResult } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf } from './helpers';

type Callback = 'success' | 'fail' | 'failed' | 'complete';

/** A host that answers through one callback with exactly `result`. */
function answerWith(callback: Callback, result: RawAuthCodeResult): AuthCodeHost & { calls: number } {
  const host = {
    calls: 0,
    getAuthCode(call: GetAuthCodeCall) {
      host.calls++;
      void Promise.resolve().then(() => call[callback](result));
    },
  };
  return host;
}

/** The table of CONTRACT.md: wallet code → kit code, retryable. */
const TABLE: Array<[number, AuthErrorCode, boolean]> = [
  [3, 'UNKNOWN', true],
  [1000, 'UNKNOWN', true],
  [1001, 'USER_CANCELLED', false],
  [11, 'USER_CANCELLED', false],
  [1002, 'SERVICE_ERROR', true],
  [1005, 'SERVICE_ERROR', true],
  [12, 'SERVICE_ERROR', true],
  [1003, 'TIMEOUT', true],
  [2001, 'PENDING_AGREEMENT', false],
  [4, 'NO_PERMISSION', false],
  [15, 'NO_PERMISSION', false],
  [40006, 'NO_PERMISSION', false],
  [10, 'EMPTY_RESULT', true],
];

describe('requestAuthCode – failures', () => {
  describe.each(TABLE)('wallet error %d', (platformCode, code, retryable) => {
    it(`rejects ${code} (retryable ${retryable}) and keeps the platform code, through my.getAuthCode fail`, async () => {
      const host = answerWith('fail', { error: platformCode, errorMessage: 'x' });
      const error = await authErrorOf(requestAuthCode(['auth_base'], { host }));
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('AuthError');
      expect(error.code).toBe(code);
      expect(error.platformCode).toBe(platformCode);
      expect(error.retryable).toBe(retryable);
      expect(error.scopes).toEqual(['auth_base']);
      expect(host.calls).toBe(1);
    });

    it(`rejects ${code} when the simulated wallet is told to fail with ${platformCode}`, async () => {
      const sim = createWalletSimulator();
      sim.failNext({ error: platformCode });
      const error = await authErrorOf(requestAuthCode('USER_NAME', { host: sim.my }));
      expect(error.code).toBe(code);
      expect(error.platformCode).toBe(platformCode);
      expect(error.retryable).toBe(retryable);
    });

    it(`rejects ${code} through the raw bridge`, async () => {
      const sim = createWalletSimulator();
      sim.failNext({ error: platformCode });
      const error = await authErrorOf(requestAuthCode('auth_base', { host: sim.bridge }));
      expect(error.code).toBe(code);
      expect(error.platformCode).toBe(platformCode);
    });
  });

  it('maps the error code given as a numeric string', async () => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('fail', { error: '1001' }) }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.platformCode).toBe('1001');
  });

  it.each([99999, 0, -1, 'SOMETHING_NEW'])('maps a code outside the table (%p) to UNKNOWN, keeping platformCode', async (raw) => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('fail', { error: raw }) }));
    expect(error.code).toBe('UNKNOWN');
    expect(error.platformCode).toBe(raw);
    expect(error.retryable).toBe(true);
  });

  it('reads a denial in authErrorScopes alone as USER_CANCELLED for those scopes', async () => {
    const host = answerWith('fail', { authErrorScopes: { auth_user: '10001' } });
    const error = await authErrorOf(requestAuthCode(['auth_base', 'auth_user'], { host }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.scopes).toEqual(['auth_user']);
    expect(error.platformCode).toBe('10001');
    expect(error.retryable).toBe(false);
  });

  it('reads authErrorScopes given as a JSON string', async () => {
    const host = answerWith('fail', { authErrorScopes: '{"USER_NAME":"10001","USER_AVATAR":"10001"}' });
    const error = await authErrorOf(requestAuthCode(['USER_NAME', 'USER_AVATAR'], { host }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.scopes).toEqual(['USER_NAME', 'USER_AVATAR']);
  });

  it('reads the simulated denial (error 1001 with authErrorScopes) with the denied scopes', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const error = await authErrorOf(requestAuthCode(['auth_base', 'USER_NAME'], { host: sim.my }));
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.scopes).toEqual(['USER_NAME']);
  });

  it('reads a denial through the raw bridge: the consent scopes reached the wallet and the user refused', async () => {
    const sim = createWalletSimulator({ user: 'deny' });
    const error = await authErrorOf(requestAuthCode(['auth_base', 'USER_NAME'], { host: sim.bridge }));
    expect(sim.calls).toMatchObject([{ scopes: ['auth_base', 'USER_NAME'], prompted: true, outcome: 'denied' }]);
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.platformCode).toBe(1001);
    expect(error.scopes).toEqual(['USER_NAME']);
  });

  it('reads the simulated authErrorScopes fault, object and string forms', async () => {
    const sim = createWalletSimulator();
    sim.failNext({ authErrorScopes: { USER_NAME: '10001' } });
    sim.failNext({ authErrorScopes: '{"USER_NAME":"10001"}' });
    for (let i = 0; i < 2; i++) {
      const error = await authErrorOf(requestAuthCode('USER_NAME', { host: sim.my }));
      expect(error.code).toBe('USER_CANCELLED');
      expect(error.scopes).toEqual(['USER_NAME']);
    }
  });

  it('listens to the `failed` spelling of the fail callback', async () => {
    const host = answerWith('failed', { error: 1001 });
    const error = await authErrorOf(requestAuthCode('auth_base', { host }));
    expect(error.code).toBe('USER_CANCELLED');
    const sim = createWalletSimulator();
    sim.failNext('failed-spelling');
    expect((await authErrorOf(requestAuthCode('auth_base', { host: sim.my }))).code).toBe('USER_CANCELLED');
  });

  it('reads a failure delivered through `complete` only', async () => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('complete', { error: 2001 }) }));
    expect(error.code).toBe('PENDING_AGREEMENT');
    expect(error.platformCode).toBe(2001);
  });

  it('reads a success delivered through `complete` only', async () => {
    const result = await requestAuthCode('auth_base', { host: answerWith('complete', { authCode: 'via-complete' }) });
    expect(result.authCode).toBe('via-complete');
  });

  it('rejects EMPTY_RESULT for a success without a code', async () => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('success', {}) }));
    expect(error.code).toBe('EMPTY_RESULT');
    expect(error.retryable).toBe(true);
    const sim = createWalletSimulator();
    sim.failNext('empty');
    expect((await authErrorOf(requestAuthCode('auth_base', { host: sim.my }))).code).toBe('EMPTY_RESULT');
  });

  it.each<[string, unknown]>([
    ['a number', 12345],
    ['an object', { value: 'x' }],
    ['an empty string', ''],
    ['a padded string', ' abc '],
    ['a 100 000-character string', 'A'.repeat(100_000)],
  ])('rejects EMPTY_RESULT for a success whose code is %s', async (_label, authCode) => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('success', { authCode }) }));
    expect(error.code).toBe('EMPTY_RESULT');
    expect(error.message.length).toBeLessThan(500);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'oops'],
    ['a number', 42],
  ])('rejects (never throws) when the success result is %s', async (_label, raw) => {
    const host: AuthCodeHost = {
      getAuthCode(call) {
        void Promise.resolve().then(() => call.success(raw as RawAuthCodeResult));
      },
    };
    const error = await authErrorOf(requestAuthCode('auth_base', { host }));
    expect(error.code).toBe('EMPTY_RESULT');
  });

  it('rejects UNKNOWN for a failure with no usable information', async () => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('fail', { errorMessage: 'no code' }) }));
    expect(error.code).toBe('UNKNOWN');
    expect(error.platformCode).toBeUndefined();
  });

  it('ignores a huge platform code instead of keeping it', async () => {
    const error = await authErrorOf(requestAuthCode('auth_base', { host: answerWith('fail', { error: 'E'.repeat(10_000) }) }));
    expect(error.code).toBe('UNKNOWN');
    expect(String(error.platformCode ?? '').length).toBeLessThanOrEqual(64);
  });
});
