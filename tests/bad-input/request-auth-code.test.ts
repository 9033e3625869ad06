/**
 * Bad input to requestAuthCode: junk scopes and options, and every shape a host may hand to
 * success / fail / failed / complete (and the raw bridge, promise-style hosts, throwing hosts).
 */
import { AuthError, requestAuthCode } from '../../utils';
import type { AuthCodeResult, GetAuthCodeCall } from '../../utils';
import { corpus, printCount } from './count';
import { OWN_ERROR, describeError, expectAuthError, expectCleanResult, expectNoSecret, expectTyped, installPrototypeGuard, outcome, throwingGetter, watchUnhandled } from './guards';

printCount(__filename);
installPrototypeGuard();

const SECRET = 'SECRETCODE0123456789';
const MB_CODE = 'C'.repeat(1 << 20);
const okHost = { getAuthCode: (c: { success: (r: unknown) => void }) => c.success({ authCode: SECRET }) };

function throwing(field: string): Record<string, unknown> {
  return Object.defineProperty({ authCode: SECRET }, field, {
    enumerable: true,
    get() {
      throw new Error(`getter ${field} (${SECRET})`);
    },
  });
}

const trapAll = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('get trap');
      },
      has() {
        throw new Error('has trap');
      },
      ownKeys() {
        throw new Error('ownKeys trap');
      },
      getOwnPropertyDescriptor() {
        throw new Error('gOPD trap');
      },
      getPrototypeOf() {
        throw new Error('getPrototypeOf trap');
      },
    },
  );

function revoked(): object {
  const r = Proxy.revocable({ authCode: SECRET }, {});
  r.revoke();
  return r.proxy;
}

function deep(levels: number): unknown {
  let v: unknown = '1001';
  for (let i = 0; i < levels; i++) v = { USER_NAME: v };
  return v;
}

