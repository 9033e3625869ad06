/**
 * The languages the DSL components speak: the shared tables of the H5 elements. A mini program
 * package carries all three (English built in, Arabic and Kurdish loaded here). The one place the
 * DSL build picks its locales up from.
 */
import '../locales/ar';
import '../locales/ku';

export { directionOf, localeFromTag, messagesFor } from '../shared/i18n';
export type { ConsentMessages, Locale } from '../shared/i18n';
