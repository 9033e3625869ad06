/**
 * Error texts: the kit's messages are short and structured (an AuthError: its code, the wallet's or
 * backend's own code, a detail word, the scopes; a TypeError: `where: name` and the refused value),
 * and `explain` (miniapp-auth-kit/explain) turns any of them into sentences for development.
 */
import { AUTH_ERROR_CODES, AuthError, createAuthorizer, httpSubmitter, planPrompts, requestAuthCode } from '../../utils';
import { AUTH_ERROR_TEXTS, explain, OPTION_TEXTS } from '../../utils/explain';
import { createWalletSimulator } from '../../utils/testing';

const submit = async () => ({});

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

const rejection = (p: Promise<unknown>) => p.then(() => Promise.reject(new Error('resolved')), (e: Error) => e);

/** A kit TypeError's message: `where: name`, a refused value at most, nothing else. */
const STRUCTURED = /^[\w<>.()-]+(: [\w.()]+( ("[^"]*"|\w+))?)?$/;

describe('short, structured messages', () => {
  it('an AuthError says its code, the platform code and the scopes, and nothing more', () => {
    expect(new AuthError('USER_CANCELLED', { platformCode: 1001, scopes: ['USER_NAME', 'USER_AVATAR'] }).message).toBe('USER_CANCELLED 1001 [USER_NAME USER_AVATAR]');
    expect(new AuthError('BACKEND_ERROR', { status: 503, retryable: true, scopes: ['auth_base'] }).message).toBe('BACKEND_ERROR [auth_base]');
    expect(new AuthError('CODE_REJECTED', { platformCode: 'USED_CODE', scopes: ['auth_base'] }).message).toBe('CODE_REJECTED USED_CODE [auth_base]');
    expect(new AuthError('BACKEND_ERROR', { detail: 'echo', scopes: ['auth_base'] }).message).toBe('BACKEND_ERROR echo [auth_base]');
    expect(new AuthError('TIMEOUT').message).toBe('TIMEOUT');
    expect(new AuthError('TIMEOUT', { message: 'own' }).message).toBe('own');
  });

  it('"Not now" is told by the field, not by words', async () => {
    const sim = createWalletSimulator();
    const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
    auth.setConsentPresenter((pending) => pending.dismiss());
    auth.markEngaged();
    const error = (await rejection(auth.authorize('USER_NAME'))) as AuthError;
    expect(error).toMatchObject({ code: 'USER_CANCELLED', dismissed: true, message: 'USER_CANCELLED [USER_NAME]' });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['createAuthorizer without submit', () => createAuthorizer({} as never), /^createAuthorizer: options\.submit undefined$/],
    ['createAuthorizer maxRetries', () => createAuthorizer({ submit, maxRetries: 11 }), /^createAuthorizer: options\.maxRetries number$/],
    ['createAuthorizer storageKey', () => createAuthorizer({ submit, storageKey: '' }), /^createAuthorizer: options\.storageKey ""$/],
    ['createAuthorizer not an object', () => createAuthorizer(null as never), /^createAuthorizer: options$/],
    ['a catalogue entry', () => planPrompts('auth_base', { 'bad name': { silent: true, group: 'base' } } as never), /^planPrompts: catalogue "bad name"$/],
    ['httpSubmitter url', () => httpSubmitter({ url: 'http://example.com/' }), /^httpSubmitter: options\.url "http:\/\/example\.com\/"$/],
    ['httpSubmitter credentials', () => httpSubmitter({ url: 'https://a.example/', credentials: 'all' as never }), /^httpSubmitter: options\.credentials "all"$/],
    ['subscribe', () => createAuthorizer({ submit }).subscribe(3 as never), /^subscribe\(listener\)$/],
    ['setConsentPresenter', () => createAuthorizer({ submit }).setConsentPresenter(3 as never), /^setConsentPresenter\(presenter\)$/],
  ])('%s', (_label, f, message) => {
    const error = thrown(f);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(STRUCTURED);
  });

  it('requestAuthCode and authorize reject with the same shape', async () => {
    expect((await rejection(requestAuthCode('auth_base', { timeoutMs: -1 }))).message).toBe('requestAuthCode: options.timeoutMs number');
    const auth = createAuthorizer({ submit, host: createWalletSimulator().my });
    expect((await rejection(auth.authorize('auth_base', { gesture: 'yes' as never }))).message).toBe('authorize: options.gesture "yes"');
  });
});

describe('explain', () => {
  it('has a text for every AuthError code', () => {
    expect(Object.keys(AUTH_ERROR_TEXTS).sort()).toEqual([...AUTH_ERROR_CODES].sort());
  });

  it('explains an AuthError by its fields: code, scopes, platform code, status, detail, dismissed, retryable', () => {
    const text = explain(new AuthError('BACKEND_ERROR', { status: 503, platformCode: 'UNKNOWN_EXCEPTION', retryable: true, detail: 'echo', scopes: ['auth_base'] }));
    expect(text).toContain('BACKEND_ERROR for auth_base: The submit hook failed');
    expect(text).toContain('platformCode: UNKNOWN_EXCEPTION.');
    expect(text).toContain('HTTP status: 503.');
    expect(text).toContain('echo: the backend');
    expect(text).toContain('retryable: true.');
    expect(explain(new AuthError('USER_CANCELLED', { dismissed: true, scopes: ['USER_NAME'] }))).toContain('dismissed: "Not now"');
    // By its fields: an error from another copy of the kit, or a plain object, reads the same.
    expect(explain({ code: 'DENIED', scopes: ['USER_NAME'], message: 'DENIED [USER_NAME]' })).toContain('DENIED for USER_NAME: The user refused');
  });

  it.each<[string, () => unknown, string]>([
    ['a missing option', () => createAuthorizer({} as never), 'createAuthorizer: options.submit undefined: options.submit takes a function'],
    ['a refused value', () => createAuthorizer({ submit, maxRetries: 11 }), 'options.maxRetries takes an integer from 0 to 10 (it got number)'],
    ['a URL', () => httpSubmitter({ url: 'http://example.com/' }), 'options.url takes an https URL'],
    ['a catalogue', () => planPrompts('auth_base', { x: 1 } as never), 'catalogue takes a catalogue'],
    ['a listener', () => createAuthorizer({ submit }).subscribe(3 as never), 'subscribe(listener) takes a function'],
  ])('explains the TypeError of %s', (_label, f, sentence) => {
    expect(explain(thrown(f))).toContain(sentence);
  });

  it('every option the readers check has a text', () => {
    for (const key of ['submit', 'host', 'storage', 'now', 'storageKey', 'maxRetries', 'engagementTarget', 'codeMaxAgeMs', 'sessionTtlMs', 'timeoutMs', 'retryDelayMs', 'gesture', 'defer', 'signal', 'bridgeWaitMs', 'url', 'headers', 'credentials']) {
      expect(OPTION_TEXTS).toHaveProperty([`options.${key}`]);
    }
  });

  it('anything else is its message', () => {
    expect(explain(new Error('boom'))).toBe('boom');
    expect(explain('text')).toBe('text');
  });
});
