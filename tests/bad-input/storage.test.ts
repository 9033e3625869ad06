/**
 * Corrupted, foreign or hostile values in storage, adapters that throw or answer junk, and
 * memoryStorage with junk: the authorizer starts from an empty state and never throws.
 */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { Authorizer, StorageAdapter } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { corpus, printCount } from './count';
import { describeError, expectAuthError, installPrototypeGuard, outcome, watchUnhandled } from './guards';

printCount(__filename);
installPrototypeGuard();

const KEY = 'miniapp-auth-kit';
const future = Date.now() + 3_600_000;
const good = (session: unknown, consent: unknown = {}) => JSON.stringify({ v: 1, session, consent });

/** [name, stored value, expected session scopes (null: none), expected consentState(USER_NAME)] */
const VALUES: Array<[string, unknown, string[] | null, string]> = [
  ['empty string', '', null, 'unknown'],
  ['not JSON', '{session:', null, 'unknown'],
  ['truncated JSON', good({ scopes: ['auth_base'] }).slice(0, 20), null, 'unknown'],
  ['JSON null', 'null', null, 'unknown'],
  ['JSON number', '42', null, 'unknown'],
  ['JSON string', '"hello"', null, 'unknown'],
  ['JSON array', '[1,2,3]', null, 'unknown'],
  ['wrong version 2', JSON.stringify({ v: 2, session: { scopes: ['auth_base'] }, consent: { USER_NAME: 'granted' } }), null, 'unknown'],
  ['version as string "1"', JSON.stringify({ v: '1', session: { scopes: ['auth_base'] } }), null, 'unknown'],
  ['no version', JSON.stringify({ session: { scopes: ['auth_base'] } }), null, 'unknown'],
  ['session a string', good('token'), null, 'unknown'],
  ['session scopes a string', good({ scopes: 'auth_base' }), null, 'unknown'],
  ['session scopes empty', good({ scopes: [] }), null, 'unknown'],
  ['session scopes junk items', good({ scopes: ['auth_base', 1, null] }), null, 'unknown'],
  ['session scopes __proto__', good({ scopes: ['__proto__'] }), null, 'unknown'],
  ['session scopes markup', good({ scopes: ['<img src=x onerror=alert(1)>'] }), null, 'unknown'],
  ['session expiresAt string', good({ scopes: ['auth_base'], expiresAt: 'tomorrow' }), null, 'unknown'],
  ['session expiresAt past', good({ scopes: ['auth_base'], expiresAt: 1 }), null, 'unknown'],
  ['valid session (sanity)', good({ scopes: ['auth_base'], data: { id: 1 }, expiresAt: future }), ['auth_base'], 'unknown'],
  ['session data with __proto__', `{"v":1,"session":{"scopes":["auth_base"],"data":{"__proto__":{"polluted":true}}},"consent":{}}`, ['auth_base'], 'unknown'],
  ['top-level __proto__', `{"__proto__":{"polluted":true},"v":1,"session":null,"consent":{}}`, null, 'unknown'],
  ['__proto__ as version carrier', `{"__proto__":{"v":1},"session":{"scopes":["auth_base"]}}`, null, 'unknown'],
  ['consent __proto__ key', `{"v":1,"session":null,"consent":{"__proto__":{"polluted":true},"USER_NAME":"granted"}}`, null, 'granted'],
  ['consent __proto__ state', `{"v":1,"session":null,"consent":{"__proto__":"granted"}}`, null, 'unknown'],
  ['consent constructor/prototype', `{"v":1,"session":null,"consent":{"constructor":{"prototype":{"polluted":true}},"prototype":"denied"}}`, null, 'unknown'],
  ['consent as an array', good(null, ['granted']), null, 'unknown'],
  ['consent junk states', good(null, { USER_NAME: 'yes', USER_AVATAR: 1 }), null, 'unknown'],
  ['consent denied (sanity)', good(null, { USER_NAME: 'denied' }), null, 'denied'],
  ['consent with markup key', good(null, { '<img src=x onerror=alert(1)>': 'granted' }), null, 'unknown'],
  ['10 MB string', 'x'.repeat(10 * 1024 * 1024), null, 'unknown'],
  ['10 MB valid-looking JSON', good({ scopes: ['auth_base'], data: 'd'.repeat(10 * 1024 * 1024) }), null, 'unknown'],
  ['deeply nested JSON', '{"v":1,"session":' + '['.repeat(5000) + ']'.repeat(5000) + '}', null, 'unknown'],
  ['foreign app value', JSON.stringify({ token: 'abc', user: { name: 'x' }, expires: 1 }), null, 'unknown'],
  ['foreign app plain string', 'eyJhbGciOiJIUzI1NiJ9.e30.sig', null, 'unknown'],
  ['null bytes', '\u0000\u0000', null, 'unknown'],
  ['BOM before JSON', '\uFEFF' + good({ scopes: ['auth_base'] }), null, 'unknown'],
  ['number value', 12345, null, 'unknown'],
  ['object value', { v: 1, session: { scopes: ['auth_base'] } }, null, 'unknown'],
  ['array value', ['a'], null, 'unknown'],
  ['boolean value', true, null, 'unknown'],
];

function adapterReturning(value: unknown): StorageAdapter {
  return { get: () => value as string, set: () => undefined, remove: () => undefined };
}

async function check(authorizer: Authorizer, scopes: string[] | null, consent: string): Promise<void> {
  await authorizer.ready();
  const session = authorizer.session();
  if (scopes === null) expect(session).toBeNull();
  else expect(session?.scopes).toEqual(scopes);
  expect(authorizer.consentState('USER_NAME')).toBe(consent);
  expect(authorizer.consentState('auth_base')).toBe('granted');
  const snap = authorizer.snapshot();
  expect(Object.getPrototypeOf(snap.consent)).toBe(Object.prototype);
  for (const [k, v] of Object.entries(snap.consent)) {
    expect(k).toMatch(/^[A-Za-z0-9_]{1,64}$/);
    expect(['granted', 'denied']).toContain(v);
  }
}

