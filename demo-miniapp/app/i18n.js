/**
 * The miniapp's own texts in English and Arabic. The kit's elements bring their own texts (they follow
 * the page's `lang`); these are the page's. Markup carries `data-i18n="key"` (text) and
 * `data-i18n-<attribute>="key"` (an attribute such as `rationale` or `aria-label`).
 */

export const LANGS = ['en', 'ar'];

const en = {
  'app.name': 'Tigris Market',
  'app.tagline': 'An Iraqi pantry, delivered to your door',
  'lang.switch': 'العربية',
  'lang.switchLabel': 'Switch to Arabic',

  'tab.shop': 'Shop',
  'tab.cart': 'Cart',
  'tab.me': 'Me',

  'status.signingIn': 'Signing in with your wallet…',
  'status.signedIn': 'Signed in silently',
  'status.signedInAs': 'Customer ···{id}',
  'status.explain': 'Your wallet signed you in without asking: only your wallet account is used.',
  'status.failed': 'Couldn’t sign in',
  'status.failedRetry': 'Your wallet didn’t answer. Try again in a moment.',
  'status.failedUnavailable': 'Signing in with your wallet isn’t available right now.',
  'status.failedNoWallet': 'Open Tigris Market from your wallet app to sign in.',
  'status.signedOut': 'Signed out',
  'status.retry': 'Try again',
  'status.signIn': 'Sign in',

  'shop.title': 'Today’s picks',
  'shop.subtitle': 'Browse freely: nothing here asks for your data.',
  'shop.add': 'Add',
  'shop.addLabel': 'Add {name} to cart',
  'shop.added': '{name} added to your cart',

  'product.dates': 'Barhi dates',
  'product.dates.unit': '1 kg box',
  'product.kleicha': 'Kleicha cookies',
  'product.kleicha.unit': '12 pieces',
  'product.tea': 'Cardamom tea',
  'product.tea.unit': '500 g',
  'product.dibis': 'Date syrup (dibis)',
  'product.dibis.unit': '700 g jar',
  'product.sumac': 'Sumac',
  'product.sumac.unit': '250 g',
  'product.coffee': 'Arabic coffee',
  'product.coffee.unit': '250 g, with cardamom',

  'cart.title': 'Your cart',
  'cart.empty': 'Your cart is empty.',
  'cart.browse': 'Browse the shop',
  'cart.total': 'Total',
  'cart.remove': 'Remove {name}',
  'cart.qty': '× {n}',
  'cart.place': 'Place order',
  'cart.placed': 'Order placed. This is a demo: nothing was charged.',

  'contact.step': 'Step 1',
  'contact.title': 'Delivery contact',
  'contact.text': 'The courier needs a phone number. Your wallet can share the one it has: that is a separate request from your profile.',
  'contact.button': 'Use my wallet contact details',
  'contact.rationale': 'The courier uses your phone number to reach you about this delivery. Nothing else is shared by this step.',
  'contact.done': 'Your wallet shared your contact details for this delivery.',

  'updates.step': 'Step 2',
  'updates.title': 'Order updates',
  'updates.text': 'Get a message in your wallet inbox when your order ships.',
  'updates.button': 'Turn on order updates',
  'updates.rationale': 'We send a message to your wallet inbox when your order ships and when it arrives. Nothing else.',
  'updates.done': 'Order updates go to your wallet inbox.',
  'updates.on': 'Order updates are on.',
  'updates.later': 'No problem. You can turn on order updates in your cart.',
  'updates.sheetTitle': 'Get order updates?',

  'me.title': 'Me',
  'me.profileTitle': 'Your profile',
  'me.profileText': 'Show your name and photo on your orders and receipts.',
  'me.profileButton': 'Show my name and photo',
  'me.profileRationale': 'We show your name and photo on your orders and receipts, so the courier knows who to hand them to. Nothing else is shared.',
  'me.customer': 'Customer ID',
  'me.shared': 'Shared with Tigris Market',
  'me.sessionUntil': 'Session valid until',
  'me.loading': 'Loading your profile…',
  'me.loadFailed': 'Your profile could not be loaded.',
  'me.noName': 'Customer ···{id}',
  'me.noNameNote': 'Your wallet didn’t share a name.',
  'me.permissions': 'Permissions',
  'me.permissionsText': 'What you allowed Tigris Market to get from your wallet.',
  'me.language': 'Language',
  'me.signOut': 'Sign out',
  'me.signOutText': 'Signs you out and forgets what you allowed on this device.',
  'me.signedOut': 'You’re signed out.',

  'perm.account': 'Wallet account',
  'perm.account.use': 'Signs you in',
  'perm.profile': 'Name and photo',
  'perm.profile.use': 'On your orders and receipts',
  'perm.contact': 'Contact details',
  'perm.contact.use': 'For the courier',
  'perm.updates': 'Inbox notifications',
  'perm.updates.use': 'Order updates in your wallet inbox',
  'perm.granted': 'Allowed',
  'perm.denied': 'Not allowed',
  'perm.unknown': 'Not asked',
};

