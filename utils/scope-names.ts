/** Scope names: what a well-formed one is, and a caller's scope input made into a clean list. */
import { AuthError } from './errors';
import type { ScopeInput } from './types';
import { isScopeName } from './scope-name';

export { isScopeName };

/** The error for a bad scope: named when it is a short string, else described (never its content). */
const invalid = (item: unknown, detail?: string) =>
  new AuthError(
    'INVALID_SCOPE',
    typeof item === 'string' && item.length <= 64 ? { scopes: [item] } : { detail: detail ?? (typeof item === 'string' ? `${item.length} chars` : item === null ? 'null' : typeof item) },
  );

/**
 * Validates and de-duplicates a scope or scope list (at most 64), keeping first-seen order.
 * @throws AuthError `INVALID_SCOPE`
 */
export function normalizeScopes(input: ScopeInput | unknown): string[] {
  // Anything but an array is one item (a non-string one fails the name check below).
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  if (list.length === 0 || list.length > 64) throw invalid(input, `${list.length} scopes`);
  const out: string[] = [];
  for (const item of list) {
    if (!isScopeName(item)) throw invalid(item);
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