type Want = 'ok' | 'error';
/** [name, payload factory, what a success callback with it gives]. Fail-type callbacks always give an error. */
const SHAPES: Array<[string, () => unknown, Want]> = [
  ['undefined', () => undefined, 'error'],
  ['null', () => null, 'error'],
  ['0', () => 0, 'error'],
  ['42', () => 42, 'error'],
  ['NaN', () => NaN, 'error'],
  ['true', () => true, 'error'],
  ['empty string', () => '', 'error'],
  ['the code as a bare string', () => SECRET, 'error'],
  ['1 MB string', () => MB_CODE, 'error'],
  ['empty array', () => [], 'error'],
  ['array with a code', () => [{ authCode: SECRET }], 'error'],
  ['function', () => () => SECRET, 'error'],
  ['symbol', () => Symbol(SECRET), 'error'],
  ['empty object', () => ({}), 'error'],
  ['authCode number', () => ({ authCode: 123456 }), 'error'],
  ['authCode empty', () => ({ authCode: '' }), 'error'],
  ['authCode padded with spaces', () => ({ authCode: ` ${SECRET} ` }), 'error'],
  ['authCode null', () => ({ authCode: null }), 'error'],
  ['authCode array', () => ({ authCode: [SECRET] }), 'error'],
  ['authCode object with toString', () => ({ authCode: { toString: () => SECRET } }), 'error'],
  ['authCode String object', () => ({ authCode: new String(SECRET) }), 'error'],
  ['authCode 1 MB', () => ({ authCode: MB_CODE }), 'error'],
  ['authCode with a null byte', () => ({ authCode: `${SECRET}\u0000` }), 'ok'],
  ['authcode spelling', () => ({ authcode: SECRET }), 'ok'],
  ['null-prototype object with a code', () => Object.assign(Object.create(null), { authCode: SECRET }), 'ok'],
  ['authSuccessScopes a string', () => ({ authCode: SECRET, authSuccessScopes: 'USER_NAME' }), 'ok'],
  ['authSuccessScopes junk items', () => ({ authCode: SECRET, authSuccessScopes: [1, null, {}, '__proto__', 'constructor', 'x'.repeat(1000), '<b>'] }), 'ok'],
  ['authSuccessScopes 100 000 items', () => ({ authCode: SECRET, authSuccessScopes: new Array(100_000).fill('USER_NAME') }), 'ok'],
  ['authErrorScopes not JSON', () => ({ authErrorScopes: '{not json' }), 'error'],
  ['authErrorScopes JSON array string', () => ({ authErrorScopes: '[1,2]' }), 'error'],
  ['authErrorScopes JSON null string', () => ({ authErrorScopes: 'null' }), 'error'],
  ['authErrorScopes array', () => ({ authErrorScopes: ['USER_NAME'] }), 'error'],
  ['authErrorScopes number', () => ({ authErrorScopes: 10001 }), 'error'],
  ['authErrorScopes __proto__ object (JSON.parse)', () => ({ authErrorScopes: JSON.parse('{"__proto__":{"polluted":true}}') }), 'error'],
  ['authErrorScopes __proto__ JSON string', () => ({ authErrorScopes: '{"__proto__":{"polluted":true}}' }), 'error'],
  ['authErrorScopes __proto__ object with a code', () => ({ authCode: SECRET, authErrorScopes: JSON.parse('{"__proto__":{"polluted":true},"USER_NAME":"10001"}') }), 'ok'],
  ['authErrorScopes __proto__ string with a code', () => ({ authCode: SECRET, authErrorScopes: '{"__proto__":{"polluted":true},"USER_NAME":"10001"}' }), 'ok'],
  ['authErrorScopes constructor/prototype keys', () => ({ authErrorScopes: { constructor: { prototype: { polluted: true } }, prototype: { polluted: true } } }), 'error'],
  ['authErrorScopes constructor JSON string', () => ({ authErrorScopes: '{"constructor":{"prototype":{"polluted":true}}}' }), 'error'],
  ['top-level __proto__ key (JSON.parse)', () => JSON.parse(`{"__proto__":{"polluted":true},"authCode":"${SECRET}"}`), 'ok'],
  ['top-level constructor key', () => ({ authCode: SECRET, constructor: { prototype: { polluted: true } } }), 'ok'],
  ['authErrorScopes nested object values', () => ({ authErrorScopes: { USER_NAME: { nested: { deep: 1 } } } }), 'error'],
  ['authErrorScopes number values', () => ({ authErrorScopes: { USER_NAME: 10001 } }), 'error'],
  ['authErrorScopes array values', () => ({ authErrorScopes: { USER_NAME: ['1001'] } }), 'error'],
  ['authErrorScopes 10 000 levels deep', () => ({ authErrorScopes: deep(10_000) }), 'error'],
  ['authErrorScopes 1 MB JSON string', () => ({ authErrorScopes: JSON.stringify({ USER_NAME: 'x'.repeat(1 << 20) }) }), 'error'],
  ['authErrorScopes 1 MB code value', () => ({ authErrorScopes: { USER_NAME: 'x'.repeat(1 << 20) } }), 'error'],
  ['authErrorScopes with markup keys', () => ({ authErrorScopes: { '<img src=x onerror=alert(1)>': '10001' } }), 'error'],
  ['error as string', () => ({ error: '1001' }), 'error'],
  ['error 1001.5', () => ({ error: 1001.5 }), 'error'],
  ['error Infinity', () => ({ error: Infinity }), 'error'],
  ['error NaN', () => ({ error: NaN }), 'error'],
  ['error object', () => ({ error: { code: 1001 } }), 'error'],
  ['error 1 MB string', () => ({ error: 'e'.repeat(1 << 20) }), 'error'],
  ['error __proto__', () => ({ error: '__proto__' }), 'error'],
  ['error constructor', () => ({ error: 'constructor' }), 'error'],
  ['errorMessage echoing a code', () => ({ error: 1001, errorMessage: `bad code ${SECRET}` }), 'error'],
  ['bad code next to an error echoing it', () => ({ authCode: ` ${SECRET}`, error: 1002, errorMessage: SECRET, authErrorScopes: { USER_NAME: '10001' } }), 'error'],
  ['errorMessage 1 MB', () => ({ error: 1002, errorMessage: 'm'.repeat(1 << 20) }), 'error'],
  ['code with error field', () => ({ authCode: SECRET, error: 1001 }), 'ok'],
  ['getter authCode throws', () => throwing('authCode'), 'error'],
  ['getter authErrorScopes throws', () => throwing('authErrorScopes'), 'error'],
  // A good code next to a broken `error` field: the code wins (only `throw` must give an error).
  ['getter error throws', () => throwing('error'), 'ok'],
  ['getter authSuccessScopes throws', () => throwing('authSuccessScopes'), 'error'],
  ['Proxy throwing on every trap', trapAll, 'error'],
  ['revoked Proxy', revoked, 'error'],
  ['Proxy answering itself', () => { const p: unknown = new Proxy(function () {}, { get: () => p }); return p; }, 'error'],
  ['authErrorScopes Proxy throwing', () => ({ authCode: SECRET, authErrorScopes: trapAll() }), 'error'],
  ['thenable result', () => ({ then: (r: (v: unknown) => void) => r({ authCode: SECRET }) }), 'error'],
];

