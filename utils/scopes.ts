/** The scope catalogue, scope validation and prompt planning. */
import { AuthError } from './errors';
import type { ClaroScope, KnownScope, ScopeInput } from './types';

/**
 * Data groups: the platform forbids basic profile data and contact data in one modal; the rationale
 * texts of the elements are chosen by group.
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

/** A scope catalogue: what `SCOPES` is for the platform, and what other wallets lay over it. */
export type ScopeCatalogue = Readonly<Record<string, ScopeInfo>>;

const silent = (group: ScopeGroup): ScopeInfo => Object.freeze({ silent: true, group });
const consent = (group: ScopeGroup, alone?: true): ScopeInfo => Object.freeze(alone ? { silent: false, group, alone } : { silent: false, group });

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

/**
 * The Claro super app's consent modes (seed 001): the user id silently; customer data (phone,
 * email, addresses), KYC data (adds document and name) and business data each behind a modal of
 * their own.
 */
export const CLARO_SCOPES: Readonly<Record<ClaroScope, ScopeInfo>> = Object.freeze({
  User_Base_Info: silent('base'),
  User_Customer_Info: consent('contact', true),
  User_Customer_KYC_Info: consent('identity', true),
  User_Business_Info: consent('other', true),
});

const UNKNOWN_SCOPE: ScopeInfo = consent('other');
const SCOPE_NAME = /^[A-Za-z0-9_]{1,64}$/;

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
  const v = value as Partial<ScopeInfo> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.silent === 'boolean' &&
    SCOPE_GROUPS.includes(v.group as ScopeGroup) &&
    (v.alone === undefined || typeof v.alone === 'boolean')
  );
}

/**
 * A catalogue option laid over `SCOPES`: a frozen copy of the given entries (absent: `SCOPES`).
 * @throws TypeError for a value that is not a catalogue.
 */
export function readCatalogue(value: unknown, where: string): ScopeCatalogue {
  if (value === undefined || value === SCOPES) return SCOPES;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${where}: catalogue must be an object of scope → { silent, group }.`);
  const out: Record<string, ScopeInfo> = Object.assign({}, SCOPES);
  for (const key of Object.keys(value)) {
    const info = (value as Record<string, unknown>)[key];
    if (!isScopeName(key) || !isScopeInfo(info)) {
      throw new TypeError(`${where}: catalogue entry ${JSON.stringify(key.slice(0, 64))} must be { silent: boolean, group: ${SCOPE_GROUPS.join('|')}, alone?: boolean }.`);
    }
    out[key] = Object.freeze(info.alone === undefined ? { silent: info.silent, group: info.group } : { silent: info.silent, group: info.group, alone: info.alone });
  }
  return Object.freeze(out);
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
 * in the first consent call (alone only when there is none), contact data never shares a call
 * with basic profile data, and a scope the catalogue marks `alone` gets a call of its own.
 * @throws AuthError `INVALID_SCOPE`; TypeError for a catalogue that is not one.
 */
export function planPrompts(scopes: ScopeInput, catalogue?: ScopeCatalogue): string[][] {
  const list = normalizeScopes(scopes);
  return planCalls(list, readCatalogue(catalogue, 'planPrompts'));
}

/** `planPrompts` for a list already normalised (the authorizer's flights). */
export function planCalls(list: readonly string[], catalogue: ScopeCatalogue = SCOPES): string[][] {
  const info = (s: string) => scopeInfo(s, catalogue);
  const silentScopes = list.filter((s) => info(s).silent);
  const consentScopes = list.filter((s) => !info(s).silent);
  const alone = consentScopes.filter((s) => info(s).alone === true);
  const shared = consentScopes.filter((s) => info(s).alone !== true);
  // Each call is placed where the caller's list first asks for what it is about.
  const calls: Array<[number, string[]]> = [...splitProfileAndContact(list, shared, info), ...alone.map((s): [number, string[]] => [list.indexOf(s), [s]])];
  calls.sort((a, b) => a[0] - b[0]);
  if (calls.length === 0) return [silentScopes];
  const plan = calls.map(([, call]) => call);
  plan[0] = [...silentScopes, ...(plan[0] as string[])];
  return plan;
}

/** One call, or two when profile and contact data are both asked for, each with its place in the list. */
function splitProfileAndContact(list: readonly string[], scopes: string[], info: (s: string) => ScopeInfo): Array<[number, string[]]> {
  if (scopes.length === 0) return [];
  const contact = scopes.some((s) => info(s).group === 'profile') ? scopes.filter((s) => info(s).group === 'contact') : [];
  const rest = scopes.filter((s) => !contact.includes(s));
  if (contact.length === 0) return [[list.indexOf(rest[0] as string), rest]];
  return [
    [list.indexOf(contact[0] as string), contact],
    [list.indexOf(rest.find((s) => info(s).group === 'profile') as string), rest],
  ];
}
