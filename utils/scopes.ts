/** The scope catalogue, scope validation and prompt planning. */
import { AuthError } from './errors';
import type { KnownScope, ScopeInput } from './types';

/** Data groups: the platform forbids basic profile data and contact data in one modal. */
export type ScopeGroup = 'base' | 'profile' | 'contact' | 'notification' | 'payment' | 'other';

export interface ScopeInfo {
  readonly silent: boolean;
  readonly group: ScopeGroup;
}

const silent = (group: ScopeGroup): ScopeInfo => Object.freeze({ silent: true, group });
const consent = (group: ScopeGroup): ScopeInfo => Object.freeze({ silent: false, group });

/** Every scope of PLATFORM.md. */
export const SCOPES: Readonly<Record<KnownScope, ScopeInfo>> = Object.freeze({
  auth_base: silent('base'),
  USER_ID: silent('base'),
  USER_LOGIN_ID: silent('base'),
  HASH_LOGIN_ID: silent('base'),
  auth_user: consent('profile'),
  USER_NAME: consent('profile'),
  USER_AVATAR: consent('profile'),
  USER_GENDER: consent('profile'),
  USER_BIRTHDAY: consent('profile'),
  USER_NATIONALITY: consent('profile'),
  USER_CONTACTINFO: consent('contact'),
  NOTIFICATION_INBOX: consent('notification'),
  AGREEMENT_PAY: consent('payment'),
  CARD_LIST: consent('payment'),
});

const UNKNOWN_SCOPE: ScopeInfo = consent('other');
const SCOPE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** Catalogue entry of a scope; a well-formed name outside the catalogue is a consent scope. */
export function scopeInfo(scope: string): ScopeInfo {
  return Object.prototype.hasOwnProperty.call(SCOPES, scope) ? SCOPES[scope as KnownScope] : UNKNOWN_SCOPE;
}

export function isSilentScope(scope: string): boolean {
  return scopeInfo(scope).silent;
}

/**
 * True for a well-formed scope name. Names of `Object.prototype` members (`__proto__`,
 * `constructor`…) are refused: scopes become object keys in the consent record.
 */
export function isScopeName(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_NAME.test(value) && !(value in Object.prototype);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value === null) return 'null';
  return `a value of type ${typeof value}`;
}

/**
 * Validates and de-duplicates a scope or scope list, keeping first-seen order.
 * @throws AuthError `INVALID_SCOPE`
 */
export function normalizeScopes(input: ScopeInput | unknown): string[] {
  const list: unknown[] = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw new AuthError('INVALID_SCOPE', { message: `Scopes must be a scope name or an array of them, got ${describe(input)}.` });
  }
  if (list.length === 0) throw new AuthError('INVALID_SCOPE', { message: 'No scope was given.' });
  if (list.length > 64) throw new AuthError('INVALID_SCOPE', { message: `Too many scopes (${list.length}).` });
  const out: string[] = [];
  for (const item of list) {
    if (!isScopeName(item)) {
      throw new AuthError('INVALID_SCOPE', {
        message: `Invalid scope ${describe(item)}: scope names are letters, digits and "_".`,
        scopes: typeof item === 'string' && item.length <= 64 ? [item] : [],
      });
    }
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

/**
 * The fewest wallet calls one request needs: scopes combine in one call, silent scopes ride along
 * in the first consent call (alone only when there is none), and contact data never shares a call
 * with basic profile data.
 * @throws AuthError `INVALID_SCOPE`
 */
export function planPrompts(scopes: ScopeInput): string[][] {
  return planCalls(normalizeScopes(scopes));
}

/** `planPrompts` for a list already normalised (the authorizer's flights). */
export function planCalls(list: readonly string[]): string[][] {
  const silentScopes = list.filter(isSilentScope);
  const consentScopes = list.filter((s) => !isSilentScope(s));
  if (consentScopes.length === 0) return [silentScopes];

  const hasProfile = consentScopes.some((s) => scopeInfo(s).group === 'profile');
  const contact = hasProfile ? consentScopes.filter((s) => scopeInfo(s).group === 'contact') : [];
  const rest = consentScopes.filter((s) => !contact.includes(s));
  if (contact.length === 0) return [[...silentScopes, ...rest]];

  // Two calls: keep the caller's order of the two conflicting groups.
  const contactFirst = list.indexOf(contact[0] as string) < list.indexOf(rest.find((s) => scopeInfo(s).group === 'profile') as string);
  return contactFirst ? [[...silentScopes, ...contact], rest] : [[...silentScopes, ...rest], contact];
}
