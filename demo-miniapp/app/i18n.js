/**
 * The miniapp's own texts in English and Arabic: the words both demos share (`/story.js`, kept with
 * the DSL demo) and this page's own. The kit's elements bring their own texts (they follow the
 * page's `lang`). Markup carries `data-i18n="key"` (text) and `data-i18n-<attribute>="key"` (an
 * attribute such as `rationale` or `aria-label`).
 */
import { STORY_TEXTS } from '/story.js';

export const LANGS = ['en', 'ar'];

const en = {
  ...STORY_TEXTS.en,
  'app.name': 'Tigris Market',
  'app.tagline': 'An Iraqi pantry, delivered to your door',
  'lang.switch': 'العربية',
  'lang.switchLabel': 'Switch to Arabic',

  'tab.shop': 'Shop',
  'tab.cart': 'Cart',
  'tab.me': 'Me',

  'status.signedInAs': 'Customer ···{id}',

  'shop.addLabel': 'Add {name} to cart',

  'product.dates.unit': '1 kg box',
  'product.kleicha.unit': '12 pieces',
  'product.tea.unit': '500 g',
  'product.dibis.unit': '700 g jar',
  'product.sumac.unit': '250 g',
  'product.coffee.unit': '250 g, with cardamom',

  'cart.browse': 'Browse the shop',
  'cart.remove': 'Remove {name}',
  'cart.qty': '× {n}',
  'cart.needsContact': 'Add a delivery contact (step 1) to place your order.',

  'kit.backendRetry': 'Your wallet allowed it, but Tigris Market couldn’t finish. Tap to try again.',
  'kit.backendFailed': 'Your wallet allowed it, but Tigris Market couldn’t finish. Try again later.',

  'me.title': 'Me',
  'me.shared': 'Shared with Tigris Market',
  'me.sessionUntil': 'Session valid until',
  'me.noName': 'Customer ···{id}',
  'me.noNameNote': 'Your wallet didn’t share a name.',
  'me.permissionsText': 'What you allowed Tigris Market to get from your wallet.',
  'me.language': 'Language',
  'me.signOutText': 'Signs you out and forgets what you allowed on this device.',
  'me.signedOutText': 'You’re signed out. Sign in to use what you allow here.',
  'me.account': 'Account',
  'me.signedOut': 'You’re signed out.',

  'perm.account.use': 'Signs you in',
  'perm.profile.use': 'On your orders and receipts',
  'perm.contact.use': 'For the courier',
  'perm.updates.use': 'Order updates in your wallet inbox',
};

const ar = {
  ...STORY_TEXTS.ar,
  'app.name': 'سوق دجلة',
  'app.tagline': 'مؤونة عراقية تصلك إلى باب بيتك',
  'lang.switch': 'English',
  'lang.switchLabel': 'التبديل إلى الإنجليزية',

  'tab.shop': 'المتجر',
  'tab.cart': 'السلة',
  'tab.me': 'حسابي',

  'status.signedInAs': 'العميل ···{id}',

  'shop.addLabel': 'أضف {name} إلى السلة',

  'product.dates.unit': 'علبة ١ كغ',
  'product.kleicha.unit': '١٢ قطعة',
  'product.tea.unit': '٥٠٠ غ',
  'product.dibis.unit': 'برطمان ٧٠٠ غ',
  'product.sumac.unit': '٢٥٠ غ',
  'product.coffee.unit': '٢٥٠ غ، بالهيل',

  'cart.browse': 'تصفّح المتجر',
  'cart.remove': 'إزالة {name}',
  'cart.qty': '× {n}',
  'cart.needsContact': 'أضف وسيلة تواصل للتوصيل (الخطوة ١) لإتمام طلبك.',

  'kit.backendRetry': 'سمحت محفظتك بذلك، لكن تعذّر على سوق دجلة إكمال الطلب. اضغط لتحاول مرة أخرى.',
  'kit.backendFailed': 'سمحت محفظتك بذلك، لكن تعذّر على سوق دجلة إكمال الطلب. حاول مرة أخرى لاحقًا.',

  'me.title': 'حسابي',
  'me.shared': 'تمت مشاركته مع سوق دجلة',
  'me.sessionUntil': 'الجلسة صالحة حتى',
  'me.noName': 'العميل ···{id}',
  'me.noNameNote': 'لم تشارك محفظتك اسمًا.',
  'me.permissionsText': 'ما سمحت لسوق دجلة بالحصول عليه من محفظتك.',
  'me.language': 'اللغة',
  'me.signOutText': 'يسجّل خروجك وينسى ما سمحت به على هذا الجهاز.',
  'me.signedOutText': 'لقد سجّلت خروجك. سجّل الدخول لاستخدام ما تسمح به هنا.',
  'me.account': 'الحساب',

  'perm.account.use': 'لتسجيل دخولك',
  'perm.profile.use': 'على طلباتك وإيصالاتك',
  'perm.contact.use': 'للمندوب',
  'perm.updates.use': 'تحديثات الطلب في صندوق رسائل محفظتك',
};

const TABLES = { en, ar };
const LANG_KEY = 'tigris-market:lang';
const listeners = new Set();

function stored() {
  try {
    const value = localStorage.getItem(LANG_KEY);
    return LANGS.includes(value) ? value : null;
  } catch {
    return null;
  }
}

let lang = stored() ?? (navigator.language?.toLowerCase().startsWith('ar') ? 'ar' : 'en');

export function getLang() {
  return lang;
}

/** The text of `key` in the current language, `{name}` placeholders filled in. */
export function t(key, values = {}) {
  return textIn(lang, key).replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** The text of `key` in `language` (for tables given to the kit, which switch language themselves). */
export function textIn(language, key) {
  return TABLES[language]?.[key] ?? en[key] ?? key;
}

/** Fills every `data-i18n` text and `data-i18n-*` attribute under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('*')) {
    for (const name of Object.keys(node.dataset)) {
      if (!name.startsWith('i18n') || name === 'i18n') continue;
      const attribute = name.slice(4).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/^-/, '');
      node.setAttribute(attribute, t(node.dataset[name]));
    }
  }
}

/** `<html lang dir>`, the texts, and everything that listens. */
export function setLang(next) {
  if (!LANGS.includes(next)) return;
  lang = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyLang();
  for (const listener of [...listeners]) listener(lang);
}

export function applyLang() {
  const html = document.documentElement;
  html.lang = lang;
  html.dir = lang === 'ar' ? 'rtl' : 'ltr';
  document.title = `${t('app.name')} · miniapp-auth-kit demo`;
  translate();
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const money = {};
/** Iraqi dinars in the current language's digits. */
export function formatPrice(amount) {
  money[lang] ??= new Intl.NumberFormat(lang === 'ar' ? 'ar-IQ' : 'en-IQ', { style: 'currency', currency: 'IQD', maximumFractionDigits: 0 });
  return money[lang].format(amount);
}

export function formatDate(epochMs) {
  return new Intl.DateTimeFormat(lang === 'ar' ? 'ar-IQ' : 'en-GB', { dateStyle: 'medium' }).format(new Date(epochMs));
}

/** Digits in the current language: every number the page shows in Arabic uses Arabic-Indic digits, as the prices and dates do. */
export function formatDigits(text) {
  if (lang !== 'ar') return text;
  return String(text).replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]);
}
