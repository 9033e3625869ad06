/**
 * The elements' texts: English built in, Arabic and Sorani Kurdish (Arabic script) in their own
 * modules under `components/locales/`, and the rules to pick and override them. Every text is
 * rendered with `textContent`, never as HTML.
 */
import type { ScopeGroup } from '../../utils';

export type Locale = 'en' | 'ar' | 'ku';

export const SUPPORTED_LOCALES: readonly Locale[] = Object.freeze(['en', 'ar', 'ku'] as const);

export interface ConsentMessages {
  /** Default label of a consent button without a label of its own. */
  label: string;
  /** Under the button while the wallet is asked. */
  pending: string;
  /** Under the button once the scopes are authorized. */
  authorized: string;
  /** Under the button after a refusal (followed by the rationale). */
  allowAccess: string;
  /** Under the button after a transient error. */
  tryAgain: string;
  /** Under the button after an error that a new tap will not fix (no wallet, no permission…). */
  unavailable: string;
  /** The consent sheet's title when its scopes span several data groups. */
  sheetTitle: string;
  /** The consent sheet's title per data group: it names what is asked. */
  sheetTitles: Record<ScopeGroup, string>;
  sheetNote: string;
  continue: string;
  notNow: string;
  /** Default rationale per data group of the scopes asked for. */
  rationale: Record<ScopeGroup, string>;
}

/** The texts kept per data group. */
type GroupTextKey = 'rationale' | 'sheetTitles';

/** Partial texts an application passes to override the built-in ones. */
export type ConsentMessageOverrides = Partial<Omit<ConsentMessages, GroupTextKey>> & {
  rationale?: Partial<Record<ScopeGroup, string>>;
  sheetTitles?: Partial<Record<ScopeGroup, string>>;
};

/** Overrides per locale: `{ ar: { continue: '…' } }`. */
export type LocalizedMessageOverrides = Partial<Record<Locale, ConsentMessageOverrides>>;

const en: ConsentMessages = {
  label: 'Allow access',
  pending: 'Waiting for your wallet…',
  authorized: 'Access allowed',
  allowAccess: 'Not allowed yet. Tap to allow access.',
  tryAgain: 'Something went wrong. Tap to try again.',
  unavailable: 'This isn’t available right now.',
  sheetTitle: 'Allow access?',
  sheetTitles: {
    base: 'Sign in with your wallet?',
    profile: 'Share your profile?',
    contact: 'Share your contact details?',
    identity: 'Share your identity details?',
    notification: 'Get updates in your wallet inbox?',
    payment: 'Allow payments with your wallet?',
    other: 'Allow access?',
  },
  sheetNote: 'Your wallet will ask you to confirm.',
  continue: 'Continue',
  notNow: 'Not now',
  rationale: {
    base: 'Your wallet account is used to sign you in.',
    profile: 'Your name and profile picture are used to set up your account in this miniapp.',
    contact: 'Your phone number and email are used to contact you about this service.',
    identity: 'Your identity details (ID type and number, name) are used to verify your account.',
    notification: 'Allow notifications so this miniapp can send you updates in your wallet inbox.',
    payment: 'Payment access lets you pay in this miniapp with your wallet.',
    other: 'This miniapp needs your permission to continue.',
  },
};

function freeze(messages: ConsentMessages): Readonly<ConsentMessages> {
  Object.freeze(messages.rationale);
  Object.freeze(messages.sheetTitles);
  return Object.freeze(messages);
}

/**
 * The tables loaded so far (each read only): English always; Arabic and Kurdish once their module
 * (`miniapp-auth-kit/components/locales/ar`, `/ku`) is imported, so a page pays only for its languages.
 */
export const CONSENT_MESSAGES: Readonly<Partial<Record<Locale, Readonly<ConsentMessages>>>> & { readonly en: Readonly<ConsentMessages> } = addTable({} as { en: Readonly<ConsentMessages> }, 'en', en);

/** Adds a table for good: no one can replace or remove it (read only, as the tables are). */
function addTable<T extends object>(tables: T, locale: Locale, messages: ConsentMessages): T {
  if (!(locale in tables)) Object.defineProperty(tables, locale, { value: freeze(messages), enumerable: true, writable: false, configurable: false });
  return tables;
}

/** Adds a language's table (what the locale modules do when imported). */
export function registerLocale(locale: Exclude<Locale, 'en'>, messages: ConsentMessages): void {
  addTable(CONSENT_MESSAGES, locale, messages);
}

/** The locale an element renders in: the one asked for when its texts are loaded, else English. */
export function loadedLocale(locale: Locale): Locale {
  return CONSENT_MESSAGES[locale] ? locale : 'en';
}

