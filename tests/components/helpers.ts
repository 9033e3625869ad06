/**
 * Shared set-up of the component tests: a real authorizer over the simulated wallet, with an
 * in-memory backend (the simulator's own single-use code exchange) and in-memory storage.
 */
import { waitFor, within } from '@testing-library/dom';
import { createAuthorizer, memoryStorage, type Authorizer, type AuthorizerOptions } from '../../utils';
import { createWalletSimulator, type UserScript, type WalletSimulator } from '../../utils/testing';
import { defineConsentElements, type DefineConsentElementsOptions } from '../../components';
// The component tests speak all three languages: Arabic and Kurdish are their own modules.
import '../../components/locales/ar';
import '../../components/locales/ku';

export interface Kit {
  sim: WalletSimulator;
  authorizer: Authorizer;
  /** Scopes of every code the backend accepted. */
  submitted: string[][];
}

export function makeKit(options: { user?: UserScript; authorizer?: Partial<AuthorizerOptions> } = {}): Kit {
  const sim = createWalletSimulator({ user: options.user ?? 'allow' });
  const submitted: string[][] = [];
  const authorizer = createAuthorizer({
    host: sim.my,
    storage: memoryStorage(),
    // Engagement is driven by the tests (markEngaged), never by jsdom events.
    engagementTarget: null,
    retryDelayMs: 0,
    submit: async (code, { scopes }) => {
      const result = sim.exchange(code);
      if (!result.ok) throw Object.assign(new Error(result.error), { code: result.error });
      submitted.push([...scopes]);
      return { customerId: result.customerId };
    },
    ...options.authorizer,
  });
  return { sim, authorizer, submitted };
}

/** A kit with the elements defined for it. */
export function defineKit(options: Parameters<typeof makeKit>[0] & Omit<Partial<DefineConsentElementsOptions>, 'authorizer'> = {}): Kit {
  const { user, authorizer: authorizerOptions, ...define } = options;
  const kit = makeKit({ user, authorizer: authorizerOptions });
  defineConsentElements({ authorizer: kit.authorizer, ...define });
  return kit;
}

/**
 * testing-library queries inside an element's open shadow root (testing-library does not pierce
 * shadow roots). Scoped to the element's inner wrapper (`part="root"`), which holds everything it
 * renders, so failure messages can print it.
 */
export function shadow(element: Element) {
  if (!element.shadowRoot) throw new Error(`<${element.localName}> has no shadow root (not defined yet?)`);
  const wrapper = element.shadowRoot.querySelector<HTMLElement>('[part~="root"]');
  return within(wrapper ?? (element.shadowRoot as unknown as HTMLElement));
}

/** Lets promise chains (wallet answer, submit, session) settle. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Builds an element with attributes set one by one (no HTML parsing). */
export function make<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function mount<T extends Node>(node: T, parent: Element = document.body): T {
  parent.append(node);
  return node;
}

/** The open sheet (the one created on demand, or the one in the page). */
export function sheets(): HTMLElementTagNameMap['consent-prompt'][] {
  return [...document.querySelectorAll('consent-prompt')];
}

/**
 * A consent request made without a tap, after the user engaged: it comes due in a sheet. Waits for
 * an open sheet; gives it with the request's answer (its rejection handled).
 */
export async function openSheetFor(kit: Kit, scopes: string | string[] = 'NOTIFICATION_INBOX') {
  const answer = kit.authorizer.authorize(scopes);
  answer.catch(() => undefined);
  kit.authorizer.markEngaged();
  await waitFor(() => expect(sheets().some((s) => s.open)).toBe(true));
  return { answer, sheet: sheets().find((s) => s.open)! };
}

export function resetDom(): void {
  document.body.replaceChildren();
  document.documentElement.removeAttribute('lang');
  document.documentElement.removeAttribute('dir');
}
