/**
 * Routes an authorizer's deferred consent prompts to a mounted `<consent-prompt>`: while one is
 * mounted, it is the authorizer's consent presenter. Tab pages stay mounted side by side, so the
 * sheet of the page on top of the stack presents; when that page has none, the prompt is
 * dismissed ("Not now"): a sheet nobody can see would hold the wallet's turn.
 */
import type { Authorizer, PendingConsent } from '../../utils';
import { pageStack } from './page-stack';

export interface Sheet {
  present(pending: PendingConsent): void;
  /** The page the sheet is on (`this.$page`), when the base library tells. */
  readonly page: unknown;
}

interface Hub {
  readonly sheets: Sheet[];
  readonly remove: () => void;
}

const hubs = new WeakMap<Authorizer, Hub>();

/** The page on top of the stack, or undefined when the engine does not tell. */
function topPage(): unknown {
  const pages = pageStack();
  return pages.length > 0 ? pages[pages.length - 1] : undefined;
}

function choose(sheets: readonly Sheet[]): Sheet | null {
  const top = topPage();
  const last = sheets[sheets.length - 1] || null;
  if (top === undefined || !last || last.page === undefined) return last;
  for (let i = sheets.length - 1; i >= 0; i--) if ((sheets[i] as Sheet).page === top) return sheets[i] as Sheet;
  return null;
}

/** Makes `sheet` one of the authorizer's presenters until the returned function is called. */
export function addSheet(authorizer: Authorizer, sheet: Sheet): () => void {
  let hub = hubs.get(authorizer);
  if (!hub) {
    const sheets: Sheet[] = [];
    const remove = authorizer.setConsentPresenter((pending) => {
      const chosen = choose(sheets);
      if (chosen) chosen.present(pending);
      else pending.dismiss();
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
