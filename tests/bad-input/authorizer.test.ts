/**
 * Bad input to createAuthorizer and the Authorizer: options, authorize scopes and options,
 * consentState, subscribe, setConsentPresenter, and whatever the submit hook resolves or rejects with.
 */
import { AuthError, createAuthorizer, memoryStorage } from '../../utils';
import type { Authorizer, AuthorizerOptions, Session } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { corpus, printCount } from './count';
import { OWN_ERROR, describeError, expectAuthError, expectNoSecret, expectTyped, installPrototypeGuard, outcome, attempt, throwingGetter, watchUnhandled } from './guards';

printCount(__filename);
installPrototypeGuard();

const POLLUTING = () => JSON.parse('{"__proto__":{"polluted":true}}');
const submitOk = async () => ({ ok: true });

function kit(extra: Partial<AuthorizerOptions> = {}) {
  const sim = createWalletSimulator({ user: 'allow' });
  const codes: string[] = [];
  const storage = memoryStorage();
  const writes: string[] = [];
  const recording = { get: storage.get, remove: storage.remove, set: (k: string, v: string) => (writes.push(v), storage.set(k, v)) };
  const authorizer = createAuthorizer({
    host: {
      getAuthCode: (call) =>
        sim.my.getAuthCode({
          ...call,
          success: (r) => {
            if (typeof r.authCode === 'string') codes.push(r.authCode);
            call.success(r);
          },
        }),
    },
    storage: recording,
    engagementTarget: null,
    retryDelayMs: 0,
    submit: submitOk,
    ...extra,
  });
  return { sim, authorizer, codes, writes };
}

function expectCleanSession(session: Session): void {
  expect(Array.isArray(session.scopes)).toBe(true);
  expect(session.scopes.length).toBeGreaterThan(0);
  if (session.expiresAt !== undefined) expect(Number.isFinite(session.expiresAt)).toBe(true);
}

/** Options of a working authorizer: its own wallet and storage, no page to listen to. */
function working(extra: Record<string, unknown> = {}) {
  return { submit: submitOk, host: createWalletSimulator().my, storage: memoryStorage(), engagementTarget: null, ...extra };
}

