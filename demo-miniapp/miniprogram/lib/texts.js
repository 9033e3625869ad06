/**
 * The mini program's texts in English and Arabic (the kit's components bring theirs, chosen by
 * their `locale` prop): the words both demos share (./story.js) and the mini program's own. Consumer
 * text only: no error or scope codes.
 */
import { STORY_TEXTS } from './story';

const en = Object.assign({}, STORY_TEXTS.en, {
  'shop.inCart': 'In your cart: {n}',
  'cart.remove': 'Remove',
  'me.language': 'العربية',
  'me.signedOut': 'You are signed out.',
  currency: 'IQD',
});

const ar = Object.assign({}, STORY_TEXTS.ar, {
  'shop.inCart': 'في سلتك: {n}',
  'cart.remove': 'إزالة',
  'me.language': 'English',
  currency: 'د.ع',
});

const TABLES = { en: en, ar: ar };

/** The text of `key` in `lang`, with `{name}` placeholders filled. */
export function t(lang, key, values) {
  const table = TABLES[lang] || en;
  const text = table[key] !== undefined ? table[key] : en[key] !== undefined ? en[key] : key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (values && values[name] !== undefined ? String(values[name]) : match));
}

/** Texts for a page's data: `{ title: 'shop.title', … }` → `{ title: '…', … }` in `lang`. */
export function texts(lang, keys) {
  const out = {};
  for (const name of Object.keys(keys)) out[name] = t(lang, keys[name]);
  return out;
}

export function formatPrice(lang, amount) {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${t(lang, 'currency')}`;
}

export function directionOf(lang) {
  return lang === 'ar' ? 'rtl' : 'ltr';
}
