/**
 * The languages the DSL components speak: the shared tables of the H5 elements (English, Arabic,
 * Kurdish). The one place the DSL build picks its locales up from.
 */
export { directionOf, isLocale, localeFromTag, messagesFor } from '../shared/i18n';
export type { ConsentMessages, Locale } from '../shared/i18n';
