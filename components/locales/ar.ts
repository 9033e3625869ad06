/**
 * Arabic texts of the consent elements: `import 'miniapp-auth-kit/components/locales/ar'` adds them
 * (the IIFE and the DSL components carry them already). Right to left.
 */
import { registerLocale, type ConsentMessages } from '../shared/i18n';

export const ar: ConsentMessages = {
  label: 'اسمح بالوصول',
  pending: 'بانتظار محفظتك…',
  authorized: 'تم السماح بالوصول',
  allowAccess: 'لم يُسمح بالوصول بعد. اضغط لتسمح بالوصول.',
  tryAgain: 'حدث خطأ ما. اضغط لتحاول مرة أخرى.',
  unavailable: 'هذا غير متاح الآن.',
  sheetTitle: 'هل تسمح بالوصول؟',
  sheetTitles: {
    base: 'هل تسجّل الدخول بمحفظتك؟',
    profile: 'هل تشارك ملفك الشخصي؟',
    contact: 'هل تشارك بيانات التواصل الخاصة بك؟',
    identity: 'هل تشارك بيانات هويتك؟',
    notification: 'هل تريد استلام التحديثات في صندوق رسائل محفظتك؟',
    payment: 'هل تسمح بالدفع بمحفظتك؟',
    other: 'هل تسمح بالوصول؟',
  },
  sheetNote: 'ستطلب منك محفظتك التأكيد.',
  continue: 'متابعة',
  notNow: 'ليس الآن',
  rationale: {
    base: 'يُستخدم حسابك في المحفظة لتسجيل دخولك.',
    profile: 'يُستخدم اسمك وصورتك الشخصية لإعداد حسابك في هذا التطبيق المصغّر.',
    contact: 'يُستخدم رقم هاتفك وبريدك الإلكتروني للتواصل معك بشأن هذه الخدمة.',
    identity: 'تُستخدم بيانات هويتك (الوثيقة والاسم) للتحقق من حسابك.',
    notification: 'اسمح بالإشعارات ليرسل لك هذا التطبيق المصغّر التحديثات في صندوق رسائل محفظتك.',
    payment: 'يتيح لك الوصول إلى الدفع أن تدفع بمحفظتك في هذا التطبيق المصغّر.',
    other: 'يحتاج هذا التطبيق المصغّر إلى إذنك للمتابعة.',
  },
};

registerLocale('ar', ar);
