/**
 * Order updates come due when something is added to the cart: asked by code, not by a tap, so the
 * kit shows the page's <consent-prompt> first ("Continue" is the tap that opens the wallet). Asked
 * once: after "Not now", a refusal or the wallet's page closed, the toast says where to turn them
 * on (the cart's consent button), and that is where they are offered from then on, not on every
 * Add (kept in the mini program's storage until a sign-out, as the H5 demo keeps it).
 */
import { isConsentDismissed, isWalletClosed } from 'miniapp-auth-kit/dist/miniprogram/index';
import { t } from './texts';
import { state } from './store';

const LATER_KEY = 'tigris-market:updates-later';

function offeredAlready() {
  try {
    const res = my.getStorageSync({ key: LATER_KEY });
    return (res && res.data) === '1';
  } catch (error) {
    return false;
  }
}

/** Order updates are offered again on an Add (after a sign-out: the walk-through starts over). */
export function forgetOrderUpdatesAnswer() {
  my.removeStorageSync({ key: LATER_KEY });
}

let asking = false;

export function askForOrderUpdates(authorizer) {
  if (asking || offeredAlready() || authorizer.consentState('NOTIFICATION_INBOX') !== 'unknown') return;
  const session = authorizer.session();
  if (session && session.scopes.indexOf('NOTIFICATION_INBOX') >= 0) return;
  asking = true;
  authorizer
    .authorize('NOTIFICATION_INBOX')
    .then(
      () => my.showToast({ content: t(state.lang, 'updates.on'), type: 'success' }),
      (error) => {
        // "Not now" on the sheet (isConsentDismissed), a refusal in the wallet, or its page closed:
        // the cart's button is the way back.
        if (isConsentDismissed(error) || (error && error.code === 'USER_CANCELLED') || isWalletClosed(error)) {
          my.setStorageSync({ key: LATER_KEY, data: '1' });
          my.showToast({ content: t(state.lang, 'updates.later'), type: 'none' });
        }
      },
    )
    .then(() => {
      asking = false;
    });
}
