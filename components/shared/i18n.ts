/**
 * The elements' texts: English built in, Arabic and Sorani Kurdish (Arabic script) in their own
 * modules under `components/locales/`, and the rules to pick and override them. Every text is
 * rendered with `textContent`, never as HTML.
 */
import type { ScopeGroup } from '../../utils';
import { optionError, quoted } from '../../utils/checks';

export type Locale = 'en' | 'ar' | 'ku';

export const SUPPORTED_LOCALES: readonly Locale[] = Object.freeze(['en', 'ar', 'ku'] as const);

export interface ConsentMessages {
  /**
   * Default label of a consent button without a label of its own whose scopes span several data
   * groups (one group: `labels`, which names the data asked for).
   */
  label: string;
  /** Default label of a consent button without a label of its own, per data group asked for. */
  labels: Record<ScopeGroup, string>;
  /** Under the button while the wallet is asked. */
  pending: string;
  /** Under the button once the scopes are authorized. */
  authorized: string;
  /** Under the button after a refusal (followed by the rationale). */
  allowAccess: string;
  /** Under the button after a transient error. */
  tryAgain: string;
  /** Under the button after an error that a new tap will not fix (no permission…). */
  unavailable: string;
  /** Under the button when the wallet answered but the miniapp's backend failed, transiently. */
  backendRetry: string;
  /** Under the button when the wallet answered but the miniapp's backend failed for good. */
  backendFailed: string;
  /** Under the button after wallet error 2001: the user must accept the wallet's agreement first. */
  agreement: string;
  /** Under the button after wallet error 12: no network. */
  offline: string;
  /** Under the button when the wallet did not answer in time. */
  noAnswer: string;
  /** Under the button when the page is not open in a wallet (no `my`). */
  noWallet: string;
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
type GroupTextKey = 'rationale' | 'sheetTitles' | 'labels';

const GROUP_TEXT_KEYS: readonly GroupTextKey[] = ['rationale', 'sheetTitles', 'labels'];

/** Partial texts an application passes to override the built-in ones. */
export type ConsentMessageOverrides = Partial<Omit<ConsentMessages, GroupTextKey>> & {
  rationale?: Partial<Record<ScopeGroup, string>>;
  sheetTitles?: Partial<Record<ScopeGroup, string>>;
  labels?: Partial<Record<ScopeGroup, string>>;
};

/** Overrides per locale: `{ ar: { continue: '…' } }`. */
export type LocalizedMessageOverrides = Partial<Record<Locale, ConsentMessageOverrides>>;

/** English for the button (and every element): a page with only buttons ships no sheet texts. */
const en = {
  label: 'Allow access',
  labels: {
    base: 'Sign in with my wallet',
    profile: 'Share my profile',
    contact: 'Share my contact details',
    identity: 'Share my identity details',
    notification: 'Get updates in my wallet inbox',
    payment: 'Allow payments with my wallet',
    other: 'Allow access',
  },
  pending: 'Waiting for your wallet…',
  authorized: 'Access allowed',
  allowAccess: 'Not allowed yet. Tap to allow access.',
  tryAgain: 'Something went wrong. Tap to try again.',
  unavailable: 'This isn’t available right now.',
  backendRetry: 'Your wallet allowed it, but this miniapp couldn’t finish. Tap to try again.',
  backendFailed: 'Your wallet allowed it, but this miniapp couldn’t finish. Try again later.',
  agreement: 'Accept your wallet’s user agreement in your wallet app first, then tap again.',
  offline: 'No internet connection. Tap to try again.',
  noAnswer: 'Your wallet didn’t answer. Tap to try again.',
  noWallet: 'Open this page from your wallet app.',
  // The sheet's keys (its English is `sheetEn`), so that every key is known to the override checks.
  sheetTitle: '',
  sheetTitles: {} as Record<ScopeGroup, string>,
  sheetNote: '',
  continue: '',
  notNow: '',
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

/** The consent sheet's English (the other languages' modules carry their sheet texts). */
const sheetEn = {
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
};

type SheetTextKey = keyof typeof sheetEn;

function freeze(messages: ConsentMessages): Readonly<ConsentMessages> {
  for (const key of GROUP_TEXT_KEYS) Object.freeze(messages[key]);
  return Object.freeze(messages);
}

/** The tables loaded: Arabic and Kurdish once their module is imported, and English whole once `CONSENT_MESSAGES` is. */
const tables: Partial<Record<Locale, Readonly<ConsentMessages>>> = {};

/**
 * The tables loaded so far (each read only): English always; Arabic and Kurdish once their module
 * (`miniapp-auth-kit/components/locales/ar`, `/ku`) is imported, so a page pays only for its languages.
 */
export const CONSENT_MESSAGES: Readonly<Partial<Record<Locale, Readonly<ConsentMessages>>>> & { readonly en: Readonly<ConsentMessages> } =
  /* @__PURE__ */ withEnglish();

/** The tables with English whole: a page with only buttons, that never reads them, ships no sheet English. */
function withEnglish(): { en: Readonly<ConsentMessages> } {
  return addTable(tables as { en: Readonly<ConsentMessages> }, 'en', { ...en, ...sheetEn });
}

/** Adds a table for good: no one can replace or remove it (read only, as the tables are). */
function addTable<T extends object>(tables: T, locale: Locale, messages: ConsentMessages): T {
  if (!(locale in tables)) Object.defineProperty(tables, locale, { value: freeze(messages), enumerable: true }); // not writable, not configurable
  return tables;
}

/** Adds a language's table (what the locale modules do when imported). */
export function registerLocale(locale: Exclude<Locale, 'en'>, messages: ConsentMessages): void {
  addTable(tables, locale, messages);
}

/** The locale an element renders in: the one asked for when its texts are loaded, else English. */
export function loadedLocale(locale: Locale): Locale {
  return tables[locale] ? locale : 'en';
}

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
  if (primary === 'en' || primary === 'ar') return primary;
  if (primary === 'ckb') return 'ku';
  return primary === 'ku' && !parts.includes('latn') ? 'ku' : null;
}

export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return locale === 'ar' || locale === 'ku' ? 'rtl' : 'ltr';
}

