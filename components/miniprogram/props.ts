/**
 * Props as AXML passes them: strings written in the template, or values bound with `{{ }}`.
 * Read the way the H5 elements read their attributes; a bad `scopes` value is an `AuthError`
 * `INVALID_SCOPE` that the component reports, never a throw from a lifecycle.
 */
import { AuthError, normalizeScopes } from '../../utils';
import { parseScopes } from '../shared/scopes';
import { localeFromTag, type Locale } from './locales';

export interface ScopesProp {
  scopes: string[];
  error: AuthError | null;
}

/** `"USER_NAME USER_AVATAR"`, `"USER_NAME,USER_AVATAR"` or `['USER_NAME', 'USER_AVATAR']`. */
export function readScopes(value: unknown): ScopesProp {
  try {
    return { scopes: normalizeScopes(typeof value === 'string' ? parseScopes(value) : value), error: null };
  } catch (error) {
    return { scopes: [], error: error instanceof AuthError ? error : new AuthError('INVALID_SCOPE') };
  }
}

/** `en`, `ar`, `ku` or a language tag (`ar-IQ`, `ckb`); anything else is English. */
export function readLocale(value: unknown): Locale {
  return (typeof value === 'string' && localeFromTag(value)) || 'en';
}

/** A text prop, trimmed; anything but a string is no text. */
export function readText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Set as in HTML: `disabled`, `disabled=""`, `disabled="{{true}}"`, `disabled="true"`; `"false"` is not. */
export function readFlag(value: unknown): boolean {
  return value === true || value === '' || value === 'true' || value === 'disabled';
}
