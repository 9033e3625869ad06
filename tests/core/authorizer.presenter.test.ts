/** createAuthorizer: the consent presenter (the `<consent-prompt>` sheet's hook) and the one-prompt rule. */
import { createAuthorizer } from '../../utils';
import type { Authorizer, PendingConsent } from '../../utils';
import { createWalletSimulator, type WalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, flush, track } from './helpers';

/** A presenter that keeps the sheets it was given and counts how many are open at once. */
function sheetRecorder(sim?: WalletSimulator) {
  const shown: PendingConsent[] = [];
  let open = 0;
  let maxOpen = 0;
  let overlapWithWallet = false;
  const presenter = (pending: PendingConsent) => {
    shown.push(pending);
    open++;
    maxOpen = Math.max(maxOpen, open);
    if (sim && sim.prompts.length > 0) overlapWithWallet = true;
    pending.signal.addEventListener('abort', () => open--, { once: true });
  };
  return {
    presenter,
    shown,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    get overlapWithWallet() {
      return overlapWithWallet;
    },
  };
}

function setup(user: 'allow' | 'deny' | 'manual' = 'allow'): { sim: WalletSimulator; auth: Authorizer; submit: jest.Mock } {
  const sim = createWalletSimulator({ user });
  const { submit } = fakeBackend(sim);
  const auth = createAuthorizer({ submit, host: sim.my, engagementTarget: null });
  return { sim, auth, submit };
}