describe('createAuthorizer options', () => {
  const base = { submit: submitOk };
  const rows: Array<[string, unknown, 'TypeError' | 'ok']> = [
    ['undefined', undefined, 'TypeError'],
    ['null', null, 'TypeError'],
    ['string', 'submit', 'TypeError'],
    ['function', () => undefined, 'TypeError'],
    ['empty object', {}, 'TypeError'],
    ['submit string', { submit: 'https://x' }, 'TypeError'],
    ['submit inherited through __proto__', JSON.parse('{"__proto__":{"submit":"x"}}'), 'TypeError'],
    ['host null', { ...base, host: null }, 'TypeError'],
    ['host string', { ...base, host: 'my' }, 'TypeError'],
    ['host without getAuthCode', { ...base, host: { getStorageSync() {} } }, 'TypeError'],
    ['storage null', { ...base, storage: null }, 'TypeError'],
    ['storage missing remove', { ...base, storage: { get() {}, set() {} } }, 'TypeError'],
    ['storage methods as strings', { ...base, storage: { get: 'a', set: 'b', remove: 'c' } }, 'TypeError'],
    ['now a number', { ...base, now: 5 }, 'TypeError'],
    ['storageKey empty', { ...base, storageKey: '' }, 'TypeError'],
    ['storageKey number', { ...base, storageKey: 1 }, 'TypeError'],
    ['storageKey 100 000 chars', { ...base, storageKey: 'k'.repeat(100_000) }, 'TypeError'],
    ['storageKey __proto__', working({ storageKey: '__proto__' }), 'ok'],
    ['storageKey markup', working({ storageKey: '<img src=x onerror=alert(1)>' }), 'ok'],
    ['maxRetries -1', { ...base, maxRetries: -1 }, 'TypeError'],
    ['maxRetries 1.5', { ...base, maxRetries: 1.5 }, 'TypeError'],
    ['maxRetries 11', { ...base, maxRetries: 11 }, 'TypeError'],
    ['maxRetries "2"', { ...base, maxRetries: '2' }, 'TypeError'],
    ['maxRetries NaN', { ...base, maxRetries: NaN }, 'TypeError'],
    ['codeMaxAgeMs 0', { ...base, codeMaxAgeMs: 0 }, 'TypeError'],
    ['codeMaxAgeMs NaN', { ...base, codeMaxAgeMs: NaN }, 'TypeError'],
    ['codeMaxAgeMs Infinity', { ...base, codeMaxAgeMs: Infinity }, 'TypeError'],
    ['codeMaxAgeMs string', { ...base, codeMaxAgeMs: '300000' }, 'TypeError'],
    ['sessionTtlMs -5', { ...base, sessionTtlMs: -5 }, 'TypeError'],
    ['sessionTtlMs null', { ...base, sessionTtlMs: null }, 'TypeError'],
    ['timeoutMs 0', { ...base, timeoutMs: 0 }, 'TypeError'],
    ['timeoutMs object', { ...base, timeoutMs: {} }, 'TypeError'],
    ['retryDelayMs -1', { ...base, retryDelayMs: -1 }, 'TypeError'],
    ['engagementTarget string', { ...base, engagementTarget: 'window' }, 'TypeError'],
    ['engagementTarget half an EventTarget', { ...base, engagementTarget: { addEventListener() {} } }, 'TypeError'],
    ['options with polluting keys', { ...working(), ...POLLUTING(), constructor: { prototype: { polluted: true } } }, 'ok'],
    // A junk clock falls back to Date.now: the session gets a finite expiry and stays live.
    ['now returning junk', working({ now: () => 'tomorrow', sessionTtlMs: 60_000 }), 'ok'],
    ['now returning NaN', working({ now: () => NaN, sessionTtlMs: 60_000 }), 'ok'],
  ];
  const cases = corpus(rows.map(([name, input, want]) => ({ name: `createAuthorizer(${name})`, input, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const o = await outcome(attempt(() => createAuthorizer(input as AuthorizerOptions)));
    if (want === 'TypeError') {
      if (o.kind !== 'error') throw new Error(`expected the kit's TypeError, got ${o.kind}`);
      expectTyped(o.error, ['TypeError']);
      return;
    }
    if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
    // A working authorizer: a silent scope goes through, and its session is live.
    const a = o.value as Authorizer;
    const session = await outcome(a.authorize('auth_base', { gesture: true }));
    if (session.kind !== 'ok') throw new Error(session.kind === 'error' ? describeError(session.error) : 'authorize hung');
    expectCleanSession(session.value);
    expect(session.value).toMatchObject({ scopes: ['auth_base'], data: { ok: true } });
    expect(a.session()).toEqual(session.value);
  });
});

describe('authorize scopes and options', () => {
  const badScopes: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['empty string', ''],
    ['whitespace', '  '],
    ['space separated', 'USER_NAME USER_AVATAR'],
    ['number', 1],
    ['object', {}],
    ['__proto__', '__proto__'],
    ['[constructor, USER_NAME]', ['constructor', 'USER_NAME']],
    ['[toString]', ['toString']],
    ['markup', '<img src=x onerror=alert(1)>'],
    ['100 000 chars', 'S'.repeat(100_000)],
    ['RTL override', '\u202EUSER_NAME'],
    ['null byte', 'USER_NAME\u0000'],
    ['polluting object', POLLUTING()],
    ['65 scopes', Array.from({ length: 65 }, (_, i) => `S${i}`)],
  ];
  const aborted = new AbortController();
  aborted.abort();
  const badOptions: Array<[string, unknown, string]> = [
    ['options null', null, 'TypeError'],
    ['options string', 'gesture', 'TypeError'],
    ['options true', true, 'TypeError'],
    ['gesture "yes"', { gesture: 'yes' }, 'TypeError'],
    ['gesture 1', { gesture: 1 }, 'TypeError'],
    ['defer "false"', { defer: 'false' }, 'TypeError'],
    ['signal {}', { signal: {} }, 'TypeError'],
    ['signal string', { signal: 'abort' }, 'TypeError'],
    ['signal null', { signal: null }, 'TypeError'],
    ['signal already aborted', { gesture: true, signal: aborted.signal }, 'ABORTED'],
    ['options with polluting keys', { ...POLLUTING(), gesture: true }, 'ok'],
    ['defer false before engagement', { defer: false }, 'FIRST_SCREEN'],
    ['options getter throwing', throwingGetter('gesture'), 'own-error'],
  ];
  const cases = corpus([
    ...badScopes.map(([name, input]) => ({ name: `authorize(${name})`, input: { scopes: input, options: { gesture: true } as unknown }, expect: 'INVALID_SCOPE' })),
    ...badOptions.map(([name, input, want]) => ({ name: `authorize(USER_NAME, ${name})`, input: { scopes: 'USER_NAME' as unknown, options: input }, expect: want })),
  ]);
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const { authorizer, sim } = kit();
    let promise: Promise<Session>;
    try {
      promise = authorizer.authorize(input.scopes as never, input.options as never);
    } catch (error) {
      throw new Error(`authorize threw synchronously: ${describeError(error)}`);
    }
    const o = await outcome(promise);
    if (want === 'ok') {
      if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
      expectCleanSession(o.value);
      return;
    }
    if (o.kind !== 'error') throw new Error(`expected a typed error, got ${o.kind}`);
    if (want === 'own-error') expect(o.error).toBe(OWN_ERROR);
    else expectTyped(o.error, [want]);
    if (want !== 'FIRST_SCREEN') expect(sim.calls).toHaveLength(0);
  });
});

