/** Scope lists as elements take them: attributes are space or comma separated. */
import { isScopeName, isSilentScope, scopeInfo, type ScopeCatalogue, type ScopeGroup, type Session } from '../../utils';
import { optionError, quoted } from '../../utils/checks';

/** `"USER_NAME USER_AVATAR"`, `"USER_NAME,USER_AVATAR"` → `['USER_NAME', 'USER_AVATAR']` (first-seen order, no duplicates). */
export function parseScopes(value: string | null | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const part of value.split(/[\s,]+/)) if (part && !out.includes(part)) out.push(part);
  return out;
}

/**
 * The attribute value for a `scopes` property: a string is kept as written, an array is joined.
 * @throws TypeError for anything else
 */
export function scopesAttribute(value: unknown, where: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value.join(' ');
  throw optionError(where, 'scopes', quoted(value));
}

/** The scopes that are valid names (an invalid list still goes to `authorize`, which reports it). */
export function validScopes(scopes: readonly string[]): string[] {
  return scopes.filter(isScopeName);
}

export function consentScopes(scopes: readonly string[], catalogue?: ScopeCatalogue): string[] {
  return validScopes(scopes).filter((s) => !isSilentScope(s, catalogue));
}

export function covers(session: Session | null, scopes: readonly string[]): boolean {
  return !!session && scopes.length > 0 && scopes.every((s) => session.scopes.includes(s));
}

/**
 * Data groups of a request in first-seen order, by the authorizer's catalogue; the silent `base`
 * group only when it is all there is.
 */
export function groupsOf(scopes: readonly string[], catalogue?: ScopeCatalogue): ScopeGroup[] {
  const groups: ScopeGroup[] = [];
  for (const s of validScopes(scopes)) {
    const g = scopeInfo(s, catalogue).group;
    if (!groups.includes(g)) groups.push(g);
  }
  const consent = groups.filter((g) => g !== 'base');
  return consent.length > 0 ? consent : groups.length > 0 ? groups : ['other'];
}