/**
 * Built-in texts of `locale` with the overrides applied in order (later wins). A layer's
 * `sheetTitle` titles every sheet, and its `label` labels every label-less button, as they did
 * before texts per data group existed, unless the same layer also gives `sheetTitles` / `labels`
 * for a group.
 */
export function messagesFor(locale: Locale, ...layers: Array<LocalizedMessageOverrides | null | undefined>): ConsentMessages {
  // A table read as a layer of overrides gives every text of it (each group's title and label included).
  return buttonMessagesFor(locale, CONSENT_MESSAGES, ...layers);
}

/** `messagesFor` without the consent sheet's English (the button's texts: its page may have no sheet). */
export function buttonMessagesFor(locale: Locale, ...layers: Array<LocalizedMessageOverrides | null | undefined>): ConsentMessages {
  const base = (tables[locale] ?? en) as ConsentMessages;
  const out: ConsentMessages = { ...base, rationale: { ...base.rationale }, sheetTitles: { ...base.sheetTitles }, labels: { ...base.labels } };
  // The layers are validated overrides (strings); an empty string keeps the text under it.
  for (const layer of layers) {
    const o = layer?.[locale];
    if (!o) continue;
    for (const key of MESSAGE_KEYS) {
      const value = o[key];
      if (value) out[key] = value;
    }
    // A layer's one text for every group (as before there were texts per group) covers them all.
    if (o.sheetTitle) for (const group of GROUPS) out.sheetTitles[group] = o.sheetTitle;
    if (o.label) for (const group of GROUPS) out.labels[group] = o.label;
    for (const key of GROUP_TEXT_KEYS) {
      for (const group of GROUPS) {
        const value = o[key]?.[group];
        if (value) out[key][group] = value;
      }
    }
  }
  return out;
}

/** The entries of an override table: an object whose keys are among `keys`. @throws TypeError */
function entriesOf(value: unknown, where: string, name: string, keys: readonly string[]): Array<[string, unknown]> {
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : null;
  // A typo is found faster when the message names it.
  const unknown = entries?.find(([key]) => !keys.includes(key));
  if (!entries || unknown) throw optionError(where, name, unknown ? quoted(unknown[0]) : quoted(value));
  return entries;
}

function readText(value: unknown, where: string, name: string): string {
  if (typeof value !== 'string') throw optionError(where, name, quoted(value));
  return value;
}

/**
 * Validates application overrides (`where: messages… <refused key or value>`): known locales, keys and data
 * groups, string values.
 * @throws TypeError
 */
export function readMessageOverrides(value: unknown, where: string): LocalizedMessageOverrides {
  if (value === undefined || value === null) return {};
  const out: Record<string, Record<string, unknown>> = {};
  for (const [locale, table] of entriesOf(value, where, 'messages', SUPPORTED_LOCALES)) {
    const copy: Record<string, unknown> = (out[locale] = {});
    for (const [key, text] of entriesOf(table, where, `messages.${locale}`, [...MESSAGE_KEYS, ...GROUP_TEXT_KEYS])) {
      const name = `messages.${locale}.${key}`;
      if (!(GROUP_TEXT_KEYS as string[]).includes(key)) copy[key] = readText(text, where, name);
      else {
        const groups: Record<string, string> = (copy[key] = {});
        for (const [group, groupText] of entriesOf(text, where, name, GROUPS)) groups[group] = readText(groupText, where, `${name}.${group}`);
      }
    }
  }
  return out;
}