describe('consentState, subscribe and setConsentPresenter', () => {
  const junk: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['number', 3],
    ['string', 'listener'],
    ['object', {}],
    ['polluting object', POLLUTING()],
  ];
  const cases = corpus([
    ...[...junk, ['__proto__', '__proto__'], ['constructor', 'constructor'], ['huge', 'x'.repeat(100_000)], ['array of two', ['USER_NAME', 'USER_AVATAR']]].map(([name, input]) => ({
      name: `consentState(${name})`,
      input,
      // A well-formed name is a scope; an array gives its first scope's state.
      expect: name === 'array of two' || name === 'string' ? 'unknown' : 'INVALID_SCOPE',
    })),
    ...junk.map(([name, input]) => ({ name: `subscribe(${name})`, input, expect: 'TypeError' })),
    ...junk.filter(([n]) => n !== 'null').map(([name, input]) => ({ name: `setConsentPresenter(${name})`, input, expect: 'TypeError' })),
    { name: 'subscribe(listener that throws)', input: 'throwing-listener', expect: 'session' },
    // Its sign-out ends the request under way.
    { name: 'subscribe(listener that signs out and resubscribes)', input: 'reentrant-listener', expect: 'ABORTED' },
    { name: 'setConsentPresenter(presenter that throws)', input: 'throwing-presenter', expect: 'USER_CANCELLED' },
    { name: 'setConsentPresenter(presenter that calls proceed and dismiss twice)', input: 'double-presenter', expect: 'session' },
    { name: 'setConsentPresenter(presenter that never answers, then aborted)', input: 'silent-presenter', expect: 'ABORTED' },
  ]);
  test.each(cases)('$name', async ({ name, input, expect: want }) => {
    const { authorizer } = kit();
    if (name.startsWith('consentState')) {
      const o = await outcome(attempt(() => authorizer.consentState(input as string)));
      if (want === 'unknown') {
        if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
        expect(o.value).toBe('unknown');
      } else {
        if (o.kind !== 'error') throw new Error(`expected INVALID_SCOPE, got ${o.kind === 'ok' ? o.value : 'hang'}`);
        expectAuthError(o.error, ['INVALID_SCOPE']);
      }
      return;
    }
    if (want === 'TypeError') {
      const fn = name.startsWith('subscribe') ? () => authorizer.subscribe(input as never) : () => authorizer.setConsentPresenter(input as never);
      const o = await outcome(attempt(fn));
      if (o.kind !== 'error') throw new Error(`expected the kit's TypeError, got ${o.kind}`);
      expectTyped(o.error, ['TypeError']);
      return;
    }
    const watch = watchUnhandled();
    const reported: unknown[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((e) => void reported.push(e));
    const original = (globalThis as { reportError?: unknown }).reportError;
    (globalThis as { reportError?: unknown }).reportError = (e: unknown) => void reported.push(e);
    try {
      const controller = new AbortController();
      if (input === 'throwing-listener') authorizer.subscribe(() => { throw new Error('listener'); });
      if (input === 'reentrant-listener') {
        let once = false;
        authorizer.subscribe((e) => {
          if (e.type === 'status' && !once) {
            once = true;
            void authorizer.signOut();
            authorizer.subscribe(() => { throw new Error('late'); });
          }
        });
      }
      if (input === 'throwing-presenter') authorizer.setConsentPresenter(() => { throw new Error('presenter'); });
      if (input === 'double-presenter') authorizer.setConsentPresenter((p) => { p.proceed(); p.proceed(); p.dismiss(); p.dismiss(); });
      if (input === 'silent-presenter') {
        authorizer.setConsentPresenter(() => undefined);
        setTimeout(() => controller.abort(), 20);
      }
      const silent = input === 'throwing-listener' || input === 'reentrant-listener';
      if (!silent) authorizer.markEngaged();
      const o = await outcome(authorizer.authorize(silent ? 'auth_base' : 'USER_NAME', silent ? { gesture: true } : { signal: controller.signal }));
      if (o.kind === 'hang') throw new Error('authorize hung');
      if (want === 'session') {
        if (o.kind !== 'ok') throw new Error(describeError(o.error));
        expectCleanSession(o.value);
      } else {
        if (o.kind !== 'error') throw new Error(`expected ${want}, got a session`);
        expectAuthError(o.error, [want]);
      }
    } finally {
      watch.stop();
      spy.mockRestore();
      (globalThis as { reportError?: unknown }).reportError = original;
    }
    expect(watch.errors.map(describeError)).toEqual([]);
  });
});

