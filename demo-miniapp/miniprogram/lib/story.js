/**
 * What the two demos share, one source for both: Tigris Market's products, its cart's storage rule,
 * and the words its pages say in both (English and Arabic; consumer text only, no error or scope
 * codes). It lives in the mini program's folder because a mini program cannot import files outside
 * it; the H5 demo's server serves this file to its pages as `/story.js`. ES2015, no globals.
 */

export const PRODUCTS = [
  { id: 'dates', price: 12000, tone: 'amber' },
  { id: 'kleicha', price: 8500, tone: 'sand' },
  { id: 'tea', price: 6000, tone: 'rose' },
  { id: 'dibis', price: 5500, tone: 'brown' },
  { id: 'sumac', price: 3000, tone: 'red' },
  { id: 'coffee', price: 9000, tone: 'green' },
];

export const CART_KEY = 'tigris-market:cart';

/** A stored cart (`{ productId: quantity }` as JSON) cleaned: known products, 1 to 99 of each. */
export function parseCart(text) {
  const cart = {};
  try {
    const raw = JSON.parse(text || '{}');
    for (const p of PRODUCTS) if (Number.isInteger(raw[p.id]) && raw[p.id] > 0) cart[p.id] = Math.min(raw[p.id], 99);
  } catch (error) {
    // Not JSON: an empty cart.
  }
  return cart;
}

/**
 * What a failed sign-in at launch says (a key of the texts below) and what its button offers
 * (`retry`, `signIn`, or nothing when a tap cannot help), by the side that failed: the wallet, the
 * network, the miniapp's own server, or something the user must do in the wallet first (2001).
 * `error` is the kit's AuthError (read by its fields).
 */
export function signinFailure(error) {
  const code = error && error.code;
  if (code === 'NOT_IN_MINIAPP') return { key: 'status.failedNoWallet', action: null };
  if (code === 'BACKEND_ERROR' || code === 'CODE_REJECTED') return { key: 'status.failedBackend', action: 'retry' };
  if (code === 'PENDING_AGREEMENT') return { key: 'status.failedAgreement', action: 'signIn' };
  if (code === 'SERVICE_ERROR' && String(error.platformCode) === '12') return { key: 'status.failedOffline', action: 'retry' };
  if (error && error.retryable) return { key: 'status.failedRetry', action: 'retry' };
  return { key: 'status.failedUnavailable', action: null };
}

/** The texts both demos' pages say the same way; each demo adds its own around them. */
export const STORY_TEXTS = {
  en: {
    'status.signingIn': 'Signing in with your wallet…',
    'status.signedIn': 'Signed in silently',
    'status.explain': 'Your wallet signed you in without asking: only your wallet account is used.',
    'status.failed': 'Couldn’t sign in',
    'status.failedRetry': 'Your wallet didn’t answer. Try again in a moment.',
    'status.failedUnavailable': 'Signing in with your wallet isn’t available right now.',
    'status.failedNoWallet': 'Open Tigris Market from your wallet app to sign in.',
    'status.failedBackend': 'Your wallet answered, but Tigris Market’s server didn’t. Try again in a moment.',
    'status.failedAgreement': 'Your wallet asks you to accept its user agreement first. Accept it in your wallet app, then sign in.',
    'status.failedOffline': 'No internet connection. Check it, then try again.',
    'status.signedOut': 'Signed out',
    'status.retry': 'Try again',
    'status.signIn': 'Sign in',
    'shop.title': 'Today’s picks',
    'shop.subtitle': 'Browse freely: nothing here asks for your data.',
    'shop.add': 'Add',
    'shop.added': '{name} added to your cart',
    'product.dates': 'Barhi dates',
    'product.kleicha': 'Kleicha cookies',
    'product.tea': 'Cardamom tea',
    'product.dibis': 'Date syrup (dibis)',
    'product.sumac': 'Sumac',
    'product.coffee': 'Arabic coffee',
    'cart.title': 'Your cart',
    'cart.empty': 'Your cart is empty.',
    'cart.total': 'Total',
    'cart.place': 'Place order',
    'cart.placed': 'Order placed. This is a demo: nothing was charged.',
    'cart.needsContact': 'Add a delivery contact (step 1) to place your order.',
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
    'me.signOut': 'Sign out',
    'perm.account': 'Wallet account',
    'perm.profile': 'Name and photo',
    'perm.contact': 'Contact details',
    'perm.updates': 'Inbox notifications',
    'perm.granted': 'Allowed',
    'perm.denied': 'Not allowed',
    'perm.unknown': 'Not asked',
  },
  ar: {
    'status.signingIn': 'جارٍ تسجيل الدخول بمحفظتك…',
    'status.signedIn': 'تم تسجيل الدخول بصمت',
    'status.explain': 'سجّلت محفظتك دخولك دون أن تسألك: يُستخدم حساب محفظتك فقط.',
    'status.failedRetry': 'لم تستجب محفظتك. حاول مرة أخرى بعد قليل.',
    'status.failedUnavailable': 'تسجيل الدخول بمحفظتك غير متاح الآن.',
    'status.failedNoWallet': 'افتح سوق دجلة من تطبيق محفظتك لتسجيل الدخول.',
    'status.failedBackend': 'استجابت محفظتك، لكن خادم سوق دجلة لم يستجب. حاول مرة أخرى بعد قليل.',
    'status.failedAgreement': 'تطلب منك محفظتك أولًا الموافقة على اتفاقية المستخدم. وافق عليها في تطبيق المحفظة، ثم سجّل الدخول.',
    'status.failedOffline': 'لا يوجد اتصال بالإنترنت. تحقّق منه، ثم حاول مرة أخرى.',
    'status.failed': 'تعذّر تسجيل الدخول',
    'status.signedOut': 'تم تسجيل الخروج',
    'status.retry': 'حاول مرة أخرى',
    'status.signIn': 'تسجيل الدخول',
    'shop.title': 'مختارات اليوم',
    'shop.subtitle': 'تصفّح بحرية: لا شيء هنا يطلب بياناتك.',
    'shop.add': 'أضف',
    'shop.added': 'تمت إضافة {name} إلى سلتك',
    'product.dates': 'تمر برحي',
    'product.kleicha': 'كليجة',
    'product.tea': 'شاي بالهيل',
    'product.dibis': 'دبس التمر',
    'product.sumac': 'سمّاق',
    'product.coffee': 'قهوة عربية',
    'cart.title': 'سلتك',
    'cart.empty': 'سلتك فارغة.',
    'cart.total': 'المجموع',
    'cart.place': 'إتمام الطلب',
    'cart.placed': 'تم الطلب. هذا عرض تجريبي: لم يُخصم أي مبلغ.',
    'cart.needsContact': 'أضف وسيلة تواصل للتوصيل (الخطوة ١) لإتمام طلبك.',
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
    'me.signOut': 'تسجيل الخروج',
    'me.signedOut': 'تم تسجيل خروجك.',
    'perm.account': 'حساب المحفظة',
    'perm.profile': 'الاسم والصورة',
    'perm.contact': 'بيانات التواصل',
    'perm.updates': 'إشعارات الصندوق',
    'perm.granted': 'مسموح',
    'perm.denied': 'غير مسموح',
    'perm.unknown': 'لم يُطلب',
  },
};
