/**
 * The two cancellations that are not refusals, told apart from the error alone: "Not now" on the
 * kit's consent sheet (`isConsentDismissed`) and the wallet's page closed without a choice
 * (`isWalletClosed`); a refusal in the wallet is neither.
 */
import { AuthError, createAuthorizer, isConsentDismissed, isWalletClosed } from '../../utils';
import type { PendingConsent } from '../../utils';
import { createWalletSimulator, type UserScript } from '../../utils/testing';
import { authErrorOf, fakeBackend } from './helpers';

function setup(user: UserScript = 'allow') {
  const sim = createWalletSimulator({ user });
  const { submit } = fakeBackend(sim);
  const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
  return { sim, auth };
}

/** The error a deferred consent request ends with when the sheet answers `choose`. */
async function throughSheet(user: UserScript, choose: (pending: PendingConsent) => void): Promise<unknown> {
  const { auth } = setup(user);
  auth.setConsentPresenter(choose);
  auth.markEngaged();
  return authErrorOf(auth.authorize('NOTIFICATION_INBOX'));
}

describe('isConsentDismissed: "Not now" on the kit’s sheet', () => {
  test('"Not now" rejects USER_CANCELLED marked dismissed, and records nothing', async () => {
    const { auth } = setup();
    auth.setConsentPresenter((pending) => pending.dismiss());
    auth.markEngaged();
    const error = await authErrorOf(auth.authorize('NOTIFICATION_INBOX'));
    expect(error).toMatchObject({ code: 'USER_CANCELLED', dismissed: true, scopes: ['NOTIFICATION_INBOX'] });
    expect(isConsentDismissed(error)).toBe(true);
    expect(isWalletClosed(error)).toBe(false);
    expect(auth.consentState('NOTIFICATION_INBOX')).toBe('unknown');
  });

  test('a caller sharing the sheet for fewer scopes gets its own scopes, still marked dismissed', async () => {
    const { auth } = setup();
    auth.setConsentPresenter((pending) => pending.dismiss());
    auth.markEngaged();
    const both = authErrorOf(auth.authorize(['NOTIFICATION_INBOX', 'USER_NAME']));
    const one = await authErrorOf(auth.authorize('NOTIFICATION_INBOX'));
    expect(one).toMatchObject({ code: 'USER_CANCELLED', dismissed: true, scopes: ['NOTIFICATION_INBOX'] });
    expect(isConsentDismissed(one)).toBe(true);
    expect(isConsentDismissed(await both)).toBe(true);
  });

  test('a refusal in the wallet after "Continue" is not a dismissal, and is recorded', async () => {
    const error = await throughSheet('deny', (pending) => pending.proceed());
    expect(error).toMatchObject({ code: 'USER_CANCELLED' });
    expect(isConsentDismissed(error)).toBe(false);
    expect((error as AuthError).dismissed).toBeUndefined();
    expect('dismissed' in (error as object)).toBe(false);
  });

  test.each([
    ['wallet error 1001', { error: 1001 }],
    ['wallet error 11', { error: 11 }],
    ['a denial in authErrorScopes', { authErrorScopes: { USER_NAME: '10001' } }],
  ])('%s with a tap is a refusal, not a dismissal', async (_name, fault) => {
    const { sim, auth } = setup();
    sim.failNext(fault);
    const error = await authErrorOf(auth.authorize('USER_NAME', { gesture: true }));
    expect(error).toMatchObject({ code: 'USER_CANCELLED' });
    expect(isConsentDismissed(error)).toBe(false);
    expect(auth.consentState('USER_NAME')).toBe('denied');
  });

  test('the wallet’s page closed (error 10) is isWalletClosed, not a dismissal', async () => {
    const error = await throughSheet('dismiss', (pending) => pending.proceed());
    expect(isWalletClosed(error)).toBe(true);
    expect(isConsentDismissed(error)).toBe(false);
  });

  test('read from the fields, not by instanceof: another copy of the kit’s error reads the same', () => {
    expect(isConsentDismissed({ code: 'USER_CANCELLED', dismissed: true })).toBe(true);
    expect(isConsentDismissed(new AuthError('USER_CANCELLED', { dismissed: true }))).toBe(true);
    expect(isConsentDismissed(new AuthError('USER_CANCELLED'))).toBe(false);
    // Only a cancellation is a dismissal.
    expect(isConsentDismissed({ code: 'DENIED', dismissed: true })).toBe(false);
    for (const value of [null, undefined, 'USER_CANCELLED', 42, {}]) expect(isConsentDismissed(value)).toBe(false);
  });
});
