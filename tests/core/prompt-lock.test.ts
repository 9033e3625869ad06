/**
 * The prompt lock (the contract's prompt-lock bullet): a call waiting for an open prompt rejects
 * TIMEOUT after `timeoutMs`, with or without a consent sheet; a prompt that never answered counts
 * as open until the wallet answers or, after its TIMEOUT, a tap comes (a request with
 * `gesture: true`, or the sheet's "Continue"): that tap opens the wallet inside itself. The lock
 * holds across every authorizer of the page over the same host, also over the default global host
 * and across two copies of the kit (ESM and CommonJS).
 */
import { createAuthorizer, memoryStorage } from '../../utils';
import type { AuthCodeHost, Authorizer, AuthorizerOptions, PendingConsent } from '../../utils';
import { createWalletSimulator, type WalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, flush, track } from './helpers';

const TIMEOUT_MS = 1_000;
const covering = (scope: string) => ({ scopes: expect.arrayContaining([scope]) });

beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

function kit(sim: WalletSimulator, options: Partial<AuthorizerOptions> = {}): Authorizer {
  return createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, timeoutMs: TIMEOUT_MS, ...options });
}

/** A presenter that keeps every sheet it is given. */
function sheets(auth: Authorizer): PendingConsent[] {
  const shown: PendingConsent[] = [];
  auth.setConsentPresenter((pending) => void shown.push(pending));
  return shown;
}

/** The wallet's page never answers (the wallet's "hang"): the first tap times out. */
async function hungFirstTap(sim: WalletSimulator, auth: Authorizer): Promise<void> {
  sim.failNext('hang');
  const before = sim.calls.length;
  const first = track(auth.authorize('USER_NAME', { gesture: true }));
  expect(sim.calls).toHaveLength(before + 1);
  await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
  expect((await authErrorOf(first.promise)).code).toBe('TIMEOUT');
}

describe('a prompt that never answers', () => {
  it.each([
    ['without the sheet', false],
    ['with the sheet (the elements defined)', true],
  ])('%s: a later tap opens the wallet inside the tap', async (_label, withSheet) => {
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim);
    const shown = withSheet ? sheets(auth) : [];
    await hungFirstTap(sim, auth);
    const again = auth.authorize('USER_NAME', { gesture: true });
    // Synchronously, in the tap's own task.
    expect(sim.calls).toHaveLength(2);
    await expect(again).resolves.toMatchObject(covering('USER_NAME'));
    // Another consent button (the cart's contact step) too.
    const contact = auth.authorize('USER_CONTACTINFO', { gesture: true });
    expect(sim.calls).toHaveLength(3);
    await expect(contact).resolves.toMatchObject(covering('USER_CONTACTINFO'));
    expect(shown).toHaveLength(0);
  });

  it('a tap for consent scopes granted before opens the wallet inside the tap too', async () => {
    let clock = 1_000;
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim, { now: () => clock, sessionTtlMs: 1_000 });
    await auth.authorize('USER_AVATAR', { gesture: true });
    clock += 5_000; // expired; USER_AVATAR stays granted in the consent record
    await hungFirstTap(sim, auth);
    const again = auth.authorize('USER_AVATAR', { gesture: true });
    expect(sim.calls).toHaveLength(3);
    await expect(again).resolves.toMatchObject(covering('USER_AVATAR'));
  });

  it('without a tap, a later request waits for it and rejects TIMEOUT after timeoutMs', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim);
    await hungFirstTap(sim, auth);
    auth.markEngaged();
    const later = track(auth.authorize('USER_AVATAR'));
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(later.settled).toBe(false);
    expect(sim.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect((await authErrorOf(later.promise)).code).toBe('TIMEOUT');
    expect(sim.calls).toHaveLength(1);
  });

  it('with the sheet, a later request shows its sheet; "Continue" opens the wallet inside that tap', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim);
    const shown = sheets(auth);
    await hungFirstTap(sim, auth);
    auth.markEngaged();
    const later = track(auth.authorize('NOTIFICATION_INBOX'));
    await flush();
    expect(shown).toHaveLength(1);
    expect(sim.calls).toHaveLength(1);
    shown[0]!.proceed();
    expect(sim.calls).toHaveLength(2);
    await expect(later.promise).resolves.toMatchObject(covering('NOTIFICATION_INBOX'));
  });

  it('"Continue" on a sheet whose wallet page then hangs: the next sheet\'s "Continue" opens the wallet', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim);
    const shown = sheets(auth);
    auth.markEngaged();
    const first = track(auth.authorize('NOTIFICATION_INBOX'));
    await flush();
    sim.failNext('hang');
    shown[0]!.proceed();
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect((await authErrorOf(first.promise)).code).toBe('TIMEOUT');
    const second = track(auth.authorize('NOTIFICATION_INBOX'));
    await flush();
    expect(shown).toHaveLength(2);
    shown[1]!.proceed();
    expect(sim.calls).toHaveLength(2);
    await expect(second.promise).resolves.toMatchObject(covering('NOTIFICATION_INBOX'));
  });

  it('a tap that had to wait is no longer inside the tap: it never takes over once the prompt times out', async () => {
    let clock = 1_000;
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim, { now: () => clock, sessionTtlMs: 1_000 });
    await auth.authorize('USER_AVATAR', { gesture: true });
    clock += 5_000;
    sim.setUser('manual');
    const open = track(auth.authorize('USER_NAME', { gesture: true }));
    // USER_AVATAR is granted: its call waits for the open page like any other.
    const waiting = track(auth.authorize('USER_AVATAR', { gesture: true }));
    expect(sim.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect((await authErrorOf(open.promise)).code).toBe('TIMEOUT');
    expect((await authErrorOf(waiting.promise)).code).toBe('TIMEOUT');
    expect(sim.calls).toHaveLength(2);
  });

  it('the late answer of the hung prompt does not free the lock a tap took over', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    let late: (() => void) | null = null;
    // The first call's page answers only when the test says so, long after its TIMEOUT.
    const host: AuthCodeHost = {
      getAuthCode: (call) => {
        if (late === null) late = () => call.fail({ error: 1001 });
        else sim.my.getAuthCode(call);
      },
    };
    const auth = kit(sim, { host });
    const first = track(auth.authorize('USER_NAME', { gesture: true }));
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect((await authErrorOf(first.promise)).code).toBe('TIMEOUT');
    const tapped = track(auth.authorize('USER_AVATAR', { gesture: true }));
    expect(sim.prompts).toHaveLength(1);
    (late as unknown as () => void)();
    auth.markEngaged();
    const waiting = track(auth.authorize('NOTIFICATION_INBOX'));
    await flush();
    // The tap's page is still open: nothing else reaches the wallet.
    expect(sim.prompts).toHaveLength(1);
    expect(sim.prompts[0]?.consentScopes).toEqual(['USER_AVATAR']);
    sim.prompts[0]!.allow();
    await tapped.promise;
    await flush();
    sim.prompts[0]!.allow();
    await expect(waiting.promise).resolves.toMatchObject(covering('NOTIFICATION_INBOX'));
    expect(sim.maxOpenPrompts).toBe(1);
  });
});

