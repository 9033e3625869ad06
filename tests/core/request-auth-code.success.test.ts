/** requestAuthCode: the success shapes a wallet may answer with. */
import { requestAuthCode } from '../../utils';
import type { AlipayBridgeHost, AuthCodeHost, GetAuthCodeCall, RawAuthCodeResult } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';

/** A host that answers `success` with exactly `result` on the next microtask. */
function succeedWith(result: RawAuthCodeResult): AuthCodeHost & { calls: GetAuthCodeCall[] } {
  const calls: GetAuthCodeCall[] = [];
  return {
    calls,
    getAuthCode(call) {
      calls.push(call);
      void Promise.resolve().then(() => call.success(result));
    },
  };
}

describe('requestAuthCode – success', () => {
  it('resolves the code and the granted scopes from the wallet simulator', async () => {
    const sim = createWalletSimulator();
    const result = await requestAuthCode(['auth_base', 'USER_ID'], { host: sim.my });
    expect(typeof result.authCode).toBe('string');
    expect(result.authCode.length).toBeGreaterThan(0);
    expect(result.grantedScopes).toEqual(['auth_base', 'USER_ID']);
    expect(result.failedScopes).toEqual({});
    // The code is a real, single-use code of this wallet.
    expect(sim.exchange(result.authCode)).toMatchObject({ ok: true, scopes: ['auth_base', 'USER_ID'] });
    expect(sim.exchange(result.authCode)).toEqual({ ok: false, error: 'USED_CODE' });
  });

  it('always passes scopes to the wallet as an array, even for a single string', async () => {
    const host = succeedWith({ authCode: 'c1' });
    await requestAuthCode('auth_base', { host });
    expect(host.calls).toHaveLength(1);
    expect(host.calls[0]?.scopes).toEqual(['auth_base']);
  });

  it('de-duplicates the requested scopes', async () => {
    const host = succeedWith({ authCode: 'c1' });
    const result = await requestAuthCode(['auth_base', 'auth_base', 'USER_ID'], { host });
    expect(host.calls[0]?.scopes).toEqual(['auth_base', 'USER_ID']);
    expect(result.grantedScopes).toEqual(['auth_base', 'USER_ID']);
  });

  it('reads the `authcode` spelling of the raw AlipayJSBridge passed as options.host', async () => {
    const sim = createWalletSimulator();
    const result = await requestAuthCode('auth_base', { host: sim.bridge });
    expect(result.grantedScopes).toEqual(['auth_base']);
    expect(sim.exchange(result.authCode).ok).toBe(true);
    expect(sim.calls.map((c) => c.scopes)).toEqual([['auth_base']]);
  });

  it('asks the raw bridge for consent scopes in scopeNicks; the user allows them and the `authcode` is read', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const answers: RawAuthCodeResult[] = [];
    const bridge: AlipayBridgeHost = { call: (api, params, cb) => sim.bridge.call(api, params, (r) => (answers.push(r), cb(r))) };
    const result = await requestAuthCode(['USER_NAME', 'USER_AVATAR'], { host: bridge });
    expect(sim.calls).toMatchObject([{ scopes: ['USER_NAME', 'USER_AVATAR'], prompted: true, outcome: 'granted' }]);
    expect(answers).toEqual([expect.objectContaining({ authcode: result.authCode, authCode: undefined })]);
    expect(result.grantedScopes).toEqual(['USER_NAME', 'USER_AVATAR']);
    expect(sim.exchange(result.authCode)).toMatchObject({ ok: true, scopes: ['USER_NAME', 'USER_AVATAR'] });
  });

  it('reports a partial success through the raw bridge: the user allows only part', async () => {
    const sim = createWalletSimulator({ user: { allow: ['USER_NAME'] } });
    const result = await requestAuthCode(['auth_base', 'USER_NAME', 'USER_AVATAR'], { host: sim.bridge });
    expect(sim.calls).toMatchObject([{ scopes: ['auth_base', 'USER_NAME', 'USER_AVATAR'], prompted: true, outcome: 'partial' }]);
    expect(result.grantedScopes).toEqual(['auth_base', 'USER_NAME']);
    expect(result.failedScopes).toEqual({ USER_AVATAR: '10001' });
  });

  it('uses globalThis.AlipayJSBridge when there is no `my`', async () => {
    const sim = createWalletSimulator();
    const g = globalThis as { AlipayJSBridge?: unknown; my?: unknown };
    expect(g.my).toBeUndefined();
    g.AlipayJSBridge = sim.bridge;
    try {
      const result = await requestAuthCode('auth_base');
      expect(sim.exchange(result.authCode).ok).toBe(true);
      expect(sim.calls).toHaveLength(1);
    } finally {
      delete g.AlipayJSBridge;
    }
  });

  it('works without authSuccessScopes: every requested scope is granted', async () => {
    const result = await requestAuthCode(['auth_base', 'USER_NAME'], { host: succeedWith({ authCode: 'abc' }) });
    expect(result).toEqual({ authCode: 'abc', grantedScopes: ['auth_base', 'USER_NAME'], failedScopes: {} });
  });

  it('works with authSuccessScopes listing the scopes', async () => {
    const result = await requestAuthCode(['auth_base', 'USER_NAME'], {
      host: succeedWith({ authCode: 'abc', authSuccessScopes: ['auth_base', 'USER_NAME'] }),
    });
    expect(result).toEqual({ authCode: 'abc', grantedScopes: ['auth_base', 'USER_NAME'], failedScopes: {} });
  });

  it('ignores junk in authSuccessScopes', async () => {
    const result = await requestAuthCode('auth_base', {
      host: succeedWith({ authCode: 'abc', authSuccessScopes: ['auth_base', 5, null, '__proto__', 'a b'] }),
    });
    expect(result.grantedScopes).toEqual(['auth_base']);
  });

  it('reports a partial success: authErrorScopes as an object', async () => {
    const result = await requestAuthCode(['auth_base', 'USER_NAME', 'USER_AVATAR'], {
      host: succeedWith({ authCode: 'abc', authSuccessScopes: ['auth_base', 'USER_NAME'], authErrorScopes: { USER_AVATAR: '10001' } }),
    });
    expect(result.authCode).toBe('abc');
    expect(result.grantedScopes).toEqual(['auth_base', 'USER_NAME']);
    expect(result.failedScopes).toEqual({ USER_AVATAR: '10001' });
  });

  it('reports a partial success: authErrorScopes as a JSON string (old SuperQi page)', async () => {
    const result = await requestAuthCode(['USER_NAME', 'USER_AVATAR'], {
      host: succeedWith({ authCode: 'abc', authErrorScopes: JSON.stringify({ USER_AVATAR: '10001' }) }),
    });
    expect(result.grantedScopes).toEqual(['USER_NAME']);
    expect(result.failedScopes).toEqual({ USER_AVATAR: '10001' });
  });

  it('reports a partial success from the simulated user who allows only part', async () => {
    const sim = createWalletSimulator({ user: { allow: ['USER_NAME'] } });
    const result = await requestAuthCode(['USER_NAME', 'USER_AVATAR'], { host: sim.my });
    expect(result.grantedScopes).toEqual(['USER_NAME']);
    expect(Object.keys(result.failedScopes)).toEqual(['USER_AVATAR']);
    expect(typeof result.failedScopes.USER_AVATAR).toBe('string');
  });

  it('drops hostile keys of authErrorScopes without polluting prototypes', async () => {
    const result = await requestAuthCode(['USER_NAME'], {
      host: succeedWith({ authCode: 'abc', authErrorScopes: '{"__proto__":{"polluted":"1"},"constructor":"1","USER_NAME":"10001"}' }),
    });
    expect(result.failedScopes).toEqual({ USER_NAME: '10001' });
    expect(Object.getPrototypeOf(result.failedScopes)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('accepts the `complete` callback alone', async () => {
    const sim = createWalletSimulator();
    sim.failNext('complete-only');
    const result = await requestAuthCode('auth_base', { host: sim.my });
    expect(sim.exchange(result.authCode).ok).toBe(true);
  });
});