const GROUP_TEXT_KEYS: readonly GroupTextKey[] = ['rationale', 'sheetTitles'];
const MESSAGE_KEYS = Object.keys(en).filter((k) => !(GROUP_TEXT_KEYS as string[]).includes(k)) as Array<Exclude<keyof ConsentMessages, GroupTextKey>>;
const GROUPS = Object.keys(en.rationale) as ScopeGroup[];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * The kit locale of a BCP 47 tag (`lang` attribute): `ar-IQ` → `ar`; `ckb`, `ku`, `ku-Arab` →
 * `ku` (the Sorani texts are in Arabic script, so `ku-Latn` is not matched). Else null.
 */
export function localeFromTag(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const parts = tag.trim().toLowerCase().split(/[-_]/);
  const primary = parts[0];
  if (primary === 'en') return 'en';
  if (primary === 'ar') return 'ar';
  if (primary === 'ckb') return 'ku';
  if (primary === 'ku') return parts.includes('latn') ? null : 'ku';
  return null;
}

export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return locale === 'ar' || locale === 'ku' ? 'rtl' : 'ltr';
}

/**
 * Built-in texts of `locale` with the overrides applied in order (later wins). A layer's
 * `sheetTitle` titles every sheet, as it did before titles per data group existed, unless the same
 * layer also gives `sheetTitles` for a group.
 */
export function messagesFor(locale: Locale, ...layers: Array<LocalizedMessageOverrides | null | undefined>): ConsentMessages {
  const base = CONSENT_MESSAGES[locale] ?? CONSENT_MESSAGES.en;
  const out: ConsentMessages = { ...base, rationale: { ...base.rationale }, sheetTitles: { ...base.sheetTitles } };
  const given = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
  for (const layer of layers) {
    const o = layer?.[locale];
    if (!o) continue;
    for (const key of MESSAGE_KEYS) {
      const value = o[key];
      if (given(value)) out[key] = value;
    }
    if (given(o.sheetTitle)) for (const group of GROUPS) out.sheetTitles[group] = o.sheetTitle;
    for (const key of GROUP_TEXT_KEYS) {
      for (const group of GROUPS) {
        const value = o[key]?.[group];
        if (given(value)) out[key][group] = value;
      }
    }
  }
  return out;
}

/** A `{ group: text }` override table: known data groups, string values. @throws TypeError */
function readGroupTexts(value: unknown, where: string): Partial<Record<ScopeGroup, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${where} must be an object keyed by scope group.`);
  const groups: Partial<Record<ScopeGroup, string>> = {};
  for (const [group, text] of Object.entries(value as Record<string, unknown>)) {
    if (!(GROUPS as string[]).includes(group)) throw new TypeError(`${where}: unknown scope group "${group.slice(0, 20)}"; groups: ${GROUPS.join(', ')}.`);
    if (typeof text !== 'string') throw new TypeError(`${where}.${group} must be a string.`);
    groups[group as ScopeGroup] = text;
  }
  return groups;
}

/**
 * Validates application overrides: known locales and keys, string values.
 * @throws TypeError
 */
export function readMessageOverrides(value: unknown, where: string): LocalizedMessageOverrides {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${where}: messages must be an object keyed by locale (${SUPPORTED_LOCALES.join(', ')}).`);
  const out: LocalizedMessageOverrides = {};
  for (const [locale, table] of Object.entries(value as Record<string, unknown>)) {
    if (!isLocale(locale)) throw new TypeError(`${where}: unknown locale "${String(locale).slice(0, 20)}" in messages; supported: ${SUPPORTED_LOCALES.join(', ')}.`);
    if (typeof table !== 'object' || table === null || Array.isArray(table)) throw new TypeError(`${where}: messages.${locale} must be an object.`);
    const copy: ConsentMessageOverrides = {};
    for (const [key, text] of Object.entries(table as Record<string, unknown>)) {
      if ((GROUP_TEXT_KEYS as string[]).includes(key)) {
        copy[key as GroupTextKey] = readGroupTexts(text, `${where}: messages.${locale}.${key}`);
      } else {
        if (!(MESSAGE_KEYS as string[]).includes(key)) throw new TypeError(`${where}: unknown message "${key.slice(0, 20)}"; keys: ${MESSAGE_KEYS.join(', ')}, ${GROUP_TEXT_KEYS.join(', ')}.`);
        if (typeof text !== 'string') throw new TypeError(`${where}: messages.${locale}.${key} must be a string.`);
        (copy as Record<string, string>)[key] = text;
      }
    }
    out[locale] = copy;
  }
  return out;
}