const ar = {
  'app.name': 'سوق دجلة',
  'app.tagline': 'مؤونة عراقية تصلك إلى باب بيتك',
  'lang.switch': 'English',
  'lang.switchLabel': 'التبديل إلى الإنجليزية',

  'tab.shop': 'المتجر',
  'tab.cart': 'السلة',
  'tab.me': 'حسابي',

  'status.signingIn': 'جارٍ تسجيل الدخول بمحفظتك…',
  'status.signedIn': 'تم تسجيل الدخول بصمت',
  'status.signedInAs': 'العميل ···{id}',
  'status.explain': 'سجّلت محفظتك دخولك دون أن تسألك: يُستخدم حساب محفظتك فقط.',
  'status.failed': 'تعذّر تسجيل الدخول',
  'status.failedRetry': 'لم تستجب محفظتك. حاول مرة أخرى بعد قليل.',
  'status.failedUnavailable': 'تسجيل الدخول بمحفظتك غير متاح الآن.',
  'status.failedNoWallet': 'افتح سوق دجلة من تطبيق محفظتك لتسجيل الدخول.',
  'status.signedOut': 'تم تسجيل الخروج',
  'status.retry': 'حاول مرة أخرى',
  'status.signIn': 'تسجيل الدخول',

  'shop.title': 'مختارات اليوم',
  'shop.subtitle': 'تصفّح بحرية: لا شيء هنا يطلب بياناتك.',
  'shop.add': 'أضف',
  'shop.addLabel': 'أضف {name} إلى السلة',
  'shop.added': 'تمت إضافة {name} إلى سلتك',

  'product.dates': 'تمر برحي',
  'product.dates.unit': 'علبة ١ كغ',
  'product.kleicha': 'كليجة',
  'product.kleicha.unit': '١٢ قطعة',
  'product.tea': 'شاي بالهيل',
  'product.tea.unit': '٥٠٠ غ',
  'product.dibis': 'دبس التمر',
  'product.dibis.unit': 'برطمان ٧٠٠ غ',
  'product.sumac': 'سمّاق',
  'product.sumac.unit': '٢٥٠ غ',
  'product.coffee': 'قهوة عربية',
  'product.coffee.unit': '٢٥٠ غ، بالهيل',

  'cart.title': 'سلتك',
  'cart.empty': 'سلتك فارغة.',
  'cart.browse': 'تصفّح المتجر',
  'cart.total': 'المجموع',
  'cart.remove': 'إزالة {name}',
  'cart.qty': '× {n}',
  'cart.place': 'إتمام الطلب',
  'cart.placed': 'تم الطلب. هذا عرض تجريبي: لم يُخصم أي مبلغ.',

  'contact.step': 'الخطوة ١',
  'contact.title': 'وسيلة التواصل للتوصيل',
  'contact.text': 'يحتاج المندوب إلى رقم هاتف. يمكن لمحفظتك مشاركة الرقم المسجّل لديها: وهذا طلب منفصل عن ملفك الشخصي.',
  'contact.button': 'استخدم بيانات التواصل من محفظتي',
  'contact.rationale': 'يستخدم المندوب رقم هاتفك للتواصل معك بشأن هذا التوصيل فقط. لا تتم مشاركة أي شيء آخر في هذه الخطوة.',
  'contact.done': 'شاركت محفظتك بيانات التواصل الخاصة بك لهذا التوصيل.',

  'updates.step': 'الخطوة ٢',
  'updates.title': 'تحديثات الطلب',
  'updates.text': 'استلم رسالة في صندوق رسائل محفظتك عند شحن طلبك.',
  'updates.button': 'فعّل تحديثات الطلب',
  'updates.rationale': 'نرسل رسالة إلى صندوق رسائل محفظتك عند شحن طلبك وعند وصوله. لا شيء غير ذلك.',
  'updates.done': 'تصل تحديثات الطلب إلى صندوق رسائل محفظتك.',
  'updates.on': 'تم تفعيل تحديثات الطلب.',
  'updates.later': 'لا بأس. يمكنك تفعيل تحديثات الطلب من السلة.',
  'updates.sheetTitle': 'هل تريد تحديثات طلبك؟',

  'me.title': 'حسابي',
  'me.profileTitle': 'ملفك الشخصي',
  'me.profileText': 'اعرض اسمك وصورتك على طلباتك وإيصالاتك.',
  'me.profileButton': 'اعرض اسمي وصورتي',
  'me.profileRationale': 'نعرض اسمك وصورتك على طلباتك وإيصالاتك ليعرف المندوب لمن يسلّمها. لا تتم مشاركة أي شيء آخر.',
  'me.customer': 'رقم العميل',
  'me.shared': 'تمت مشاركته مع سوق دجلة',
  'me.sessionUntil': 'الجلسة صالحة حتى',
  'me.loading': 'جارٍ تحميل ملفك الشخصي…',
  'me.loadFailed': 'تعذّر تحميل ملفك الشخصي.',
  'me.noName': 'العميل ···{id}',
  'me.noNameNote': 'لم تشارك محفظتك اسمًا.',
  'me.permissions': 'الأذونات',
  'me.permissionsText': 'ما سمحت لسوق دجلة بالحصول عليه من محفظتك.',
  'me.language': 'اللغة',
  'me.signOut': 'تسجيل الخروج',
  'me.signOutText': 'يسجّل خروجك وينسى ما سمحت به على هذا الجهاز.',
  'me.signedOut': 'تم تسجيل خروجك.',

  'perm.account': 'حساب المحفظة',
  'perm.account.use': 'لتسجيل دخولك',
  'perm.profile': 'الاسم والصورة',
  'perm.profile.use': 'على طلباتك وإيصالاتك',
  'perm.contact': 'بيانات التواصل',
  'perm.contact.use': 'للمندوب',
  'perm.updates': 'إشعارات الصندوق',
  'perm.updates.use': 'تحديثات الطلب في صندوق رسائل محفظتك',
  'perm.granted': 'مسموح',
  'perm.denied': 'غير مسموح',
  'perm.unknown': 'لم يُطلب',
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
