/** SCOPES and planPrompts: the catalogue and the fewest wallet calls a request needs. */
import { AuthError, SCOPES, isScopeName, isSilentScope, normalizeScopes, planPrompts, scopeInfo } from '../../utils';

const SILENT = ['auth_base', 'USER_ID', 'USER_LOGIN_ID', 'HASH_LOGIN_ID'];
const CONSENT = [
  'auth_user',
  'USER_NAME',
  'USER_AVATAR',
  'USER_GENDER',
  'USER_BIRTHDAY',
  'USER_NATIONALITY',
  'USER_CONTACTINFO',
  'NOTIFICATION_INBOX',
  'AGREEMENT_PAY',
  'CARD_LIST',
];
const PROFILE = ['auth_user', 'USER_NAME', 'USER_AVATAR', 'USER_GENDER', 'USER_BIRTHDAY', 'USER_NATIONALITY'];

/** True when no call of the plan mixes contact data with basic profile data. */
function separatesContact(plan: string[][]): boolean {
  return plan.every((call) => !(call.includes('USER_CONTACTINFO') && call.some((s) => PROFILE.includes(s))));
}

describe('SCOPES', () => {
  it('lists exactly the scopes of PLATFORM.md', () => {
    expect(Object.keys(SCOPES).sort()).toEqual([...SILENT, ...CONSENT].sort());
  });

  it.each(SILENT)('%s is silent', (scope) => {
    expect(SCOPES[scope as keyof typeof SCOPES].silent).toBe(true);
    expect(isSilentScope(scope)).toBe(true);
  });

  it.each(CONSENT)('%s needs consent', (scope) => {
    expect(SCOPES[scope as keyof typeof SCOPES].silent).toBe(false);
    expect(isSilentScope(scope)).toBe(false);
  });

  it('puts contact data and basic profile data in different groups', () => {
    const contact = SCOPES.USER_CONTACTINFO.group;
    for (const s of PROFILE) expect(SCOPES[s as keyof typeof SCOPES].group).not.toBe(contact);
    expect(new Set(PROFILE.map((s) => SCOPES[s as keyof typeof SCOPES].group)).size).toBe(1);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(SCOPES)).toBe(true);
    expect(Object.isFrozen(SCOPES.auth_base)).toBe(true);
  });

  it('is case sensitive: AUTH_BASE and user_name are not catalogue entries', () => {
    expect(isSilentScope('AUTH_BASE')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(SCOPES, 'user_name')).toBe(false);
  });

  it('treats a well-formed unknown name as a consent scope', () => {
    expect(scopeInfo('NEW_WALLET_SCOPE').silent).toBe(false);
    expect(isScopeName('NEW_WALLET_SCOPE')).toBe(true);
  });

  it.each(['', 'a b', 'a-b', 'USER NAME', '__proto__', 'constructor', 'toString', 'A'.repeat(10_000), 5, null, undefined, {}])(
    'refuses %p as a scope name',
    (value) => {
      expect(isScopeName(value)).toBe(false);
    },
  );
});

describe('normalizeScopes', () => {
  it('accepts a string or an array and de-duplicates in first-seen order', () => {
    expect(normalizeScopes('auth_base')).toEqual(['auth_base']);
    expect(normalizeScopes(['USER_NAME', 'auth_base', 'USER_NAME'])).toEqual(['USER_NAME', 'auth_base']);
  });

  it.each<[unknown]>([[''], [[]], [['a b']], [5], [null], [['__proto__']]])('throws INVALID_SCOPE for %p', (input) => {
    let thrown: unknown;
    try {
      normalizeScopes(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuthError);
    expect((thrown as AuthError).code).toBe('INVALID_SCOPE');
  });
});

describe('planPrompts', () => {
  it('asks a silent-only request in one call', () => {
    expect(planPrompts(['auth_base', 'USER_ID', 'HASH_LOGIN_ID'])).toEqual([['auth_base', 'USER_ID', 'HASH_LOGIN_ID']]);
    expect(planPrompts('auth_base')).toEqual([['auth_base']]);
  });

  it('combines consent scopes in one call', () => {
    expect(planPrompts(['USER_NAME', 'USER_AVATAR', 'NOTIFICATION_INBOX'])).toEqual([['USER_NAME', 'USER_AVATAR', 'NOTIFICATION_INBOX']]);
  });

  it('lets silent scopes ride in the first consent call, never alone', () => {
    const plan = planPrompts(['USER_NAME', 'auth_base']);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toEqual(expect.arrayContaining(['auth_base', 'USER_NAME']));
  });

  it('never puts USER_CONTACTINFO in a call with basic profile data', () => {
    for (const profile of PROFILE) {
      const plan = planPrompts([profile, 'USER_CONTACTINFO']);
      expect(plan).toHaveLength(2);
      expect(separatesContact(plan)).toBe(true);
      expect(plan.flat().sort()).toEqual([profile, 'USER_CONTACTINFO'].sort());
    }
  });

  it('keeps the caller order of the two conflicting groups', () => {
    expect(planPrompts(['USER_NAME', 'USER_CONTACTINFO'])).toEqual([['USER_NAME'], ['USER_CONTACTINFO']]);
    expect(planPrompts(['USER_CONTACTINFO', 'USER_NAME'])).toEqual([['USER_CONTACTINFO'], ['USER_NAME']]);
  });

  it('puts the silent scopes in the first call of a two-call plan', () => {
    const plan = planPrompts(['USER_CONTACTINFO', 'auth_base', 'USER_NAME']);
    expect(plan).toHaveLength(2);
    expect(plan[0]).toContain('auth_base');
    expect(plan[1]).not.toContain('auth_base');
    expect(separatesContact(plan)).toBe(true);
  });

  it('asks USER_CONTACTINFO with non-profile scopes in one call', () => {
    expect(planPrompts(['USER_CONTACTINFO', 'NOTIFICATION_INBOX', 'auth_base'])).toHaveLength(1);
  });

  it('needs the fewest calls: the example of the brief takes 2', () => {
    const scopes = ['auth_base', 'USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO', 'NOTIFICATION_INBOX'];
    const plan = planPrompts(scopes);
    expect(plan).toHaveLength(2);
    expect(separatesContact(plan)).toBe(true);
    expect(plan.flat().sort()).toEqual([...scopes].sort());
    expect(plan[0]).toContain('auth_base');
  });

  it('covers every scope exactly once for the whole catalogue', () => {
    const all = [...SILENT, ...CONSENT];
    const plan = planPrompts(all);
    expect(plan).toHaveLength(2);
    expect(plan.flat().sort()).toEqual([...all].sort());
    expect(separatesContact(plan)).toBe(true);
    expect(plan.every((call) => call.some((s) => !SILENT.includes(s)))).toBe(true);
  });

  it('passes a well-formed unknown scope as a consent scope', () => {
    expect(planPrompts(['auth_base', 'NEW_WALLET_SCOPE'])).toEqual([['auth_base', 'NEW_WALLET_SCOPE']]);
    expect(planPrompts('NEW_WALLET_SCOPE')).toEqual([['NEW_WALLET_SCOPE']]);
  });

  it.each<[unknown]>([[''], ['a b'], [5], [[]], [['__proto__']], ['USER NAME'], ['A'.repeat(10_000)], [null]])(
    'refuses malformed input %p with INVALID_SCOPE',
    (input) => {
      expect(() => planPrompts(input as string)).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE' }));
    },
  );
});
