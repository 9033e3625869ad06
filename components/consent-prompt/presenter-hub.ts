/**
 * Routes an authorizer's deferred consent prompts to a `<consent-prompt>` sheet: the one connected
 * last, else one created on demand in `document.body`. Installed by `defineConsentElements` (and by
 * a sheet that follows an authorizer of its own), so that once the elements are defined a consent
 * prompt that comes due without a tap always goes through a sheet, never straight to the wallet.
 */
import type { Authorizer, PendingConsent } from '../../utils';
import { getConfig } from '../shared/context';

export const CONSENT_PROMPT_TAG = 'consent-prompt';

/** What the hub needs of a sheet. */
export interface ConsentSheet extends HTMLElement {
  present(pending: PendingConsent): void;
  authorizer: Authorizer | null;
}

/** Each authorizer's connected sheets, the last connected last. */
const hubs = new WeakMap<Authorizer, ConsentSheet[]>();

function createSheet(authorizer: Authorizer): ConsentSheet | null {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) return null;
  const sheet = doc.createElement(CONSENT_PROMPT_TAG) as ConsentSheet;
  if (typeof sheet.present !== 'function') return null;
  if (authorizer !== getConfig().authorizer) sheet.authorizer = authorizer;
  // Connecting registers it with this hub; it stays in the page for the next prompt.
  (doc.body ?? doc.documentElement).append(sheet);
  return sheet;
}

function sheetsOf(authorizer: Authorizer): ConsentSheet[] {
  const known = hubs.get(authorizer);
  if (known) return known;
  const sheets: ConsentSheet[] = [];
  hubs.set(authorizer, sheets);
  authorizer.setConsentPresenter((pending) => {
    const sheet = sheets[sheets.length - 1] ?? createSheet(authorizer);
    // No page to show a sheet in: "Not now" rather than a wallet prompt without a tap.
    if (!sheet) pending.dismiss();
    else sheet.present(pending);
  });
  return sheets;
}

/** Makes sure the authorizer's deferred prompts go through a sheet (idempotent). */
export function installPresenter(authorizer: Authorizer): void {
  sheetsOf(authorizer);
}

/** A connected sheet becomes the one that presents (the last connected wins). */
export function registerSheet(authorizer: Authorizer, sheet: ConsentSheet): void {
  const sheets = sheetsOf(authorizer);
  unregisterSheet(authorizer, sheet);
  sheets.push(sheet);
}

export function unregisterSheet(authorizer: Authorizer, sheet: ConsentSheet): void {
  const sheets = hubs.get(authorizer) ?? [];
  const i = sheets.indexOf(sheet);
  if (i >= 0) sheets.splice(i, 1);
}