describe('what the submit hook answers', () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  type Answer = (code: string) => unknown;
  const rows: Array<[string, Answer, 'reject' | 'resolve', string]> = [
    ['rejects with undefined', () => undefined, 'reject', 'BACKEND_ERROR'],
    ['rejects with null', () => null, 'reject', 'BACKEND_ERROR'],
    ['rejects with a number', () => 500, 'reject', 'BACKEND_ERROR'],
    ['rejects with a string holding the code', (c) => `bad code ${c}`, 'reject', 'BACKEND_ERROR'],
    ['rejects with an Error holding the code', (c) => new Error(`code ${c} refused`), 'reject', 'BACKEND_ERROR'],
    ['rejects with {code: INVALID_CODE} plain object', () => ({ code: 'INVALID_CODE' }), 'reject', 'CODE_REJECTED'],
    ['rejects with {code: "__proto__"}', () => ({ code: '__proto__' }), 'reject', 'BACKEND_ERROR'],
    ['rejects with {code: 123}', () => ({ code: 123 }), 'reject', 'BACKEND_ERROR'],
    ['rejects with {code: 1 MB}', () => ({ code: 'X'.repeat(1 << 20) }), 'reject', 'BACKEND_ERROR'],
    ['rejects with {code: the auth code}', (c) => ({ code: c, message: c }), 'reject', 'BACKEND_ERROR'],
    ['rejects with {status: "500", retryable: "yes"}', () => ({ status: '500', retryable: 'yes' }), 'reject', 'BACKEND_ERROR'],
    ['rejects with a polluting object', () => JSON.parse('{"__proto__":{"polluted":true},"code":"INVALID_CODE"}'), 'reject', 'CODE_REJECTED'],
    ['rejects with an object whose code getter throws', () => Object.defineProperty({}, 'code', { get() { throw new Error('code getter'); } }), 'reject', 'BACKEND_ERROR'],
    ['rejects with a Proxy throwing on every trap', () => new Proxy({}, { get() { throw new Error('trap'); } }), 'reject', 'BACKEND_ERROR'],
    ['rejects with a revoked Proxy', () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; }, 'reject', 'BACKEND_ERROR'],
    ['rejects with an AuthError holding the code', (c) => new AuthError('BACKEND_ERROR', { message: `code ${c}` }), 'reject', 'BACKEND_ERROR'],
    ['throws synchronously', () => { throw new Error('sync'); }, 'resolve', 'BACKEND_ERROR'],
    ['resolves undefined', () => undefined, 'resolve', 'session'],
    ['resolves null', () => null, 'resolve', 'session'],
    ['resolves a 1 MB string', () => 'd'.repeat(1 << 20), 'resolve', 'session'],
    ['resolves the code itself', (c) => c, 'resolve', 'BACKEND_ERROR'],
    ['resolves an object echoing the code', (c) => ({ token: c }), 'resolve', 'BACKEND_ERROR'],
    ['resolves expiresAt junk', () => ({ expiresAt: 'not a date' }), 'resolve', 'session'],
    ['resolves expiresAt -Infinity', () => ({ expiresAt: -Infinity }), 'resolve', 'session'],
    ['resolves expiresAt as an object', () => ({ expiresAt: { valueOf: () => 1 } }), 'resolve', 'session'],
    ['resolves a polluting object', () => JSON.parse('{"__proto__":{"polluted":true},"user":1}'), 'resolve', 'session'],
    // What cannot be stored as JSON is refused before anything is kept.
    ['resolves a circular object', () => circular, 'resolve', 'BACKEND_ERROR'],
    ['resolves a BigInt', () => BigInt(10), 'resolve', 'BACKEND_ERROR'],
    ['resolves an object whose toJSON throws', () => ({ toJSON() { throw new Error('toJSON'); } }), 'resolve', 'BACKEND_ERROR'],
    ['resolves a Proxy throwing on every trap', () => new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } }), 'resolve', 'BACKEND_ERROR'],
    ['resolves a thenable that rejects with the code', (c) => ({ then: (_: unknown, rej: (e: unknown) => void) => rej(new Error(c)) }), 'resolve', 'BACKEND_ERROR'],
  ];
  const cases = corpus(rows.map(([name, answer, how, want]) => ({ name: `submit ${name}`, input: { answer, how }, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const submit = jest.fn((code: string) => {
      const value = input.answer(code);
      return input.how === 'reject' ? Promise.reject(value) : Promise.resolve(value);
    });
    if (input.answer.toString().includes("throw new Error('sync')")) submit.mockImplementation(() => { throw new Error('sync'); });
    const { authorizer, codes, writes } = kit({ submit, maxRetries: 0 });
    const watch = watchUnhandled();
    let o: Awaited<ReturnType<typeof outcome<Session>>>;
    try {
      o = await outcome(authorizer.authorize('auth_base', { gesture: true }));
      await new Promise((r) => setImmediate(r));
    } finally {
      watch.stop();
    }
    expect(watch.errors.map(describeError)).toEqual([]);
    if (o.kind === 'hang') throw new Error('authorize hung');
    expect(codes.length).toBeGreaterThan(0);
    // The code is never stored, whatever the backend answered.
    for (const code of codes) for (const w of writes) expect(w.includes(code)).toBe(false);
    if (want === 'session') {
      if (o.kind !== 'ok') throw new Error(describeError(o.error));
      expectCleanSession(o.value);
      expect(authorizer.session()).not.toBeNull();
      return;
    }
    if (o.kind !== 'error') throw new Error(`expected ${want}, got a session`);
    expectAuthError(o.error, [want]);
    for (const code of codes) expectNoSecret(o.error, code);
    // A failed submission stores no session.
    expect(authorizer.session()).toBeNull();
  });
});
