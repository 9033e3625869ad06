/**
 * Secrets hygiene: an auth code is never stored, logged, put in an error or handed to subscribers,
 * whatever happens to it (granted, refused, stale, timed out, echoed by the backend…).
 */
import { AuthError, createAuthorizer, isAuthError } from '../../utils';
import type { Authorizer, AuthorizerOptions, SubmitContext } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { flush, recordingHost, recordingStorage, track } from './helpers';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'group', 'assert'] as const;

function describeValue(value: unknown): string {
  if (value instanceof Error) {
    let json = '';
    try {
      json = JSON.stringify(value);
    } catch {
      json = '';
    }
    const e = value as Error & { platformCode?: unknown; cause?: unknown };
    return [String(value), value.message, value.stack ?? '', json, String(e.platformCode ?? ''), e.cause === undefined ? '' : describeValue(e.cause)].join('\n');
  }
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

type Mode = 'ok' | 'refuse-once' | 'refuse-always' | 'down' | 'leaky-error' | 'echo';

test('no auth code ever reaches storage, the console, an error or a subscriber', async () => {
  const texts: string[] = [];
  const spies = CONSOLE_METHODS.map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void texts.push(args.map(describeValue).join(' '))),
  );
  try {
    const sim = createWalletSimulator();
    const { my, codes } = recordingHost(sim);
    const storage = recordingStorage();
    let mode: Mode = 'ok';
    let refusedInFlow = 0;
    const submitted = new Set<string>();
    const submit = async (code: string, _ctx: SubmitContext) => {
      submitted.add(code);
      switch (mode) {
        case 'refuse-once':
          if (refusedInFlow++ === 0) throw Object.assign(new Error('refused'), { code: 'USED_CODE' });
          return { user: 'u1' };
        case 'refuse-always':
          throw Object.assign(new Error(`code ${code} is expired`), { code: 'EXPIRED_CODE' });
        case 'down':
          throw Object.assign(new Error('Service Unavailable'), { status: 503 });
        case 'leaky-error':
          // A careless backend hook that puts the code in its error.
          throw Object.assign(new Error(`could not exchange ${code}`), { status: 400, detail: { authCode: code } });
        case 'echo':
          return { user: 'u1', debugCode: code };
        default:
          return { user: 'u1' };
      }
    };

    const authorizers: Authorizer[] = [];
    const make = (extra: Partial<AuthorizerOptions> = {}) => {
      const auth = createAuthorizer({ submit, host: my, storage, engagementTarget: null, retryDelayMs: 0, ...extra });
      auth.subscribe((event, snapshot) => {
        texts.push(JSON.stringify(event), JSON.stringify(snapshot));
        if (event.type === 'error') texts.push(describeValue(event.error));
      });
      auth.subscribe(() => {
        throw new Error('a listener that throws');
      });
      authorizers.push(auth);
      return auth;
    };
    const run = async (promise: Promise<unknown>) => {
      try {
        texts.push(describeValue(await promise));
      } catch (error) {
        expect(isAuthError(error)).toBe(true);
        texts.push(describeValue(error));
      }
    };

    const auth = make();
    // Success, silent and with consent.
    await run(auth.authorize('auth_base'));
    await run(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true }));
    // Denial and partial grant.
    sim.setUser('deny');
    await run(auth.authorize('USER_GENDER', { gesture: true }));
    sim.setUser({ allow: ['USER_BIRTHDAY'] });
    await run(auth.authorize(['USER_BIRTHDAY', 'USER_NATIONALITY'], { gesture: true }));
    sim.setUser('allow');
    // Refused code, once and twice.
    mode = 'refuse-once';
    refusedInFlow = 0;
    await run(auth.authorize('USER_CONTACTINFO', { gesture: true }));
    mode = 'refuse-always';
    await run(auth.authorize('NOTIFICATION_INBOX', { gesture: true }));
    // Backend errors, including a hook whose error carries the code.
    mode = 'down';
    await run(auth.authorize('CARD_LIST', { gesture: true }));
    mode = 'leaky-error';
    await run(auth.authorize('CARD_LIST', { gesture: true }));
    // A backend answer echoing the code.
    mode = 'echo';
    await run(auth.authorize('AGREEMENT_PAY', { gesture: true }));
    mode = 'ok';
    // Odd wallets: double success, complete only.
    sim.failNext('double');
    await run(auth.authorize('HASH_LOGIN_ID'));
    sim.failNext('complete-only');
    await run(auth.authorize('USER_LOGIN_ID'));
    await run(auth.signOut());

    // Stale codes (the clock runs ten minutes per reading).
    let t = 0;
    const stale = make({ now: () => (t += 10 * 60_000), storageKey: 'stale-app' });
    await run(stale.authorize('auth_base'));

    // A wallet that answers after the timeout: the late code is dropped.
    const slowSim = createWalletSimulator({ latencyMs: 40 });
    const slow = recordingHost(slowSim);
    const late = createAuthorizer({ submit, host: slow.my, storage, storageKey: 'late-app', engagementTarget: null, timeoutMs: 10, maxRetries: 0 });
    late.subscribe((event, snapshot) => void texts.push(JSON.stringify(event), JSON.stringify(snapshot)));
    const lateError = await late.authorize('auth_base').catch((e: unknown) => e);
    expect(lateError).toMatchObject({ code: 'TIMEOUT' });
    texts.push(describeValue(lateError));
    await new Promise((resolve) => setTimeout(resolve, 80));
    await flush();
    // The wallet did hand out a code, after the kit had given up on it.
    expect(slow.codes.size).toBe(1);
    for (const c of slow.codes) codes.add(c);

    // A deferred consent prompt, dismissed on the sheet, then aborted.
    const sheet = make({ storageKey: 'sheet-app' });
    sheet.setConsentPresenter((pending) => pending.proceed());
    sheet.markEngaged();
    await run(sheet.authorize('USER_NAME'));
    const controller = new AbortController();
    const aborted = track(sheet.authorize('auth_user', { signal: controller.signal, gesture: true }));
    controller.abort();
    await run(aborted.promise);

    for (const a of authorizers) texts.push(JSON.stringify(a.snapshot()), JSON.stringify(a.session()));
    texts.push(...storage.writes, ...storage.map.values(), ...sim.storage.values());

    // The flows really handled codes: granted, refused, stale, late, echoed.
    expect(codes.size).toBeGreaterThanOrEqual(12);
    expect(submitted.size).toBeGreaterThanOrEqual(8);
    expect([...submitted].every((c) => codes.has(c))).toBe(true);
    expect(texts.length).toBeGreaterThan(50);

    const leaks: string[] = [];
    for (const code of codes) {
      for (const text of texts) if (text.includes(code)) leaks.push(`${code.slice(0, 6)}… in ${text.slice(0, 120)}`);
    }
    expect(leaks).toEqual([]);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
});

test('requestAuthCode errors do not carry a code the wallet sent along with a failure', async () => {
  const code = 'SECRET-CODE-1234567890';
  const hosts = [
    { getAuthCode: (c: { fail: (r: unknown) => void }) => c.fail({ error: 1001, authCode: 'x', authcode: code }) },
    { getAuthCode: (c: { success: (r: unknown) => void }) => c.success({ authCode: 42, note: code }) },
    { getAuthCode: () => Promise.reject(Object.assign(new Error(`bridge: ${code}`), { authCode: code })) },
  ];
  const { requestAuthCode } = await import('../../utils');
  for (const host of hosts) {
    let error: unknown;
    try {
      await requestAuthCode('auth_base', { host: host as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect(describeValue(error)).not.toContain(code);
  }
});
