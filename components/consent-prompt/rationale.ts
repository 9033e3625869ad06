/**
 * What the sheet says and why: the rationale the application wrote on a consent button for these
 * scopes, else the sheet's own `rationale` attribute, else the built-in text of each data group.
 */
import type { ScopeCatalogue } from '../../utils';
import type { ConsentMessages } from '../shared/i18n';
import { rationaleFromButtons } from '../shared/registry';
import { groupsOf } from '../shared/scopes';

export function sheetRationale(scopes: readonly string[], own: string | null, t: ConsentMessages, catalogue?: ScopeCatalogue): string[] {
  const fromButton = rationaleFromButtons(scopes, catalogue);
  if (fromButton) return [fromButton];
  const mine = own?.trim();
  if (mine) return [mine];
  return groupsOf(scopes, catalogue).map((g) => t.rationale[g]);
}