type Channel = 'success' | 'fail' | 'failed' | 'complete' | 'bridge' | 'promise' | 'throw';
const CHANNELS: Channel[] = ['success', 'fail', 'failed', 'complete', 'bridge', 'promise', 'throw'];

function hostFor(channel: Channel, payload: unknown): object {
  if (channel === 'bridge') return { call: (_api: string, _p: unknown, cb: (r: unknown) => void) => void Promise.resolve().then(() => cb(payload)) };
  return {
    getAuthCode(call: Record<string, (r: unknown) => void>) {
      if (channel === 'throw') throw payload;
      if (channel === 'promise') return Promise.resolve(payload);
      Promise.resolve().then(() => call[channel]!(payload));
      return undefined;
    },
  };
}

function expected(channel: Channel, onSuccess: Want, payload: () => unknown, shape: string): Want | 'ok-or-timeout' | 'error-or-timeout' {
  if (channel === 'fail' || channel === 'failed' || channel === 'throw') return 'error';
  // Promise semantics: a thenable answer is adopted; a "promise" whose then never calls back is no answer.
  if (channel === 'promise' && shape === 'thenable result') return 'ok';
  if (channel === 'promise' && shape === 'Proxy answering itself') return 'error-or-timeout';
  // A promise resolving with undefined means "answered through the callbacks": none fire here.
  if (channel === 'promise' && payload() === undefined) return 'ok-or-timeout';
  return onSuccess;
}

describe('host callback shapes', () => {
  const cases = corpus(
    SHAPES.flatMap(([shape, payload, onSuccess]) =>
      CHANNELS.map((channel) => ({ name: `${channel}(${shape})`, input: { channel, payload }, expect: expected(channel, onSuccess, payload, shape) })),
    ),
  );
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const watch = watchUnhandled();
    let o: Awaited<ReturnType<typeof outcome<AuthCodeResult>>>;
    try {
      o = await outcome(requestAuthCode(['USER_NAME', 'auth_base'], { host: hostFor(input.channel, input.payload()) as never, timeoutMs: 300 }), 3000);
      await new Promise((r) => setImmediate(r));
    } finally {
      watch.stop();
    }
    expect(watch.errors.map(describeError)).toEqual([]);
    if (o.kind === 'hang') throw new Error('requestAuthCode never settled (not even TIMEOUT)');
    if (want === 'ok-or-timeout') {
      if (o.kind === 'error') expectAuthError(o.error, ['TIMEOUT']);
      return;
    }
    if (want === 'ok') {
      if (o.kind === 'error') throw new Error(`expected a clean result, got ${describeError(o.error)}`);
      expectCleanResult(o.value);
      return;
    }
    if (o.kind === 'ok') throw new Error(`expected an AuthError, got a result with ${o.value.authCode.length}-char code`);
    expectAuthError(o.error);
    if (want !== 'error-or-timeout') expect((o.error as AuthError).code).not.toBe('TIMEOUT');
    expectNoSecret(o.error, SECRET);
    expectNoSecret(o.error, MB_CODE.slice(0, 64));
  });
});

