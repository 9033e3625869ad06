/** createAuthorizer and authorize: programmer errors throw TypeError, bad scopes reject INVALID_SCOPE. */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { AuthorizerOptions } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend } from './helpers';

const submit = async () => ({ ok: true });

describe('createAuthorizer – options validation', () => {
  it.each<[string, unknown]>([
    ['no options', undefined],
    ['null', null],
    ['no submit', {}],
    ['a submit that is not a function', { submit: 'https://example.com' }],
    ['a storage without remove', { submit, storage: { get() {}, set() {} } }],
    ['a storage that is a string', { submit, storage: 'localStorage' }],
    ['a host without getAuthCode or call', { submit, host: { request() {} } }],
    ['a host that is a string', { submit, host: 'my' }],
    ['now that is not a function', { submit, now: 5 }],
    ['an empty storageKey', { submit, storageKey: '' }],
    ['a negative timeoutMs', { submit, timeoutMs: -1 }],
    ['a zero codeMaxAgeMs', { submit, codeMaxAgeMs: 0 }],
    ['a NaN sessionTtlMs', { submit, sessionTtlMs: Number.NaN }],
    ['a fractional maxRetries', { submit, maxRetries: 1.5 }],
    ['a negative maxRetries', { submit, maxRetries: -1 }],
    ['a negative retryDelayMs', { submit, retryDelayMs: -5 }],
    ['an engagementTarget without addEventListener', { submit, engagementTarget: {} }],
  ])('throws a TypeError for %s', (_label, options) => {
    expect(() => createAuthorizer(options as AuthorizerOptions)).toThrow(TypeError);
  });

  it('accepts a minimal valid configuration', () => {
    const sim = createWalletSimulator();
    expect(() => createAuthorizer({ submit, host: sim.my, storage: memoryStorage(), engagementTarget: null })).not.toThrow();
    expect(() => createAuthorizer({ submit, host: sim.bridge, engagementTarget: new EventTarget() })).not.toThrow();
  });

  it('touches no wallet on creation', () => {
    const sim = createWalletSimulator();
    createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    expect(sim.calls).toHaveLength(0);
  });
});

describe('authorize – argument validation', () => {
  const sim = createWalletSimulator();
  const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });

  afterEach(() => {
    expect(sim.calls).toHaveLength(0);
  });

  it.each<[string, unknown]>([
    ['options that are a string', 'now'],
    ['options that are null', null],
    ['a non-boolean gesture', { gesture: 'yes' }],
    ['a non-boolean defer', { defer: 0 }],
    ['a signal that is not an AbortSignal', { signal: {} }],
    ['a signal that is a string', { signal: 'abort' }],
  ])('rejects a TypeError for %s', async (_label, options) => {
    await expect(auth.authorize('auth_base', options as { gesture: boolean })).rejects.toThrow(TypeError);
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['a name with a space', 'a b'],
    ['a number', 5],
    ['an empty array', []],
    ['["__proto__"]', ['__proto__']],
    ['"USER NAME"', 'USER NAME'],
    ['a 10 000-character string', 'A'.repeat(10_000)],
    ['null', null],
  ])('rejects INVALID_SCOPE for %s', async (_label, scopes) => {
    const error = await authErrorOf(auth.authorize(scopes as string));
    expect(error.code).toBe('INVALID_SCOPE');
  });

  it('checks scopes before options', async () => {
    const error = await authErrorOf(auth.authorize('', 'bad' as unknown as { gesture: boolean }));
    expect(error.code).toBe('INVALID_SCOPE');
  });
});
