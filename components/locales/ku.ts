/**
 * Sorani Kurdish texts (ckb, Arabic script) of the consent elements:
 * `import 'miniapp-auth-kit/components/locales/ku'` adds them (the IIFE and the DSL components carry
 * them already). Right to left.
 */
import { registerLocale, type ConsentMessages } from '../shared/i18n';

export const ku: ConsentMessages = {
  label: 'ڕێگە بدە',
  pending: 'چاوەڕێی جزدانەکەت دەکرێت…',
  authorized: 'ڕێگە درا',
  allowAccess: 'هێشتا ڕێگە نەدراوە. دەست لێ بدە بۆ ڕێگەدان.',
  tryAgain: 'هەڵەیەک ڕوویدا. دەست لێ بدە بۆ هەوڵدانەوە.',
  unavailable: 'ئەمە ئێستا بەردەست نییە.',
  sheetTitle: 'ڕێگە دەدەیت؟',
  sheetTitles: {
    base: 'بە جزدانەکەت دەچیتە ژوورەوە؟',
    profile: 'پرۆفایلەکەت هاوبەش دەکەیت؟',
    contact: 'زانیارییەکانی پەیوەندیت هاوبەش دەکەیت؟',
    identity: 'زانیارییەکانی ناسنامەکەت هاوبەش دەکەیت؟',
    notification: 'نوێکارییەکان لە سندوقی جزدانەکەتدا وەردەگریت؟',
    payment: 'ڕێگە بە پارەدان بە جزدانەکەت دەدەیت؟',
    other: 'ڕێگە دەدەیت؟',
  },
  sheetNote: 'جزدانەکەت داوای پشتڕاستکردنەوەت لێ دەکات.',
  continue: 'بەردەوام بە',
  notNow: 'ئێستا نا',
  rationale: {
    base: 'هەژماری جزدانەکەت بۆ چوونەژوورەوەت بەکاردێت.',
    profile: 'ناو و وێنەی پرۆفایلەکەت بۆ ڕێکخستنی هەژمارەکەت لەم مینی ئەپەدا بەکاردێن.',
    contact: 'ژمارەی مۆبایل و ئیمەیڵەکەت بۆ پەیوەندیکردن پێتەوە سەبارەت بەم خزمەتگوزارییە بەکاردێن.',
    identity: 'زانیارییەکانی ناسنامەکەت (بەڵگەنامە و ناو) بۆ پشتڕاستکردنەوەی هەژمارەکەت بەکاردێن.',
    notification: 'ڕێگە بە ئاگادارکردنەوەکان بدە تا ئەم مینی ئەپە نوێکارییەکانت لە سندوقی جزدانەکەتدا بۆ بنێرێت.',
    payment: 'ڕێگەدان بە پارەدان وات لێ دەکات لەم مینی ئەپەدا بە جزدانەکەت پارە بدەیت.',
    other: 'ئەم مینی ئەپە بۆ بەردەوامبوون پێویستی بە ڕێگەپێدانی تۆیە.',
  },
};

registerLocale('ku', ku);
