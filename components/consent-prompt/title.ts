/**
 * The sheet's title names what is asked: the sheet's own `heading` attribute, else the title of the
 * scopes' data group ("Get updates in your wallet inbox?"), else the general one when the scopes
 * span several groups.
 */
import type { ScopeCatalogue } from '../../utils';
import type { ConsentMessages } from '../shared/i18n';
import { groupsOf } from '../shared/scopes';

export function sheetTitle(scopes: readonly string[], heading: string | null, t: ConsentMessages, catalogue?: ScopeCatalogue): string {
  const own = heading?.trim();
  if (own) return own;
  const groups = groupsOf(scopes, catalogue);
  return groups.length === 1 ? t.sheetTitles[groups[0]!] : t.sheetTitle;
}
