/** createAuthorizer: the submit hook (once per code, one fresh code after a refusal, code age, echoes). */
import { createAuthorizer, memoryStorage, type AuthCodeHost } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, recordingHost, recordingStorage } from './helpers';

function refusal(code: string): Error {
  return Object.assign(new Error(`backend says ${code}`), { code });
}

describe('authorizer – submit', () => {
  it('passes the code, the scopes, attempt 1 and an AbortSignal', async () => {
    const sim = createWalletSimulator();
    let abortedDuringSubmit: boolean | undefined;
    const submit = jest.fn(async (_code: string, ctx: { signal: AbortSignal }) => {
      abortedDuringSubmit = ctx.signal.aborted;
      return { ok: true };
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    await auth.authorize(['auth_base', 'USER_ID']);
    expect(submit).toHaveBeenCalledTimes(1);
    const [code, ctx] = submit.mock.calls[0] as [string, { scopes: string[]; attempt: number; signal: AbortSignal }];
    expect(sim.exchange(code).ok).toBe(true);
    expect(ctx.scopes).toEqual(['auth_base', 'USER_ID']);
    expect(ctx.attempt).toBe(1);
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(abortedDuringSubmit).toBe(false);
  });

  it.each(['USED_CODE', 'INVALID_CODE', 'EXPIRED_CODE', 'CODE_REJECTED'])(
    'after a refused code (%s), submits exactly one fresh code once, as attempt 2',
    async (code) => {
      const sim = createWalletSimulator();
      const { submit, submitted } = fakeBackend(sim, (_r, i) => {
        if (i === 0) throw refusal(code);
        return undefined;
      });
      const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
      const session = await auth.authorize('auth_base');
      expect(session.scopes).toEqual(['auth_base']);
      expect(submitted.map((s) => s.attempt)).toEqual([1, 2]);
      expect(new Set(submitted.map((s) => s.code)).size).toBe(2);
      expect(sim.calls).toHaveLength(2);
    },
  );

  it('gets the fresh code for a consent scope without a second prompt', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim, (_r, i) => {
      if (i === 0) throw refusal('USED_CODE');
      return undefined;
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    await auth.authorize('USER_NAME', { gesture: true });
    expect(sim.calls.map((c) => c.prompted)).toEqual([true, false]);
    expect(submitted.map((s) => s.scopes)).toEqual([['USER_NAME'], ['USER_NAME']]);
  });

  it('rejects CODE_REJECTED when the fresh code is refused too (no third code)', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim, () => {
      throw refusal('EXPIRED_CODE');
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const error = await authErrorOf(auth.authorize('auth_base'));
    expect(error.code).toBe('CODE_REJECTED');
    expect(error.platformCode).toBe('EXPIRED_CODE');
    expect(error.scopes).toEqual(['auth_base']);
    expect(submitted.map((s) => s.attempt)).toEqual([1, 2]);
    expect(new Set(submitted.map((s) => s.code)).size).toBe(2);
    expect(sim.calls).toHaveLength(2);
    expect(auth.session()).toBeNull();
  });

  it('detects a refusal given as platformCode on an error object', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim, (_r, i) => {
      if (i === 0) throw Object.assign(new Error('refused'), { code: 'BACKEND_ERROR', platformCode: 'USED_CODE' });
      return undefined;
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    expect(submitted.map((s) => s.attempt)).toEqual([1, 2]);
  });

  it('really exchanges single-use codes: a backend that sees a reused code would refuse it', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    await auth.authorize('auth_base');
    await auth.authorize('USER_NAME', { gesture: true });
    await auth.authorize(['USER_CONTACTINFO', 'NOTIFICATION_INBOX'], { gesture: true });
    const codes = submitted.map((s) => s.code);
    expect(codes).toHaveLength(3);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each<[string, unknown, boolean, number | undefined]>([
    ['an HTTP 503', { status: 503 }, true, 503],
    ['an HTTP 500', { status: 500 }, true, 500],
    ['an HTTP 429', { status: 429 }, true, 429],
    ['an error without status (network)', {}, true, undefined],
    ['an HTTP 400', { status: 400 }, false, 400],
    ['an HTTP 401', { status: 401 }, false, 401],
    ['an HTTP 404', { status: 404 }, false, 404],
  ])('maps %s to BACKEND_ERROR (retryable %s)', async (_label, props, retryable, status) => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim, () => {
      throw Object.assign(new Error('backend failed'), props);
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    const error = await authErrorOf(auth.authorize('auth_base'));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.scopes).toEqual(['auth_base']);
    // Not retried with the same code, and no fresh code for a non-refusal.
    expect(submitted).toHaveLength(1);
    expect(sim.calls).toHaveLength(1);
    expect(auth.session()).toBeNull();
  });

  it('maps a rejection with a non-error value to BACKEND_ERROR', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit: () => Promise.reject('nope'), host: sim.my, engagementTarget: null });
    expect((await authErrorOf(auth.authorize('auth_base'))).code).toBe('BACKEND_ERROR');
    const auth2 = createAuthorizer({ submit: () => Promise.reject(null), host: sim.my, engagementTarget: null });
    expect((await authErrorOf(auth2.authorize('auth_base'))).code).toBe('BACKEND_ERROR');
  });

  it('uses a new code for the next call after a backend error', async () => {
    const sim = createWalletSimulator();
    const { submit, submitted } = fakeBackend(sim, (_r, i) => {
      if (i === 0) throw Object.assign(new Error('down'), { status: 503 });
      return undefined;
    });
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    await authErrorOf(auth.authorize('auth_base'));
    await auth.authorize('auth_base');
    expect(submitted).toHaveLength(2);
    expect(submitted[0]?.code).not.toBe(submitted[1]?.code);
    expect(submitted.map((s) => s.attempt)).toEqual([1, 1]);
  });

  it('never submits a code older than codeMaxAgeMs (the clock runs ahead between every read)', async () => {
    let t = 0;
    // Every reading of the clock is ten minutes after the previous one.
    const now = () => (t += 10 * 60_000);
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, now, engagementTarget: null });
    const error = await authErrorOf(auth.authorize('auth_base'));
    expect(error.code).toBe('CODE_REJECTED');
    expect(submit).not.toHaveBeenCalled();
    // One fresh code was tried, then nothing more.
    expect(sim.calls).toHaveLength(2);
  });

  it('submits when the same clock steps stay under codeMaxAgeMs', async () => {
    let t = 0;
    const now = () => (t += 60_000);
    const sim = createWalletSimulator();
    const { submit } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, now, engagementTarget: null, codeMaxAgeMs: 10 * 60_000 });
    await auth.authorize('auth_base');
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it('replaces a code that went stale before submission by one fresh code', async () => {
    let t = 1_000;
    const now = () => t;
    const sim = createWalletSimulator({ now });
    const { my, codes } = recordingHost(sim);
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: my, now, engagementTarget: null, codeMaxAgeMs: 60_000 });
    // The app's own listener is slow (or the app was backgrounded) right after the first code came in.
    let jumped = false;
    auth.subscribe((event) => {
      if (event.type === 'consent' && !jumped) {
        jumped = true;
        t += 120_000;
      }
    });
    await auth.authorize('auth_base');
    const issued = [...codes];
    expect(issued).toHaveLength(2);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.code).toBe(issued[1]);
    expect(submitted[0]?.attempt).toBe(2);
  });

  it('does not store a backend answer that echoes the code', async () => {
    const sim = createWalletSimulator();
    const storage = recordingStorage();
    const { my, codes } = recordingHost(sim);
    const submit = jest.fn(async (code: string) => ({ session: 'abc', debug: { received: code } }));
    const auth = createAuthorizer({ submit, host: my, storage, engagementTarget: null });
    const error = await authErrorOf(auth.authorize('auth_base'));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.retryable).toBe(false);
    expect(auth.session()).toBeNull();
    expect(codes.size).toBe(1);
    const [code] = [...codes] as [string];
    expect(storage.writes.some((w) => w.includes(code))).toBe(false);
    expect(error.message).not.toContain(code);
    expect(JSON.stringify(auth.snapshot())).not.toContain(code);
  });

  // JSON escapes these codes, so the stored text never contains them as they are.
  describe.each([
    ['a quote', 'ab"cd'],
    ['a backslash', 'ab\\cd'],
    ['a control character', 'ab\u0001cd'],
    ['a non-ASCII letter', 'abçdé'],
  ])('a wallet code with %s', (_what, code) => {
    const walletWith = (authCode: string): AuthCodeHost => ({
      getAuthCode: (call) => void Promise.resolve().then(() => call.success({ authCode })),
    });

    it.each([
      ['as a value', (c: string) => ({ t: c })],
      ['inside a longer value', (c: string) => ({ note: `got ${c}!` })],
      ['as a key', (c: string) => ({ [c]: true })],
      ['deep in a list', (c: string) => ({ list: [1, { deeper: [c] }] })],
    ])('echoed %s is refused, not stored', async (_where, answer) => {
      const storage = recordingStorage();
      const auth = createAuthorizer({ submit: async (c: string) => answer(c), host: walletWith(code), storage, engagementTarget: null });
      const error = await authErrorOf(auth.authorize('auth_base'));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(auth.session()).toBeNull();
      expect(storage.writes.some((w) => JSON.parse(w.slice(w.indexOf('=') + 1)).session !== null)).toBe(false);
    });
  });

  describe('an echo in another form', () => {
    // A code with characters that percent-encoding changes.
    const CODE = '28100103_Ab+Cd/Ef=Gh~Ij+Kl/Mn=Op';
    const walletWith = (codes: string[]): AuthCodeHost => ({
      getAuthCode: (call) => void Promise.resolve().then(() => call.success({ authCode: codes.shift() as string })),
    });
    const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
    const everyCharEncoded = (s: string) => [...s].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('');

    it.each<[string, (c: string) => unknown]>([
      ['URL-encoded', (c) => ({ redirect: `https://shop.example/cb?code=${encodeURIComponent(c)}&x=1` })],
      ['URL-encoded twice', (c) => ({ next: encodeURIComponent(encodeURIComponent(c)) })],
      ['percent-encoded character by character, lower case', (c) => ({ t: everyCharEncoded(c) })],
      ['URL-encoded as a key', (c) => ({ [encodeURIComponent(c)]: 1 })],
    ])('%s is refused, not stored', async (_how, answer) => {
      const storage = recordingStorage();
      const auth = createAuthorizer({ submit: async (c: string) => answer(c), host: walletWith([CODE]), storage, engagementTarget: null });
      const error = await authErrorOf(auth.authorize('auth_base'));
      expect(error).toMatchObject({ code: 'BACKEND_ERROR', retryable: false });
      expect(auth.session()).toBeNull();
      expect(storage.writes.some((w) => JSON.parse(w.slice(w.indexOf('=') + 1)).session !== null)).toBe(false);
    });

    it('the code of a non-ASCII wallet, percent-encoded, is refused too', async () => {
      const code = 'çode-é-' + 'x'.repeat(20);
      const auth = createAuthorizer({ submit: async (c: string) => ({ u: encodeURIComponent(c) }), host: walletWith([code]), storage: memoryStorage(), engagementTarget: null });
      expect((await authErrorOf(auth.authorize('auth_base'))).code).toBe('BACKEND_ERROR');
    });

    it.each<[string, (first: string) => unknown]>([
      ['as it is', (first) => ({ first })],
      ['URL-encoded', (first) => ({ note: `replaces ${encodeURIComponent(first)}` })],
    ])('after a refused code, an answer carrying the first code %s is refused', async (_how, answer) => {
      const FIRST = CODE;
      const SECOND = '28100103_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2';
      const submitted: string[] = [];
      const submit = async (c: string) => (submitted.push(c), submitted.length === 1 ? Promise.reject(refusal('USED_CODE')) : answer(FIRST));
      const auth = createAuthorizer({ submit, host: walletWith([FIRST, SECOND]), storage: memoryStorage(), engagementTarget: null });
      const error = await authErrorOf(auth.authorize('auth_base'));
      expect(submitted).toEqual([FIRST, SECOND]);
      expect(error).toMatchObject({ code: 'BACKEND_ERROR', retryable: false });
      expect(auth.session()).toBeNull();
    });

    it('an answer with unrelated encoded values is stored (no false echo)', async () => {
      const data = { token: b64url(JSON.stringify({ sub: 'u1', iat: 1 })), cb: encodeURIComponent('https://x.example/?a=b+c') };
      const auth = createAuthorizer({ submit: async () => data, host: walletWith([CODE]), storage: memoryStorage(), engagementTarget: null });
      await expect(auth.authorize('auth_base')).resolves.toMatchObject({ data });
    });
  });

  it('stores what the backend answered as the session data', async () => {
    const sim = createWalletSimulator();
    const storage = memoryStorage();
    const auth = createAuthorizer({ submit: async () => ({ sessionId: 's-1', name: 'Ali' }), host: sim.my, storage, engagementTarget: null });
    const session = await auth.authorize('auth_base');
    expect(session.data).toEqual({ sessionId: 's-1', name: 'Ali' });
    const reloaded = createAuthorizer({ submit: async () => null, host: sim.my, storage, engagementTarget: null });
    expect(reloaded.session()?.data).toEqual({ sessionId: 's-1', name: 'Ali' });
  });
});
