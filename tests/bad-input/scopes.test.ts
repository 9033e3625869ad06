/**
 * Bad input to the scope helpers: normalizeScopes, isScopeName, scopeInfo, isSilentScope, SCOPES,
 * planPrompts, mapPlatformCode.
 */
import { AuthError, SCOPES, isScopeName, isSilentScope, mapPlatformCode, normalizeScopes, planPrompts, scopeInfo } from '../../utils';
import { corpus, printCount } from './count';
import { OWN_ERROR, describeError, expectAuthError, installPrototypeGuard } from './guards';

printCount(__filename);
installPrototypeGuard();

const huge = 'A'.repeat(100_000);
const RLO = '\u202EUSER_NAME';
const polluted = JSON.parse('{"__proto__":{"polluted":true}}');

/** Values that are never a scope name. */
const NOT_NAMES: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['empty string', ''],
  ['whitespace', '   '],
  ['tab and newline', '\t\n'],
  ['number', 42],
  ['NaN', NaN],
  ['boolean', true],
  ['object', {}],
  ['array in array', [['USER_NAME']]],
  ['symbol', Symbol('USER_NAME')],
  ['bigint', BigInt(1)],
  ['function', () => 'USER_NAME'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['prototype-member toString', 'toString'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['valueOf', 'valueOf'],
  ['markup', '<img src=x onerror=alert(1)>'],
  ['RTL override', RLO],
  ['null byte', 'USER_NAME\u0000'],
  ['leading space', ' USER_NAME'],
  ['trailing newline', 'USER_NAME\n'],
  ['100 000 chars', huge],
  ['65 chars', 'A'.repeat(65)],
  ['dash', 'USER-NAME'],
  ['dot', 'user.name'],
  ['unicode letters', 'ÜSER'],
  ['fullwidth letters', 'ＵＳＥＲ'],
  ['zero-width joiner', 'USER\u200DNAME'],
  ['String object', new String('USER_NAME')],
  ['object with toString', { toString: () => 'USER_NAME' }],
  ['polluting object', polluted],
];

describe('isScopeName', () => {
  test.each(corpus(NOT_NAMES.map(([name, input]) => ({ name: `isScopeName rejects ${name}`, input, expect: false }))))('$name', ({ input, expect: want }) => {
    expect(isScopeName(input)).toBe(want);
  });
});

describe('normalizeScopes', () => {
  const cases = corpus([
    ...NOT_NAMES.map(([name, input]) => ({ name: `normalizeScopes(${name})`, input: input as unknown, expect: 'INVALID_SCOPE' as const })),
    ...NOT_NAMES.filter(([n]) => n !== 'undefined').map(([name, input]) => ({ name: `normalizeScopes([valid, ${name}])`, input: ['USER_NAME', input] as unknown, expect: 'INVALID_SCOPE' as const })),
    { name: 'normalizeScopes(empty array)', input: [], expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(sparse array)', input: new Array(3), expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(65 valid scopes)', input: Array.from({ length: 65 }, (_, i) => `S${i}`), expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(100 000 item array)', input: new Array(100_000).fill('USER_NAME'), expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(array-like object)', input: { length: 1, 0: 'USER_NAME' }, expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(Set)', input: new Set(['USER_NAME']), expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(space separated string)', input: 'USER_NAME USER_AVATAR', expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(comma separated string)', input: 'USER_NAME,USER_AVATAR', expect: 'INVALID_SCOPE' as const },
    { name: 'normalizeScopes(duplicates)', input: ['USER_NAME', 'USER_NAME', 'auth_base'], expect: ['USER_NAME', 'auth_base'] },
    { name: 'normalizeScopes(unknown well-formed name)', input: 'SOME_NEW_SCOPE', expect: ['SOME_NEW_SCOPE'] },
    {
      // The caller's own exception (from its own getter) comes back unchanged, nothing else.
      name: 'normalizeScopes(array with a throwing getter)',
      input: Object.defineProperty(['USER_NAME'], 0, {
        get() {
          throw OWN_ERROR;
        },
      }),
      expect: 'own-error' as const,
    },
  ]);
  test.each(cases)('$name', ({ input, expect: want }) => {
    let result: unknown;
    let error: unknown;
    try {
      result = normalizeScopes(input);
    } catch (e) {
      error = e;
    }
    if (Array.isArray(want)) {
      expect(error).toBeUndefined();
      expect(result).toEqual(want);
      return;
    }
    if (error === undefined) throw new Error(`expected INVALID_SCOPE, got ${JSON.stringify(result)?.slice(0, 100)}`);
    if (want === 'own-error') {
      expect(error).toBe(OWN_ERROR);
      return;
    }
    expectAuthError(error, [want]);
    expect((error as AuthError).message.length).toBeLessThan(300);
  });
});

describe('planPrompts', () => {
  const cases = corpus([
    ...NOT_NAMES.map(([name, input]) => ({ name: `planPrompts(${name})`, input: input as unknown, expect: 'INVALID_SCOPE' as unknown })),
    { name: 'planPrompts([])', input: [], expect: 'INVALID_SCOPE' },
    { name: 'planPrompts(profile + __proto__)', input: ['USER_NAME', '__proto__'], expect: 'INVALID_SCOPE' },
    { name: 'planPrompts(contact + constructor)', input: ['USER_CONTACTINFO', 'constructor'], expect: 'INVALID_SCOPE' },
    { name: 'planPrompts(only contact)', input: ['USER_CONTACTINFO'], expect: [['USER_CONTACTINFO']] },
    { name: 'planPrompts(duplicated contact and profile)', input: ['USER_CONTACTINFO', 'USER_NAME', 'USER_CONTACTINFO', 'USER_NAME'], expect: [['USER_CONTACTINFO'], ['USER_NAME']] },
    { name: 'planPrompts(64 unknown scopes)', input: Array.from({ length: 64 }, (_, i) => `X${i}`), expect: [Array.from({ length: 64 }, (_, i) => `X${i}`)] },
    { name: 'planPrompts(silent only, duplicated)', input: ['auth_base', 'auth_base', 'USER_ID'], expect: [['auth_base', 'USER_ID']] },
  ]);
  test.each(cases)('$name', ({ input, expect: want }) => {
    let result: unknown;
    let error: unknown;
    try {
      result = planPrompts(input as never);
    } catch (e) {
      error = e;
    }
    if (want === 'INVALID_SCOPE') {
      if (error === undefined) throw new Error(`expected INVALID_SCOPE, got ${JSON.stringify(result)}`);
      expectAuthError(error, ['INVALID_SCOPE']);
    } else {
      if (error !== undefined) throw new Error(describeError(error));
      expect(result).toEqual(want);
    }
  });
});

describe('scopeInfo, isSilentScope and SCOPES lookups', () => {
  const keys: Array<[string, unknown]> = [
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['prototype', 'prototype'],
    ['toString', 'toString'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['empty', ''],
    ['huge', huge],
    ['markup', '<img src=x onerror=alert(1)>'],
    ['number', 1],
    ['undefined', undefined],
    ['null', null],
    ['object', {}],
    ['lower-case known name', 'user_name'],
    ['RTL override', RLO],
  ];
  const cases = corpus([
    ...keys.map(([name, input]) => ({ name: `scopeInfo(${name}) is the consent "other" default`, input, expect: 'scopeInfo' })),
    ...keys.map(([name, input]) => ({ name: `isSilentScope(${name}) is false`, input, expect: 'isSilentScope' })),
    ...keys.map(([name, input]) => ({ name: `SCOPES[${name}] holds no inherited entry`, input, expect: 'SCOPES' })),
    { name: 'SCOPES is frozen (no entry can be added)', input: 'polluted', expect: 'frozen' },
    { name: 'SCOPES entries are frozen', input: 'USER_NAME', expect: 'frozen-entry' },
  ]);
  test.each(cases)('$name', ({ input, expect: what }) => {
    if (what === 'scopeInfo') {
      let info: unknown;
      expect(() => {
        info = scopeInfo(input as string);
      }).not.toThrow();
      expect(info).toEqual({ silent: false, group: 'other' });
    } else if (what === 'isSilentScope') {
      expect(isSilentScope(input as string)).toBe(false);
    } else if (what === 'SCOPES') {
      expect(Object.prototype.hasOwnProperty.call(SCOPES, input as PropertyKey)).toBe(false);
    } else if (what === 'frozen') {
      expect(Object.isFrozen(SCOPES)).toBe(true);
      try {
        (SCOPES as unknown as Record<string, unknown>)[input as string] = { silent: true, group: 'base' };
      } catch {
        /* strict mode */
      }
      expect((SCOPES as unknown as Record<string, unknown>)[input as string]).toBeUndefined();
    } else {
      const entry = SCOPES[input as 'USER_NAME'];
      expect(Object.isFrozen(entry)).toBe(true);
      try {
        (entry as { silent: boolean }).silent = true;
      } catch {
        /* strict mode */
      }
      expect(SCOPES.USER_NAME.silent).toBe(false);
    }
  });
});

describe('mapPlatformCode', () => {
  const cases = corpus<{ name: string; input: unknown; expect: string }>([
    { name: 'undefined', input: undefined, expect: 'UNKNOWN' },
    { name: 'null', input: null, expect: 'UNKNOWN' },
    { name: 'empty string', input: '', expect: 'UNKNOWN' },
    { name: 'NaN', input: NaN, expect: 'UNKNOWN' },
    { name: 'Infinity', input: Infinity, expect: 'UNKNOWN' },
    { name: '-1001', input: -1001, expect: 'UNKNOWN' },
    { name: '1001.5', input: 1001.5, expect: 'UNKNOWN' },
    { name: 'string with spaces " 1001 "', input: ' 1001 ', expect: 'USER_CANCELLED' },
    { name: 'hex "0x3e9"', input: '0x3e9', expect: 'UNKNOWN' },
    { name: '"__proto__"', input: '__proto__', expect: 'UNKNOWN' },
    { name: '"constructor"', input: 'constructor', expect: 'UNKNOWN' },
    { name: '"toString"', input: 'toString', expect: 'UNKNOWN' },
    { name: '"hasOwnProperty"', input: 'hasOwnProperty', expect: 'UNKNOWN' },
    { name: 'object {code: 1001}', input: { code: 1001 }, expect: 'UNKNOWN' },
    { name: 'array [1001]', input: [1001], expect: 'UNKNOWN' },
    { name: 'boolean', input: true, expect: 'UNKNOWN' },
    { name: 'bigint 1001n', input: BigInt(1001), expect: 'UNKNOWN' },
    { name: 'symbol', input: Symbol('1001'), expect: 'UNKNOWN' },
    { name: 'huge numeric string', input: '1'.repeat(1_000_000), expect: 'UNKNOWN' },
    { name: 'object with toString 1001', input: { toString: () => '1001' }, expect: 'UNKNOWN' },
    { name: 'Proxy that throws', input: new Proxy({}, { get() { throw new Error('trap'); } }), expect: 'UNKNOWN' },
    { name: 'number 1001 (sanity)', input: 1001, expect: 'USER_CANCELLED' },
    { name: 'string "40006" (sanity)', input: '40006', expect: 'NO_PERMISSION' },
  ].map((c) => ({ ...c, name: `mapPlatformCode(${c.name})` })));
  test.each(cases)('$name', ({ input, expect: want }) => {
    let code: unknown;
    expect(() => {
      code = mapPlatformCode(input);
    }).not.toThrow();
    expect(code).toBe(want);
  });
});
