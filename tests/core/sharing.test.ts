/**
 * How concurrent requests share work (review findings): a silent request never waits behind a
 * consent request waiting for the user; a tap takes over a waiting request and opens one prompt,
 * in the tap; a caller only ever sees its own scopes in an error.
 */
import { AuthError, createAuthorizer, memoryStorage } from '../../utils';
import { createWalletSimulator, type UserScript } from '../../utils/testing';
import { authErrorOf, flush } from './helpers';

function setup(user: UserScript = 'allow') {
  const sim = createWalletSimulator({ user });
  const submitted: string[][] = [];
  const auth = createAuthorizer({
    host: sim.my,
    storage: memoryStorage(),
    engagementTarget: null,
    retryDelayMs: 0,
    submit: async (code, { scopes }) => {
      const r = sim.exchange(code);
      if (!r.ok) throw Object.assign(new Error(r.error), { code: r.error });
      submitted.push([...scopes]);
      return { ok: true };
    },
  });
  return { sim, auth, submitted };
}

test('a silent request is fetched at once even while a consent request waits for engagement', async () => {
  const { sim, auth } = setup();
  const waiting = auth.authorize(['auth_base', 'USER_NAME']);
  waiting.catch(() => undefined);
  const silent = await auth.authorize('auth_base');
  expect(silent.scopes).toContain('auth_base');
  expect(sim.calls.map((c) => c.prompted)).toEqual([false]);
  expect(auth.engaged).toBe(false);
});

test('a caller whose scopes were granted resolves though the shared request failed for other scopes', async () => {
  const { auth } = setup({ allow: ['USER_NAME'] });
  const both = auth.authorize(['USER_NAME', 'USER_CONTACTINFO'], { gesture: true });
  const nameOnly = auth.authorize(['USER_NAME']);
  await expect(both).rejects.toMatchObject({ code: 'USER_CANCELLED', scopes: ['USER_CONTACTINFO'] });
  await expect(nameOnly).resolves.toMatchObject({ scopes: expect.arrayContaining(['USER_NAME']) });
});

test('a silent caller that shared a denied consent call gets its own silent code', async () => {
  const { sim, auth } = setup('deny');
  const consent = auth.authorize(['auth_base', 'USER_NAME'], { gesture: true });
  const silent = auth.authorize('auth_base');
  const error = await authErrorOf(consent);
  expect(error.code).toBe('USER_CANCELLED');
  await expect(silent).resolves.toMatchObject({ scopes: ['auth_base'] });
  expect(sim.calls.filter((c) => c.prompted)).toHaveLength(1);
});

test('errors name only the scopes the caller asked for', async () => {
  const { auth } = setup('deny');
  auth.markEngaged();
  const big = auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  const small = auth.authorize(['USER_AVATAR']);
  await expect(big).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  const error = await authErrorOf(small);
  expect(error).toBeInstanceOf(AuthError);
  expect(error.scopes).toEqual(['USER_AVATAR']);
});

test('a tap takes over a deferred request: one wallet prompt, opened inside the tap', async () => {
  const { sim, auth, submitted } = setup('manual');
  const deferred = auth.authorize(['USER_NAME']);
  await flush();
  expect(sim.calls).toHaveLength(0);
  const tap = auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  // Synchronously, inside the tap: one call for both scopes.
  expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_NAME', 'USER_AVATAR']]);
  sim.prompts[0]?.allow();
  await expect(tap).resolves.toMatchObject({ scopes: ['USER_NAME', 'USER_AVATAR'] });
  await expect(deferred).resolves.toMatchObject({ scopes: expect.arrayContaining(['USER_NAME']) });
  expect(sim.calls.filter((c) => c.prompted)).toHaveLength(1);
  expect(submitted).toEqual([['USER_NAME', 'USER_AVATAR']]);
});

test('a tap takes over a request whose consent sheet is open: the sheet closes, the wallet opens in the tap', async () => {
  const { sim, auth } = setup('manual');
  const sheets: Array<{ signal: AbortSignal }> = [];
  auth.setConsentPresenter((pending) => void sheets.push(pending));
  auth.markEngaged();
  const deferred = auth.authorize('NOTIFICATION_INBOX');
  await flush();
  expect(sheets).toHaveLength(1);
  const tap = auth.authorize(['NOTIFICATION_INBOX', 'USER_NAME'], { gesture: true });
  expect(sheets[0]?.signal.aborted).toBe(true);
  expect(sim.calls.map((c) => c.scopes)).toEqual([['NOTIFICATION_INBOX', 'USER_NAME']]);
  sim.prompts[0]?.allow();
  await tap;
  await deferred;
  expect(sim.maxOpenPrompts).toBe(1);
});

test('a second tap while a prompt is open never opens a second prompt at the same time', async () => {
  const { sim, auth } = setup('manual');
  const first = auth.authorize(['USER_NAME'], { gesture: true });
  const second = auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true });
  expect(sim.prompts).toHaveLength(1);
  for (let i = 0; i < 5; i++) {
    sim.prompts[0]?.allow();
    await flush();
  }
  await Promise.all([first, second]);
  expect(sim.maxOpenPrompts).toBe(1);
});