describe('callbacks fired in hostile orders', () => {
  const seqs: Array<[string, Array<[string, unknown]>, Want]> = [
    ['success twice', [['success', { authCode: SECRET }], ['success', { authCode: 'OTHER' }]], 'ok'],
    ['junk success then good success', [['success', null], ['success', { authCode: SECRET }]], 'error'],
    ['fail then success', [['fail', { error: 1001 }], ['success', { authCode: SECRET }]], 'error'],
    ['failed then fail', [['failed', 42], ['fail', { error: 1001 }]], 'error'],
    ['complete junk then success in the same task', [['complete', 'junk'], ['success', { authCode: SECRET }]], 'ok'],
    ['every callback with a throwing getter', [['success', throwing('authCode')], ['fail', throwing('error')], ['complete', trapAll()]], 'error'],
  ];
  const cases = corpus(seqs.map(([name, seq, want]) => ({ name, input: seq, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const host = {
      getAuthCode(call: GetAuthCodeCall) {
        const callbacks = call as unknown as Record<string, (r: unknown) => void>;
        Promise.resolve().then(() => {
          for (const [cb, payload] of input) callbacks[cb]!(payload);
        });
      },
    };
    const o = await outcome(requestAuthCode('USER_NAME', { host, timeoutMs: 300 }));
    if (want === 'ok') {
      if (o.kind !== 'ok') throw new Error(`expected a result, got ${o.kind === 'error' ? describeError(o.error) : 'hang'}`);
      expect(o.value.authCode).toBe(SECRET);
    } else {
      if (o.kind !== 'error') throw new Error(`expected an AuthError, got ${o.kind}`);
      expectAuthError(o.error);
      expect((o.error as AuthError).code).not.toBe('TIMEOUT');
      expectNoSecret(o.error, SECRET);
    }
  });
});

describe('requestAuthCode scopes and options', () => {
  const scopes: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['whitespace', ' '],
    ['number', 7],
    ['object', {}],
    ['__proto__', '__proto__'],
    ['[constructor]', ['constructor']],
    ['markup', '<img src=x onerror=alert(1)>'],
    ['100 000 chars', 'A'.repeat(100_000)],
    ['RTL override', '\u202EUSER_NAME'],
    ['null byte', 'USER_NAME\u0000'],
    ['polluting object', JSON.parse('{"__proto__":{"polluted":true}}')],
  ];
  const options: Array<[string, unknown, string]> = [
    ['options null', null, 'TypeError'],
    ['options string', 'fast', 'TypeError'],
    ['options number', 1, 'TypeError'],
    ['host null', { host: null }, 'TypeError'],
    ['host string', { host: 'my' }, 'TypeError'],
    ['host without getAuthCode', { host: {} }, 'TypeError'],
    ['host getAuthCode not a function', { host: { getAuthCode: 'x' } }, 'TypeError'],
    ['host polluting object', { host: JSON.parse('{"__proto__":{"getAuthCode":1}}') }, 'TypeError'],
    ['timeoutMs 0', { host: okHost, timeoutMs: 0 }, 'TypeError'],
    ['timeoutMs -1', { host: okHost, timeoutMs: -1 }, 'TypeError'],
    ['timeoutMs NaN', { host: okHost, timeoutMs: NaN }, 'TypeError'],
    ['timeoutMs Infinity', { host: okHost, timeoutMs: Infinity }, 'TypeError'],
    ['timeoutMs string', { host: okHost, timeoutMs: '100' }, 'TypeError'],
    ['timeoutMs null', { host: okHost, timeoutMs: null }, 'TypeError'],
    ['timeoutMs 2^31', { host: okHost, timeoutMs: 2 ** 31 }, 'TypeError'],
    ['bridgeWaitMs -1', { host: okHost, bridgeWaitMs: -1 }, 'TypeError'],
    ['bridgeWaitMs string', { host: okHost, bridgeWaitMs: 'soon' }, 'TypeError'],
    ['options polluting object', { ...JSON.parse('{"__proto__":{"timeoutMs":-1}}'), host: okHost }, 'ok'],
    ['options with unknown keys', { host: okHost, foo: 1, constructor: 1 }, 'ok'],
    ['options getter throwing', throwingGetter('host'), 'own-error'],
    ['no host anywhere', {}, 'NOT_IN_MINIAPP'],
  ];
  const cases = corpus([
    ...scopes.map(([name, input]) => ({ name: `scopes ${name}`, input: { scopes: input, options: { host: okHost } }, expect: 'INVALID_SCOPE' })),
    ...options.map(([name, input, want]) => ({ name, input: { scopes: 'USER_NAME' as unknown, options: input }, expect: want })),
  ]);
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const calls: unknown[] = [];
    const spyHost = input.options && typeof input.options === 'object' && Object.getOwnPropertyDescriptor(input.options, 'host')?.value === okHost;
    if (spyHost) okHost.getAuthCode = (c) => void (calls.push(c), c.success({ authCode: SECRET }));
    let promise: Promise<AuthCodeResult>;
    try {
      promise = requestAuthCode(input.scopes as never, input.options as never);
    } catch (error) {
      throw new Error(`requestAuthCode threw synchronously instead of rejecting: ${describeError(error)}`);
    }
    const o = await outcome(promise);
    if (want === 'ok') {
      if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
      expectCleanResult(o.value);
      return;
    }
    if (o.kind !== 'error') throw new Error(`expected a typed error, got ${o.kind}`);
    if (want === 'own-error') {
      expect(o.error).toBe(OWN_ERROR);
      return;
    }
    expectTyped(o.error, [want]);
    if (want === 'INVALID_SCOPE') expect(calls).toHaveLength(0);
  });
});
