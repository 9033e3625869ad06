/** The scope catalogue (this platform's and other wallets') and prompt planning. */
import { isObject, isRecord, optionError, quoted } from './checks';
import { isScopeName, normalizeScopes } from './scope-names';
import type { ClaroScope, KnownScope, ScopeInput } from './types';

/**
 * Data groups: the platform forbids basic profile data and contact data in one modal; the
 * elements choose their texts by group.
 */
export type ScopeGroup = 'base' | 'profile' | 'contact' | 'identity' | 'notification' | 'payment' | 'other';

export const SCOPE_GROUPS: readonly ScopeGroup[] = ['base', 'profile', 'contact', 'identity', 'notification', 'payment', 'other'];

export interface ScopeInfo {
  /** Granted without a prompt. */
  readonly silent: boolean;
  readonly group: ScopeGroup;
  /** A consent scope that never shares a wallet call with another consent scope (Claro's modes). */
  readonly alone?: boolean;
}

/** A scope catalogue: `SCOPES` for the platform; other wallets' entries are laid over it. */
export type ScopeCatalogue = Readonly<Record<string, ScopeInfo>>;

const info = (silent: boolean, group: ScopeGroup, alone?: true): ScopeInfo => Object.freeze(alone ? { silent, group, alone } : { silent, group });
const BASE = /* @__PURE__ */ info(true, 'base');
const PROFILE = /* @__PURE__ */ info(false, 'profile');
const PAYMENT = /* @__PURE__ */ info(false, 'payment');

/** Every scope of PLATFORM.md. */
export const SCOPES: Readonly<Record<KnownScope, ScopeInfo>> = /* @__PURE__ */ Object.freeze({
  auth_base: BASE,
  USER_ID: BASE,
  USER_LOGIN_ID: BASE,
  HASH_LOGIN_ID: BASE,
  auth_user: PROFILE,
  USER_NAME: PROFILE,
  USER_AVATAR: PROFILE,
  USER_GENDER: PROFILE,
  USER_BIRTHDAY: PROFILE,
  USER_NATIONALITY: PROFILE,
  USER_CONTACTINFO: /* @__PURE__ */ info(false, 'contact'),
  NOTIFICATION_INBOX: /* @__PURE__ */ info(false, 'notification'),
  AGREEMENT_PAY: PAYMENT,
  CARD_LIST: PAYMENT,
});

/**
 * The Claro super app's consent modes (seed 001): the user id silently; customer data (phone,
 * email, addresses), KYC data (adds document and name) and business data each behind a modal of
 * their own.
 */
export const CLARO_SCOPES: Readonly<Record<ClaroScope, ScopeInfo>> = /* @__PURE__ */ Object.freeze({
  User_Base_Info: BASE,
  User_Customer_Info: /* @__PURE__ */ info(false, 'contact', true),
  User_Customer_KYC_Info: /* @__PURE__ */ info(false, 'identity', true),
  User_Business_Info: /* @__PURE__ */ info(false, 'other', true),
});

const UNKNOWN_SCOPE = /* @__PURE__ */ info(false, 'other');

function own(catalogue: ScopeCatalogue, scope: string): ScopeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(catalogue, scope) ? catalogue[scope] : undefined;
}

/** Catalogue entry of a scope; a well-formed name outside the catalogue is a consent scope. */
export function scopeInfo(scope: string, catalogue: ScopeCatalogue = SCOPES): ScopeInfo {
  return own(catalogue, scope) ?? own(SCOPES, scope) ?? UNKNOWN_SCOPE;
}

export function isSilentScope(scope: string, catalogue: ScopeCatalogue = SCOPES): boolean {
  return scopeInfo(scope, catalogue).silent;
}

function isScopeInfo(value: unknown): value is ScopeInfo {
  return isObject(value) && typeof value.silent === 'boolean' && SCOPE_GROUPS.includes(value.group as ScopeGroup) && [undefined, true, false].includes(value.alone as boolean | undefined);
}

/**
 * A catalogue option laid over `SCOPES`, as a frozen copy (absent: `SCOPES`).
 * @throws TypeError for a value that is not a catalogue (`where: catalogue`, with the refused entry's scope name).
 */
export function readCatalogue(value: unknown, where: string): ScopeCatalogue {
  if (value === undefined || value === SCOPES) return SCOPES;
  if (!isRecord(value)) throw optionError(where, 'catalogue');
  const out: Record<string, ScopeInfo> = { ...SCOPES };
  for (const key of Object.keys(value)) {
    const entry = value[key];
    if (!isScopeName(key) || !isScopeInfo(entry)) throw optionError(where, 'catalogue', quoted(key));
    out[key] = info(entry.silent, entry.group, entry.alone || undefined);
  }
  return Object.freeze(out);
}

/**
 * The fewest wallet calls one request needs: scopes combine in one call, silent scopes ride along
 * in the first consent call (alone only when there is none), contact data never shares a call
 * with basic profile data, and a scope the catalogue marks `alone` gets a call of its own.
 * @throws AuthError `INVALID_SCOPE`; TypeError for a catalogue that is not one.
 */
export function planPrompts(scopes: ScopeInput, catalogue?: ScopeCatalogue): string[][] {
  const list = normalizeScopes(scopes);
  return planCalls(list, readCatalogue(catalogue, 'planPrompts'));
}

/** `planPrompts` for a list already normalised (the authorizer's flights). */
export function planCalls(list: readonly string[], catalogue: ScopeCatalogue): string[][] {
  const of = (s: string) => scopeInfo(s, catalogue);
  const silent = list.filter((s) => of(s).silent);
  const consent = list.filter((s) => !of(s).silent);
  const shared = consent.filter((s) => !of(s).alone);
  const profile = shared.find((s) => of(s).group === 'profile');
  const contact = profile ? shared.filter((s) => of(s).group === 'contact') : [];
  const rest = shared.filter((s) => !contact.includes(s));
  // Each call is keyed by where the caller's list first asks for what it is about.
  const calls: Array<[number, string[]]> = consent.filter((s) => of(s).alone).map((s) => [list.indexOf(s), [s]]);
  if (rest[0]) calls.push([list.indexOf(contact[0] ? (profile as string) : (rest[0] as string)), rest]);
  if (contact[0]) calls.push([list.indexOf(contact[0] as string), contact]);
  calls.sort((a, b) => a[0] - b[0]);
  const plan = calls.map(([, call]) => call);
  plan[0] = [...silent, ...(plan[0] ?? [])];
  return plan;
}
