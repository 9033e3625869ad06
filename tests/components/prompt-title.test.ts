/** @jest-environment jsdom */
/**
 * The consent sheet's title says what is asked: one title per data group of the scopes, in every
 * locale; the general "Allow access?" only when the scopes span several groups. The application
 * still names it itself with `heading` or `messages`.
 */
import '@testing-library/jest-dom';
import { defineKit, make, mount, openSheetFor, resetDom, shadow } from './helpers';

afterEach(resetDom);

/** A consent request made without a tap, after the user engaged: it comes due in the sheet. */
async function dialogFor(kit: ReturnType<typeof defineKit>, scopes: string[]) {
  return shadow((await openSheetFor(kit, scopes)).sheet).getByRole('dialog');
}

const TITLES = {
  en: {
    notification: 'Get updates in your wallet inbox?',
    contact: 'Share your contact details?',
    profile: 'Share your profile?',
    payment: 'Allow payments with your wallet?',
    other: 'Allow access?',
    mixed: 'Allow access?',
  },
  ar: {
    notification: 'هل تريد استلام التحديثات في صندوق رسائل محفظتك؟',
    contact: 'هل تشارك بيانات التواصل الخاصة بك؟',
    profile: 'هل تشارك ملفك الشخصي؟',
    payment: 'هل تسمح بالدفع بمحفظتك؟',
    other: 'هل تسمح بالوصول؟',
    mixed: 'هل تسمح بالوصول؟',
  },
  ku: {
    notification: 'نوێکارییەکان لە سندوقی جزدانەکەتدا وەردەگریت؟',
    contact: 'زانیارییەکانی پەیوەندیت هاوبەش دەکەیت؟',
    profile: 'پرۆفایلەکەت هاوبەش دەکەیت؟',
    payment: 'ڕێگە بە پارەدان بە جزدانەکەت دەدەیت؟',
    other: 'ڕێگە دەدەیت؟',
    mixed: 'ڕێگە دەدەیت؟',
  },
} as const;

const REQUESTS: Array<[keyof (typeof TITLES)['en'], string[]]> = [
  ['notification', ['NOTIFICATION_INBOX']],
  ['contact', ['auth_base', 'USER_CONTACTINFO']],
  ['profile', ['USER_NAME', 'USER_AVATAR']],
  ['payment', ['CARD_LIST']],
  ['other', ['SHOP_POINTS']],
  ['mixed', ['NOTIFICATION_INBOX', 'CARD_LIST']],
];

describe.each(['en', 'ar', 'ku'] as const)('in %s', (locale) => {
  test.each(REQUESTS)('the title names the %s request', async (group, scopes) => {
    const kit = defineKit({ user: 'manual' });
    mount(make('consent-prompt', { locale }));
    const { sheet } = await openSheetFor(kit, scopes);
    expect(shadow(sheet).getByRole('dialog')).toHaveAccessibleName(TITLES[locale][group]);
    expect(shadow(sheet).getByRole('heading', { level: 2 })).toHaveTextContent(TITLES[locale][group]);
  });
});

test('a sheet an application presents itself for a silent sign-in says so', () => {
  defineKit();
  const sheet = mount(make('consent-prompt', { locale: 'ku' }));
  sheet.present({ scopes: ['auth_base'], proceed() {}, dismiss() {}, signal: new AbortController().signal });
  expect(shadow(sheet).getByRole('dialog')).toHaveAccessibleName('بە جزدانەکەت دەچیتە ژوورەوە؟');
  sheet.locale = 'en';
  expect(shadow(sheet).getByRole('dialog')).toHaveAccessibleName('Sign in with your wallet?');
});

describe('the application names it', () => {
  test('the heading attribute wins over the data group', async () => {
    const kit = defineKit();
    mount(make('consent-prompt', { heading: 'Stay in the loop' }));
    expect(await dialogFor(kit, ['NOTIFICATION_INBOX'])).toHaveAccessibleName('Stay in the loop');
  });

  test('messages.sheetTitles per group and locale, the built-in title for the other groups', async () => {
    const kit = defineKit({ messages: { en: { sheetTitles: { notification: 'Get order updates?' } }, ar: { sheetTitles: { notification: 'هل تريد تحديثات طلبك؟' } } } });
    const sheet = mount(make('consent-prompt'));
    expect(await dialogFor(kit, ['NOTIFICATION_INBOX'])).toHaveAccessibleName('Get order updates?');
    sheet.locale = 'ar';
    expect(shadow(sheet).getByRole('dialog')).toHaveAccessibleName('هل تريد تحديثات طلبك؟');
    shadow(sheet).getByRole('button', { name: 'ليس الآن' }).click();
    sheet.locale = 'en';
    expect(await dialogFor(kit, ['USER_CONTACTINFO'])).toHaveAccessibleName('Share your contact details?');
  });

  test('messages.sheetTitle still titles every sheet, as before titles per group', async () => {
    const kit = defineKit({ messages: { en: { sheetTitle: 'One question' } } });
    mount(make('consent-prompt'));
    expect(await dialogFor(kit, ['NOTIFICATION_INBOX'])).toHaveAccessibleName('One question');
  });

  test('an unknown group in messages.sheetTitles is refused', () => {
    expect(() => defineKit({ messages: { en: { sheetTitles: { loyalty: 'x' } as never } } })).toThrow(TypeError);
  });
});