describe('a call waiting for an open prompt', () => {
  it('with the sheet: rejects TIMEOUT after timeoutMs while another sheet is open', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = kit(sim);
    const shown = sheets(auth);
    auth.markEngaged();
    const first = track(auth.authorize('USER_NAME'));
    await flush();
    const second = track(auth.authorize('NOTIFICATION_INBOX'));
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(second.settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect((await authErrorOf(second.promise)).code).toBe('TIMEOUT');
    expect(shown).toHaveLength(1);
    shown[0]!.proceed();
    await expect(first.promise).resolves.toMatchObject(covering('USER_NAME'));
  });

  it('with the sheet: a tap that finds a live wallet prompt open rejects TIMEOUT after timeoutMs', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const slow = kit(sim, { timeoutMs: 60_000 });
    const auth = kit(sim);
    sheets(auth);
    const open = track(slow.authorize('USER_NAME', { gesture: true }));
    const tapped = track(auth.authorize('USER_AVATAR', { gesture: true }));
    await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect((await authErrorOf(tapped.promise)).code).toBe('TIMEOUT');
    expect(sim.calls).toHaveLength(1);
    sim.prompts[0]!.allow();
    await expect(open.promise).resolves.toMatchObject(covering('USER_NAME'));
  });
});

describe('one lock for every authorizer of the page over the same host', () => {
  /** A tap on each: the second prompt opens only once the first page is answered. */
  async function oneAfterTheOther(a: Pick<Authorizer, 'authorize'>, b: Pick<Authorizer, 'authorize'>, sim: WalletSimulator) {
    const first = track(a.authorize('USER_NAME', { gesture: true }));
    const second = track(b.authorize('USER_AVATAR', { gesture: true }));
    await flush();
    expect(sim.prompts).toHaveLength(1);
    sim.prompts[0]!.allow();
    await first.promise;
    await flush();
    expect(sim.prompts).toHaveLength(1);
    sim.prompts[0]!.allow();
    await second.promise;
    expect(sim.maxOpenPrompts).toBe(1);
  }

  it('two authorizers over one my: never two consent prompts at once', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const a = kit(sim, { timeoutMs: 60_000 });
    const b = kit(sim, { timeoutMs: 60_000 });
    await oneAfterTheOther(a, b, sim);
  });

  it('the wallet is still called inside the tap when the lock is free', () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const a = kit(sim);
    const b = kit(sim);
    void a.authorize('USER_NAME', { gesture: true }).catch(() => undefined);
    expect(sim.calls).toHaveLength(1);
    void b.authorize('USER_AVATAR', { gesture: true }).catch(() => undefined);
    expect(sim.calls).toHaveLength(1);
  });

  it('over the default global my as well', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const g = globalThis as { my?: unknown };
    g.my = sim.my;
    try {
      const a = createAuthorizer({ submit: fakeBackend(sim).submit, engagementTarget: null, timeoutMs: 60_000 });
      const b = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, timeoutMs: 60_000 });
      await oneAfterTheOther(a, b, sim);
    } finally {
      delete g.my;
    }
  });

  it('across two copies of the kit loaded side by side (ESM and CommonJS)', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    let other!: typeof import('../../utils');
    jest.isolateModules(() => {
      other = jest.requireActual('../../utils');
    });
    expect(other.createAuthorizer).not.toBe(createAuthorizer);
    const a = kit(sim, { timeoutMs: 60_000 });
    const b = other.createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, timeoutMs: 60_000 });
    await oneAfterTheOther(a, b, sim);
  });

  it('a host that cannot take the lock (frozen) still shares it within one copy of the kit', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const frozen: AuthCodeHost = Object.freeze<AuthCodeHost>({ getAuthCode: (call) => sim.my.getAuthCode(call) });
    const a = kit(sim, { host: frozen, timeoutMs: 60_000 });
    const b = kit(sim, { host: frozen, timeoutMs: 60_000 });
    await oneAfterTheOther(a, b, sim);
  });

  it('a call waiting for its turn on the other authorizer rejects DENIED when the user refused its scopes meanwhile', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const storage = memoryStorage();
    const a = kit(sim, { storage, timeoutMs: 60_000 });
    const b = kit(sim, { storage, timeoutMs: 60_000 });
    const first = track(a.authorize('USER_NAME', { gesture: true }));
    b.markEngaged();
    const waiting = track(b.authorize('USER_NAME', { defer: false }));
    await flush();
    expect(sim.prompts).toHaveLength(1);
    sim.prompts[0]!.deny();
    await flush();
    expect((await authErrorOf(first.promise)).code).toBe('USER_CANCELLED');
    expect(waiting.error).toMatchObject({ code: 'DENIED', scopes: ['USER_NAME'] });
    expect(sim.calls).toHaveLength(1);
  });

  it('a later call of a plan does not re-ask a scope the user refused on the other authorizer since the plan began', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const storage = memoryStorage();
    const a = kit(sim, { storage, timeoutMs: 60_000 });
    const b = kit(sim, { storage, timeoutMs: 60_000 });
    // Two calls: basic profile data and contact data never share a prompt.
    const plan = track(b.authorize(['auth_user', 'USER_CONTACTINFO']));
    const contact = track(a.authorize('USER_CONTACTINFO', { gesture: true }));
    b.markEngaged();
    await flush();
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_CONTACTINFO']]);
    sim.prompts[0]!.deny();
    await flush();
    expect((await authErrorOf(contact.promise)).code).toBe('USER_CANCELLED');
    // The plan's first call, in its turn.
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_CONTACTINFO'], ['auth_user']]);
    sim.prompts[0]!.allow();
    await flush();
    expect(plan.error).toMatchObject({ code: 'DENIED', scopes: ['USER_CONTACTINFO'] });
    expect(sim.calls).toHaveLength(2);
    expect(b.consentState('auth_user')).toBe('granted');
  });

  it('a later call of a plan that waited for its turn does not re-ask a scope the user refused meanwhile', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const storage = memoryStorage();
    const a = kit(sim, { storage, timeoutMs: 60_000 });
    const b = kit(sim, { storage, timeoutMs: 60_000 });
    const plan = track(b.authorize(['USER_NAME', 'USER_CONTACTINFO']));
    b.markEngaged();
    await flush();
    const contact = track(a.authorize('USER_CONTACTINFO'));
    a.markEngaged();
    await flush();
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_NAME']]);
    // The plan's first answer: the other page's request had waited longer and takes the turn; the
    // plan's later call waits behind it.
    sim.prompts[0]!.allow();
    await flush();
    expect(sim.calls.map((c) => c.scopes)).toEqual([['USER_NAME'], ['USER_CONTACTINFO']]);
    sim.prompts[0]!.deny();
    await flush();
    expect((await authErrorOf(contact.promise)).code).toBe('USER_CANCELLED');
    expect(plan.error).toMatchObject({ code: 'DENIED', scopes: ['USER_CONTACTINFO'] });
    expect(sim.calls).toHaveLength(2);
    expect(b.consentState('USER_NAME')).toBe('granted');
  });

  it('a prompt of one authorizer that hung: a tap on the other opens the wallet inside the tap', async () => {
    const sim = createWalletSimulator({ user: 'allow' });
    const a = kit(sim);
    const b = kit(sim);
    sheets(b);
    await hungFirstTap(sim, a);
    const tapped = b.authorize('USER_AVATAR', { gesture: true });
    expect(sim.calls).toHaveLength(2);
    await expect(tapped).resolves.toMatchObject(covering('USER_AVATAR'));
  });
});