function make(storage: StorageAdapter): { authorizer: Authorizer } {
  const sim = createWalletSimulator();
  return { authorizer: createAuthorizer({ host: sim.my, storage, engagementTarget: null, retryDelayMs: 0, submit: async () => ({ ok: 1 }) }) };
}

describe('stored values', () => {
  const cases = corpus(
    VALUES.flatMap(([name, value, scopes, consent]) => [
      { name: `sync adapter: ${name}`, input: { kind: 'sync', value }, expect: { scopes, consent } },
      { name: `async adapter: ${name}`, input: { kind: 'async', value }, expect: { scopes, consent } },
      ...(typeof value === 'string' ? [{ name: `my.getStorageSync: ${name}`, input: { kind: 'my', value }, expect: { scopes, consent } }] : []),
    ]),
  );
  test.each(cases)('$name', async ({ input, expect: want }) => {
    let authorizer: Authorizer;
    if (input.kind === 'my') {
      const sim = createWalletSimulator({ storage: { [KEY]: input.value as string } });
      authorizer = createAuthorizer({ host: sim.my, engagementTarget: null, submit: async () => ({}) });
    } else {
      const storage = input.kind === 'sync' ? adapterReturning(input.value) : { get: async () => input.value as string, set: async () => undefined, remove: async () => undefined };
      ({ authorizer } = make(storage));
    }
    await check(authorizer, want.scopes, want.consent);
  });
});

describe('adapters that misbehave', () => {
  const thrower = (what: string) => () => {
    throw new Error(`${what} failed`);
  };
  const rows: Array<[string, StorageAdapter]> = [
    ['get throws', { get: thrower('get'), set: () => undefined, remove: () => undefined }],
    ['get rejects', { get: () => Promise.reject(new Error('get')), set: () => undefined, remove: () => undefined }],
    ['get returns a thenable that throws', { get: () => ({ then() { throw new Error('then'); } }) as never, set: () => undefined, remove: () => undefined }],
    ['get returns a thenable that never settles', { get: () => ({ then() {} }) as never, set: () => undefined, remove: () => undefined }],
    ['get returns a Proxy', { get: () => new Proxy({}, { get() { throw new Error('trap'); } }) as never, set: () => undefined, remove: () => undefined }],
    ['get returns a function', { get: () => (() => 'x') as never, set: () => undefined, remove: () => undefined }],
    ['set throws', { get: () => null, set: thrower('set'), remove: () => undefined }],
    ['set rejects', { get: () => null, set: () => Promise.reject(new Error('quota')), remove: () => undefined }],
    ['set returns junk', { get: () => null, set: () => 42 as never, remove: () => undefined }],
    ['remove throws', { get: () => null, set: () => undefined, remove: thrower('remove') }],
    ['every method throws', { get: thrower('get'), set: thrower('set'), remove: thrower('remove') }],
    ['get returns another key\'s 10 MB value', { get: () => 'z'.repeat(10 * 1024 * 1024), set: () => undefined, remove: () => undefined }],
  ];
  const cases = corpus(rows.map(([name, adapter]) => ({ name, input: adapter, expect: name.includes('never settles') ? 'waits' : 'session' })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const watch = watchUnhandled();
    try {
      let authorizer!: Authorizer;
      expect(() => ({ authorizer } = make(input))).not.toThrow();
      const o = await outcome(authorizer.authorize('auth_base', { gesture: true }), 500);
      if (want === 'waits') {
        // A read that never answers: the call waits for it, and an abort still ends it.
        expect(o.kind).toBe('hang');
        const c = new AbortController();
        const p = outcome(authorizer.authorize('auth_base', { signal: c.signal }));
        c.abort();
        const aborted = await p;
        if (aborted.kind !== 'error') throw new Error(`expected ABORTED, got ${aborted.kind}`);
        expectAuthError(aborted.error, ['ABORTED']);
      } else {
        if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
        expect(o.value.scopes).toEqual(['auth_base']);
        await expect(authorizer.signOut()).resolves.toBeUndefined();
        expect(authorizer.session()).toBeNull();
      }
      await new Promise((r) => setImmediate(r));
    } finally {
      watch.stop();
    }
    expect(watch.errors.map(describeError)).toEqual([]);
  });
});

describe('memoryStorage with junk', () => {
  const rows: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'abc'],
    ['a number', 42],
    ['an array', ['x']],
    ['a polluting object', JSON.parse('{"__proto__":{"polluted":true}}')],
    ['a non-string value under the key', { [KEY]: 123 }],
    ['an object value under the key', { [KEY]: { v: 1 } }],
    ['constructor key', { constructor: 'x', [KEY]: 'not json' }],
  ];
  const cases = corpus(rows.map(([name, input]) => ({ name: `memoryStorage(${name})`, input, expect: 'empty' })));
  test.each(cases)('$name', async ({ input }) => {
    let storage!: StorageAdapter;
    expect(() => (storage = memoryStorage(input as Record<string, string>))).not.toThrow();
    // Keys that exist on Object.prototype are plain keys, not inherited members.
    const own = input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, '__proto__');
    // Not inherited: `__proto__` reads back only what was really given under that key.
    expect(storage.get('__proto__')).toEqual(own ? (input as Record<string, unknown>)['__proto__'] : null);
    expect(storage.get('toString')).toBeNull();
    storage.set('__proto__', 'v');
    expect(storage.get('__proto__')).toBe('v');
    const { authorizer } = make(storage);
    await check(authorizer, null, 'unknown');
  });
});
