/**
 * The mini program's own texts in English and Arabic (the kit's components bring theirs, chosen by
 * their `locale` prop). The same words as the H5 demo's pages (demo-miniapp/app/i18n.js): a mini
 * program project cannot import files outside its folder, so they are kept here too. Consumer
 * text only: no error or scope codes.
 */
const en = {
  'status.signingIn': 'Signing in with your wallet…',
  'status.signedIn': 'Signed in silently',
  'status.explain': 'Your wallet signed you in without asking: only your wallet account is used.',
  'status.failed': 'Couldn’t sign in',
  'status.failedRetry': 'Your wallet didn’t answer. Try again in a moment.',
  'status.failedUnavailable': 'Signing in with your wallet isn’t available right now.',
  'status.failedNoWallet': 'Open Tigris Market from your wallet app to sign in.',
  'status.signedOut': 'Signed out',
  'status.retry': 'Try again',
  'shop.title': 'Today’s picks',
  'shop.subtitle': 'Browse freely: nothing here asks for your data.',
  'shop.add': 'Add',
  'shop.added': '{name} added to your cart',
  'shop.inCart': 'In your cart: {n}',
  'product.dates': 'Barhi dates',
  'product.kleicha': 'Kleicha cookies',
  'product.tea': 'Cardamom tea',
  'product.dibis': 'Date syrup (dibis)',
  'product.sumac': 'Sumac',
  'product.coffee': 'Arabic coffee',
  'cart.title': 'Your cart',
  'cart.empty': 'Your cart is empty.',
  'cart.total': 'Total',
  'cart.remove': 'Remove',
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
  'updates.sheetTitle': 'Get order updates?',
  'updates.done': 'Order updates go to your wallet inbox.',
  'updates.on': 'Order updates are on.',
  'updates.later': 'No problem. You can turn on order updates in your cart.',
  'me.profileTitle': 'Your profile',
  'me.profileText': 'Show your name and photo on your orders and receipts.',
  'me.profileButton': 'Show my name and photo',
  'me.profileRationale': 'We show your name and photo on your orders and receipts, so the courier knows who to hand them to. Nothing else is shared.',
  'me.customer': 'Customer ID',
  'me.loading': 'Loading your profile…',
  'me.loadFailed': 'Your profile could not be loaded.',
  'me.permissions': 'Permissions',
  'me.language': 'العربية',
  'me.signOut': 'Sign out',
  'me.signedOut': 'You are signed out.',
  'perm.account': 'Wallet account',
  'perm.profile': 'Name and photo',
  'perm.contact': 'Contact details',
  'perm.updates': 'Inbox notifications',
  'perm.granted': 'Allowed',
  'perm.denied': 'Not allowed',
  'perm.unknown': 'Not asked',
  currency: 'IQD',
};

const ar = {
  'status.signingIn': 'جارٍ تسجيل الدخول بمحفظتك…',
  'status.signedIn': 'تم تسجيل الدخول بصمت',
  'status.explain': 'سجّلت محفظتك دخولك دون أن تسألك: يُستخدم حساب محفظتك فقط.',
  'status.failedRetry': 'لم تستجب محفظتك. حاول مرة أخرى بعد قليل.',
  'status.failedUnavailable': 'تسجيل الدخول بمحفظتك غير متاح الآن.',
  'status.failedNoWallet': 'افتح سوق دجلة من تطبيق محفظتك لتسجيل الدخول.',
  'status.failed': 'تعذّر تسجيل الدخول',
  'status.signedOut': 'تم تسجيل الخروج',
  'status.retry': 'حاول مرة أخرى',
  'shop.title': 'مختارات اليوم',
  'shop.subtitle': 'تصفّح بحرية: لا شيء هنا يطلب بياناتك.',
  'shop.add': 'أضف',
  'shop.added': 'تمت إضافة {name} إلى سلتك',
  'shop.inCart': 'في سلتك: {n}',
  'product.dates': 'تمر برحي',
  'product.kleicha': 'كليجة',
  'product.tea': 'شاي بالهيل',
  'product.dibis': 'دبس التمر',
  'product.sumac': 'سمّاق',
  'product.coffee': 'قهوة عربية',
  'cart.title': 'سلتك',
  'cart.empty': 'سلتك فارغة.',
  'cart.total': 'المجموع',
  'cart.remove': 'إزالة',
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
  'updates.sheetTitle': 'هل تريد تحديثات طلبك؟',
  'updates.done': 'تصل تحديثات الطلب إلى صندوق رسائل محفظتك.',
  'updates.on': 'تم تفعيل تحديثات الطلب.',
  'updates.later': 'لا بأس. يمكنك تفعيل تحديثات الطلب من السلة.',
  'me.profileTitle': 'ملفك الشخصي',
  'me.profileText': 'اعرض اسمك وصورتك على طلباتك وإيصالاتك.',
  'me.profileButton': 'اعرض اسمي وصورتي',
  'me.profileRationale': 'نعرض اسمك وصورتك على طلباتك وإيصالاتك ليعرف المندوب لمن يسلّمها. لا تتم مشاركة أي شيء آخر.',
  'me.customer': 'رقم العميل',
  'me.loading': 'جارٍ تحميل ملفك الشخصي…',
  'me.loadFailed': 'تعذّر تحميل ملفك الشخصي.',
  'me.permissions': 'الأذونات',
  'me.language': 'English',
  'me.signOut': 'تسجيل الخروج',
  'me.signedOut': 'تم تسجيل خروجك.',
  'perm.account': 'حساب المحفظة',
  'perm.profile': 'الاسم والصورة',
  'perm.contact': 'بيانات التواصل',
  'perm.updates': 'إشعارات الصندوق',
  'perm.granted': 'مسموح',
  'perm.denied': 'غير مسموح',
  'perm.unknown': 'لم يُطلب',
  currency: 'د.ع',
};

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
