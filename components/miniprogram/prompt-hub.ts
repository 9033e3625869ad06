/**
 * Routes an authorizer's deferred consent prompts to a mounted `<consent-prompt>`: while one is
 * mounted, it is the authorizer's consent presenter. Tab pages stay mounted side by side, so the
 * sheet of the page on top of the stack presents. When that page has none, the wallet's own
 * prompt opens, as it does with no sheet mounted at all (the user has engaged: the core calls a
 * presenter only then): a sheet on a page nobody sees would hold the wallet's turn, and a silent
 * "Not now" would read as the user's answer.
 */
import type { Authorizer, PendingConsent } from '../../utils';
import { samePage, topPage } from './page-stack';

export interface Sheet {
  present(pending: PendingConsent): void;
  /** The page the sheet is on (`this.$page`: the page or a wrapper of it), when the engine tells. */
  readonly page: unknown;
}

interface Hub {
  readonly sheets: Sheet[];
  readonly remove: () => void;
}

const hubs = new WeakMap<Authorizer, Hub>();

/**
 * The sheet to present: the latest one on the page on top of the stack, else the latest one that
 * cannot tell its page (or all of them, when the engine does not tell the top page): it may be
 * on top. Null when every sheet is on another page.
 */
function choose(sheets: readonly Sheet[]): Sheet | null {
  const top = topPage();
  let unplaced: Sheet | null = null;
  for (let i = sheets.length - 1; i >= 0; i--) {
    const sheet = sheets[i] as Sheet;
    const page = sheet.page;
    if (top === undefined || page === undefined) unplaced = unplaced || sheet;
    else if (samePage(page, top)) return sheet;
  }
  return unplaced;
}

/** Makes `sheet` one of the authorizer's presenters until the returned function is called. */
export function addSheet(authorizer: Authorizer, sheet: Sheet): () => void {
  let hub = hubs.get(authorizer);
  if (!hub) {
    const sheets: Sheet[] = [];
    const remove = authorizer.setConsentPresenter((pending) => {
      const chosen = choose(sheets);
      if (chosen) chosen.present(pending);
      else pending.proceed();
    });
    hub = { sheets, remove };
    hubs.set(authorizer, hub);
  }
  const own = hub;
  own.sheets.push(sheet);
  return () => {
    const i = own.sheets.indexOf(sheet);
    if (i >= 0) own.sheets.splice(i, 1);
    if (own.sheets.length === 0 && hubs.get(authorizer) === own) {
      hubs.delete(authorizer);
      own.remove();
    }
  };
}