describe('authorizer – consent presenter', () => {
  it('sends a deferred prompt to the presenter after engagement, not to the wallet', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    const t = track(auth.authorize(['auth_base', 'USER_NAME']));
    await flush();
    expect(sheets.shown).toHaveLength(0);
    auth.markEngaged();
    await flush();
    expect(sheets.shown).toHaveLength(1);
    expect(sheets.shown[0]?.scopes).toEqual(['auth_base', 'USER_NAME']);
    expect(sheets.shown[0]?.signal.aborted).toBe(false);
    expect(sim.calls).toHaveLength(0);
    expect(t.settled).toBe(false);

    // "Continue": the wallet prompt opens inside the tap.
    sheets.shown[0]?.proceed();
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]?.prompted).toBe(true);
    expect(sheets.shown[0]?.signal.aborted).toBe(true);
    await expect(t.promise).resolves.toMatchObject({ scopes: ['auth_base', 'USER_NAME'] });
    expect(auth.consentState('USER_NAME')).toBe('granted');
  });

  it('freezes the scopes of the pending consent', async () => {
    const { auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    auth.markEngaged();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(Object.isFrozen(sheets.shown[0]?.scopes)).toBe(true);
    sheets.shown[0]?.dismiss();
    await t.promise.catch(() => undefined);
  });

  it('dismiss() rejects USER_CANCELLED and leaves the consent record as it was', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    auth.markEngaged();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    sheets.shown[0]?.dismiss();
    const error = await authErrorOf(t.promise);
    expect(error.code).toBe('USER_CANCELLED');
    expect(error.scopes).toEqual(['USER_NAME']);
    expect(auth.consentState('USER_NAME')).toBe('unknown');
    expect(sim.calls).toHaveLength(0);
    expect(sheets.shown[0]?.signal.aborted).toBe(true);
    // Not a denial: a later request (no gesture) shows the sheet again rather than rejecting DENIED.
    const again = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sheets.shown).toHaveLength(2);
    sheets.shown[1]?.proceed();
    await expect(again.promise).resolves.toMatchObject({ scopes: ['USER_NAME'] });
  });

  it('proceed() and dismiss() after the sheet was answered do nothing', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    auth.markEngaged();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    const pending = sheets.shown[0] as PendingConsent;
    pending.proceed();
    pending.proceed();
    pending.dismiss();
    await expect(t.promise).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    expect(sim.calls).toHaveLength(1);
  });

  it('a wallet denial after proceed() is recorded as denied', async () => {
    const { auth } = setup('deny');
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    auth.markEngaged();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    sheets.shown[0]?.proceed();
    expect((await authErrorOf(t.promise)).code).toBe('USER_CANCELLED');
    expect(auth.consentState('USER_NAME')).toBe('denied');
  });

  it('does not use the presenter for gesture calls or silent scopes', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    await auth.authorize('auth_base');
    await auth.authorize('USER_NAME', { gesture: true });
    expect(sheets.shown).toHaveLength(0);
    expect(sim.calls).toHaveLength(2);
  });

  it('a gesture call for the same scopes proceeds the open sheet', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    auth.markEngaged();
    const deferred = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sheets.shown).toHaveLength(1);
    const tapped = auth.authorize('USER_NAME', { gesture: true });
    expect(sim.calls).toHaveLength(1);
    expect(sheets.shown[0]?.signal.aborted).toBe(true);
    await tapped;
    await deferred.promise;
    expect(sim.calls).toHaveLength(1);
  });

  it('a request made by page code while a tap takes over the sheet (its close) joins the tap and gets its session', async () => {
    const { sim, auth } = setup();
    let inner: Promise<unknown> | undefined;
    auth.setConsentPresenter((pending) => {
      // The sheet's close runs page code (an event, a focus return) that may ask again.
      pending.signal.addEventListener('abort', () => void (inner ??= auth.authorize('USER_NAME')), { once: true });
    });
    auth.markEngaged();
    const deferred = track(auth.authorize('USER_NAME'));
    await flush();
    const tapped = auth.authorize('USER_NAME', { gesture: true });
    expect(inner).toBeDefined();
    await expect(tapped).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    await expect(inner).resolves.toMatchObject({ scopes: ['USER_NAME'] });
    await deferred.promise;
    expect(sim.calls).toHaveLength(1);
  });

  it('the function returned by setConsentPresenter removes it', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    const remove = auth.setConsentPresenter(sheets.presenter);
    remove();
    auth.markEngaged();
    await auth.authorize('USER_NAME');
    expect(sheets.shown).toHaveLength(0);
    expect(sim.calls).toHaveLength(1);
  });

  it('a newer presenter is not removed by the older one’s remover', async () => {
    const { auth } = setup();
    const first = sheetRecorder();
    const second = sheetRecorder();
    const removeFirst = auth.setConsentPresenter(first.presenter);
    auth.setConsentPresenter(second.presenter);
    removeFirst();
    auth.markEngaged();
    const t = track(auth.authorize('USER_NAME'));
    await flush();
    expect(first.shown).toHaveLength(0);
    expect(second.shown).toHaveLength(1);
    second.shown[0]?.dismiss();
    await t.promise.catch(() => undefined);
  });

  it('refuses a presenter that is not a function', () => {
    const { auth } = setup();
    expect(() => auth.setConsentPresenter('sheet' as unknown as null)).toThrow(TypeError);
  });

  it('aborts the pending sheet when the caller aborts, or on signOut', async () => {
    const { sim, auth } = setup();
    const sheets = sheetRecorder();
    auth.setConsentPresenter(sheets.presenter);
    auth.markEngaged();
    const controller = new AbortController();
    const t1 = track(auth.authorize('USER_NAME', { signal: controller.signal }));
    await flush();
    controller.abort();
    expect((await authErrorOf(t1.promise)).code).toBe('ABORTED');
    expect(sheets.shown[0]?.signal.aborted).toBe(true);
    sheets.shown[0]?.proceed();
    expect(sim.calls).toHaveLength(0);

    const t2 = track(auth.authorize('USER_AVATAR'));
    await flush();
    expect(sheets.shown).toHaveLength(2);
    await auth.signOut();
    expect((await authErrorOf(t2.promise)).code).toBe('ABORTED');
    expect(sheets.shown[1]?.signal.aborted).toBe(true);
    expect(sheets.open).toBe(0);
  });

  it('never shows two sheets, or a sheet and a wallet prompt, at once', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const sheets = sheetRecorder(sim);
    auth.setConsentPresenter(sheets.presenter);
    const requests = [
      track(auth.authorize('USER_NAME')),
      track(auth.authorize('USER_CONTACTINFO')),
      track(auth.authorize('NOTIFICATION_INBOX')),
    ];
    auth.markEngaged();
    // Taps on consent buttons elsewhere in the page, for other scopes.
    const tapped = [track(auth.authorize('CARD_LIST', { gesture: true })), track(auth.authorize('AGREEMENT_PAY', { gesture: true }))];
    for (let round = 0; round < 20; round++) {
      await flush();
      expect(sheets.open + sim.prompts.length).toBeLessThanOrEqual(1);
      const sheet = sheets.shown.find((p) => !p.signal.aborted);
      if (sheet) sheet.proceed();
      else sim.prompts[0]?.allow();
    }
    for (const t of [...requests, ...tapped]) await t.promise;
    expect(sim.maxOpenPrompts).toBe(1);
    expect(sheets.maxOpen).toBe(1);
    expect(sheets.overlapWithWallet).toBe(false);
    expect(sim.calls).toHaveLength(5);
  });

  it('treats a throwing presenter as "Not now": the wallet never opens without a tap', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const broken = new Error('sheet failed to render');
    auth.setConsentPresenter(() => {
      throw broken;
    });
    const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const a = auth.authorize('USER_NAME');
      const b = auth.authorize('USER_CONTACTINFO');
      auth.markEngaged();
      await expect(a).rejects.toMatchObject({ code: 'USER_CANCELLED', scopes: ['USER_NAME'] });
      await expect(b).rejects.toMatchObject({ code: 'USER_CANCELLED', scopes: ['USER_CONTACTINFO'] });
      expect(sim.calls).toHaveLength(0);
      expect(auth.consentState('USER_NAME')).toBe('unknown');
      expect(auth.consentState('USER_CONTACTINFO')).toBe('unknown');
      expect(reported).toHaveBeenCalledWith(broken);
    } finally {
      reported.mockRestore();
    }
  });

  it('never opens two wallet prompts at once for concurrent gesture calls', async () => {
    const sim = createWalletSimulator({ user: 'manual' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null });
    const calls = ['USER_NAME', 'USER_CONTACTINFO', 'NOTIFICATION_INBOX', 'CARD_LIST'].map((s) => track(auth.authorize(s, { gesture: true })));
    for (let round = 0; round < 10; round++) {
      await flush();
      expect(sim.prompts.length).toBeLessThanOrEqual(1);
      sim.prompts[0]?.allow();
    }
    for (const t of calls) await t.promise;
    expect(sim.maxOpenPrompts).toBe(1);
    expect(sim.calls).toHaveLength(4);
  });

  it('never starts a wallet call for consent scopes recorded as granted while a prompt is open', async () => {
    let clock = 1_000;
    const sim = createWalletSimulator({ user: 'allow' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, now: () => clock, sessionTtlMs: 1_000 });
    await auth.authorize('USER_NAME', { gesture: true });
    clock += 5_000; // the session expired; USER_NAME stays granted in the consent record
    sim.setUser('manual');
    const avatar = track(auth.authorize('USER_AVATAR', { gesture: true }));
    await flush();
    expect(sim.prompts).toHaveLength(1);
    const name = track(auth.authorize('USER_NAME'));
    await flush();
    expect(sim.calls).toHaveLength(2);
    sim.prompts[0]?.allow();
    await avatar.promise;
    await name.promise;
    expect(sim.calls).toHaveLength(3);
    expect(sim.calls[2]?.scopes).toEqual(['USER_NAME']);
    expect(sim.maxOpenPrompts).toBe(1);
  });
});
