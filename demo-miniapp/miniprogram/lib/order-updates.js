/**
 * Order updates come due when something is added to the cart: asked by code, not by a tap, so the
 * kit shows the page's <consent-prompt> first ("Continue" is the tap that opens the wallet). A
 * scope the user refused is not asked again from here (the kit answers DENIED at once): the
 * consent button in the cart is the way back.
 */
import { isWalletClosed } from 'miniapp-auth-kit/dist/miniprogram/index';
import { t } from './texts';
import { state } from './store';

let asking = false;

export function askForOrderUpdates(authorizer) {
  if (asking || authorizer.consentState('NOTIFICATION_INBOX') !== 'unknown') return;
  const session = authorizer.session();
  if (session && session.scopes.indexOf('NOTIFICATION_INBOX') >= 0) return;
  asking = true;
  authorizer
    .authorize('NOTIFICATION_INBOX')
    .then(
      () => my.showToast({ content: t(state.lang, 'updates.on'), type: 'success' }),
      (error) => {
        // "Not now", a refusal, or the wallet's page closed: the cart's button is the way back.
        if ((error && error.code === 'USER_CANCELLED') || isWalletClosed(error)) my.showToast({ content: t(state.lang, 'updates.later'), type: 'none' });
      },
    )
    .then(() => {
      asking = false;
    });
}
