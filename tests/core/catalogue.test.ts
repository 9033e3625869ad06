/** Other wallets' scopes: `CLARO_SCOPES` and the `catalogue` option of planPrompts and createAuthorizer. */
import { AuthError, CLARO_SCOPES, createAuthorizer, planPrompts, SCOPES, scopeInfo, type ScopeCatalogue } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, fakeTarget } from './helpers';

describe('CLARO_SCOPES (seed 001)', () => {
  it('has the user id silent and the three customer modes behind consent, each alone', () => {
    expect(CLARO_SCOPES.User_Base_Info).toEqual({ silent: true, group: 'base' });
    for (const mode of ['User_Customer_Info', 'User_Customer_KYC_Info', 'User_Business_Info'] as const) {
      expect(CLARO_SCOPES[mode]).toMatchObject({ silent: false, alone: true });
    }
    expect(Object.isFrozen(CLARO_SCOPES)).toBe(true);
  });

  it('is not part of the platform catalogue: without it Claro scopes are consent scopes of group other', () => {
    expect(scopeInfo('User_Base_Info')).toEqual({ silent: false, group: 'other' });
    expect(scopeInfo('User_Base_Info', CLARO_SCOPES)).toEqual({ silent: true, group: 'base' });
  });
});

describe('planPrompts(scopes, catalogue)', () => {
  it('puts each Claro customer mode in a call of its own; the silent mode rides in the first', () => {
    expect(planPrompts(['User_Base_Info', 'User_Customer_Info', 'User_Customer_KYC_Info'], CLARO_SCOPES)).toEqual([
      ['User_Base_Info', 'User_Customer_Info'],
      ['User_Customer_KYC_Info'],
    ]);
    expect(planPrompts(['User_Base_Info'], CLARO_SCOPES)).toEqual([['User_Base_Info']]);
  });

  it('lays the catalogue over SCOPES: platform scopes keep their rules beside it', () => {
    expect(planPrompts(['auth_base', 'USER_NAME', 'USER_CONTACTINFO', 'User_Business_Info'], CLARO_SCOPES)).toEqual([
      ['auth_base', 'USER_NAME'],
      ['USER_CONTACTINFO'],
      ['User_Business_Info'],
    ]);
  });

  it('keeps unknown scopes as consent scopes that share a call, in the order the caller asked', () => {
    expect(planPrompts(['User_Customer_Info', 'NEW_SCOPE', 'OTHER_NEW'], CLARO_SCOPES)).toEqual([['User_Customer_Info'], ['NEW_SCOPE', 'OTHER_NEW']]);
    expect(planPrompts(['NEW_SCOPE', 'User_Customer_Info', 'OTHER_NEW'], CLARO_SCOPES)).toEqual([['NEW_SCOPE', 'OTHER_NEW'], ['User_Customer_Info']]);
  });

  it('lets a catalogue make a platform scope silent for its wallet', () => {
    const catalogue: ScopeCatalogue = { USER_NAME: { silent: true, group: 'profile' } };
    expect(planPrompts(['USER_NAME', 'USER_AVATAR'], catalogue)).toEqual([['USER_NAME', 'USER_AVATAR']]);
    expect(scopeInfo('USER_NAME', SCOPES).silent).toBe(false);
  });

  it.each([
    ['a string', 'claro'],
    ['an array', []],
    ['an entry without silent', { X: { group: 'base' } }],
    ['an unknown group', { X: { silent: false, group: 'secret' } }],
    ['a non-boolean alone', { X: { silent: false, group: 'other', alone: 'yes' } }],
    ['a malformed scope name', { 'bad name': { silent: true, group: 'base' } }],
  ])('refuses %s as a catalogue with a TypeError', (_what, catalogue) => {
    expect(() => planPrompts(['auth_base'], catalogue as unknown as ScopeCatalogue)).toThrow(TypeError);
  });
});

describe('createAuthorizer({ catalogue })', () => {
  const claroWallet = () => createWalletSimulator({ catalogue: CLARO_SCOPES, user: 'allow' });

  it('fetches User_Base_Info silently at launch, before any engagement', async () => {
    const sim = claroWallet();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, catalogue: CLARO_SCOPES, engagementTarget: fakeTarget() });
    await expect(auth.authorize('User_Base_Info')).resolves.toMatchObject({ scopes: ['User_Base_Info'] });
    expect(sim.calls.map((c) => c.prompted)).toEqual([false]);
    expect(auth.consentState('User_Base_Info')).toBe('granted');
    expect(auth.catalogue.User_Base_Info).toEqual(CLARO_SCOPES.User_Base_Info);
  });

  it('holds a Claro consent mode to the first-screen rule', async () => {
    const sim = claroWallet();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, catalogue: CLARO_SCOPES, engagementTarget: fakeTarget() });
    const error = await authErrorOf(auth.authorize('User_Customer_Info', { defer: false }));
    expect(error.code).toBe('FIRST_SCREEN');
    expect(sim.calls).toHaveLength(0);
  });

  it('asks for two customer modes in two wallet calls from one tap', async () => {
    const sim = claroWallet();
    const { submit, submitted } = fakeBackend(sim);
    const auth = createAuthorizer({ submit, host: sim.my, catalogue: CLARO_SCOPES, engagementTarget: null });
    const session = await auth.authorize(['User_Customer_Info', 'User_Customer_KYC_Info'], { gesture: true });
    expect(sim.calls.map((c) => c.scopes)).toEqual([['User_Customer_Info'], ['User_Customer_KYC_Info']]);
    expect(submitted.map((s) => s.scopes)).toEqual([['User_Customer_Info'], ['User_Customer_KYC_Info']]);
    expect(session.scopes).toEqual(expect.arrayContaining(['User_Customer_Info', 'User_Customer_KYC_Info']));
  });

  it('without the catalogue treats User_Base_Info as a consent scope (it waits for engagement)', async () => {
    const sim = claroWallet();
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: fakeTarget() });
    const error = await authErrorOf(auth.authorize('User_Base_Info', { defer: false }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('FIRST_SCREEN');
  });

  it('refuses a catalogue that is not one', () => {
    const sim = claroWallet();
    expect(() => createAuthorizer({ submit: fakeBackend(sim).submit, catalogue: { X: { silent: 'no' } } as unknown as ScopeCatalogue })).toThrow(
      /^createAuthorizer: catalogue "X"$/,
    );
  });
});
