/**
 * The consent buttons in the page, so the consent sheet can show the rationale the application
 * wrote on the button for the same scopes (wherever it is, shadow roots included).
 */
import type { ScopeCatalogue } from '../../utils';
import { consentScopes } from './scopes';

export interface RationaleSource {
  readonly scopes: readonly string[];
  readonly rationale: string | null;
}

const sources = new Set<RationaleSource>();

export function addRationaleSource(source: RationaleSource): () => void {
  sources.add(source);
  return () => void sources.delete(source);
}

/**
 * The rationale of a button asking for all these scopes, else of one asking for some of them; the
 * silent scopes that ride along (by the authorizer's catalogue) do not count.
 */
export function rationaleFromButtons(scopes: readonly string[], catalogue?: ScopeCatalogue): string | null {
  const wanted = consentScopes(scopes, catalogue);
  const target = wanted.length > 0 ? wanted : scopes;
  let partial: string | null = null;
  for (const source of sources) {
    const text = source.rationale?.trim();
    if (!text) continue;
    if (target.every((s) => source.scopes.includes(s))) return text;
    if (partial === null && target.some((s) => source.scopes.includes(s))) partial = text;
  }
  return partial;
}
