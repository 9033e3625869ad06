/** @jest-environment jsdom */
/**
 * A wallet page that never answers (the wallet's "hang"), with the elements defined: the first tap
 * times out, and the page is not frozen after it. Every later tap on a consent button opens the
 * wallet inside that tap, a consent request that comes due without a tap gets its sheet, whose
 * "Continue" opens the wallet inside its own click, and a request that waits for an open prompt
 * gives up with TIMEOUT.
 */
import '@testing-library/jest-dom';
import { waitFor } from '@testing-library/dom';
import { defineKit, make, mount, resetDom, shadow, sheets } from './helpers';

afterEach(resetDom);

const TIMEOUT_MS = 150;

function hungKit() {
  return defineKit({ authorizer: { timeoutMs: TIMEOUT_MS } });
}

function button(scopes: string, label: string) {
  const el = mount(make('consent-button', { scopes }, label));
  return { el, button: () => shadow(el).getByRole('button', { name: label }) };
}

/** The first tap meets a wallet that never answers: TIMEOUT. */
async function firstTapHangs(kit: ReturnType<typeof hungKit>) {
  const name = button('USER_NAME', 'Share my name');
  kit.sim.failNext('hang');
  name.button().click();
  expect(kit.sim.calls).toHaveLength(1);
  await waitFor(() => expect(name.el).toHaveAttribute('data-state', 'error'));
  return name;
}

describe('a wallet page that never answers, with the elements defined', () => {
  test('a later tap on the same button opens the wallet inside the tap', async () => {
    const kit = hungKit();
    const name = await firstTapHangs(kit);
    name.button().click();
    expect(kit.sim.calls).toHaveLength(2);
    await waitFor(() => expect(name.el).toHaveAttribute('data-state', 'authorized'));
    expect(sheets().filter((s) => s.open)).toHaveLength(0);
  });

  test("the cart's contact button opens the wallet inside its tap", async () => {
    const kit = hungKit();
    await firstTapHangs(kit);
    const contact = button('USER_CONTACTINFO', 'Add my phone');
    contact.button().click();
    expect(kit.sim.calls).toHaveLength(2);
    expect(kit.sim.calls[1]!.scopes).toEqual(['USER_CONTACTINFO']);
    await waitFor(() => expect(contact.el).toHaveAttribute('data-state', 'authorized'));
  });

  test('a request without a tap gets its sheet; "Continue" opens the wallet inside its click', async () => {
    const kit = hungKit();
    await firstTapHangs(kit);
    kit.authorizer.markEngaged();
    const answer = kit.authorizer.authorize('NOTIFICATION_INBOX');
    answer.catch(() => undefined);
    await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
    const sheet = sheets().find((s) => s.open)!;
    expect(kit.sim.calls).toHaveLength(1);
    shadow(sheet).getByRole('button', { name: 'Continue' }).click();
    expect(kit.sim.calls).toHaveLength(2);
    await expect(answer).resolves.toMatchObject({ scopes: ['NOTIFICATION_INBOX'] });
  });

  test('a request waiting behind an open sheet rejects TIMEOUT after timeoutMs', async () => {
    const kit = hungKit();
    kit.authorizer.markEngaged();
    const first = kit.authorizer.authorize('NOTIFICATION_INBOX');
    first.catch(() => undefined);
    await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
    const started = Date.now();
    await expect(kit.authorizer.authorize('USER_AVATAR')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(kit.sim.calls).toHaveLength(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    // The open sheet still works.
    shadow(sheets().find((s) => s.open)!).getByRole('button', { name: 'Continue' }).click();
    await expect(first).resolves.toMatchObject({ scopes: ['NOTIFICATION_INBOX'] });
  });
});
