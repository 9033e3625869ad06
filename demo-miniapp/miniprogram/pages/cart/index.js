/**
 * Cart: the contact step (`USER_CONTACTINFO`, its own wallet request) and order updates
 * (`NOTIFICATION_INBOX`), each an <auth-gate> whose fallback is a <consent-button>. The steps are
 * about an order: none without one; "Place order" once step 1 is done.
 */
import { withAuthorization } from 'miniapp-auth-kit/dist/miniprogram/index';
import { liveView } from '../../lib/live-page';
import { cartItems, clearCart, removeFromCart } from '../../lib/cart';
import { state } from '../../lib/store';
import { formatPrice, t } from '../../lib/texts';

const TEXTS = {
  title: 'cart.title',
  empty: 'cart.empty',
  total: 'cart.total',
  remove: 'cart.remove',
  place: 'cart.place',
  contactStep: 'contact.step',
  contactTitle: 'contact.title',
  contactText: 'contact.text',
  contactButton: 'contact.button',
  contactRationale: 'contact.rationale',
  contactDone: 'contact.done',
  updatesStep: 'updates.step',
  updatesTitle: 'updates.title',
  updatesText: 'updates.text',
  updatesButton: 'updates.button',
  updatesRationale: 'updates.rationale',
  updatesSheetTitle: 'updates.sheetTitle',
  updatesDone: 'updates.done',
  needsContact: 'cart.needsContact',
};

/** Step 1 is done: the session holds the contact details. */
function hasContact() {
  const session = getApp().authorizer.session();
  return !!session && session.scopes.indexOf('USER_CONTACTINFO') >= 0;
}

// withAuthorization: the page's taps (and its load on top of another page) mark the user engaged.
Page(
  withAuthorization(liveView(TEXTS, {
    data: { lines: [], totalText: '', contactReady: false },

    view(lang) {
      const items = cartItems();
      return {
        lines: items.map((line) => ({ id: line.id, qty: line.qty, name: t(lang, `product.${line.id}`), priceText: formatPrice(lang, line.price * line.qty) })),
        totalText: formatPrice(lang, items.reduce((sum, line) => sum + line.price * line.qty, 0)),
        contactReady: hasContact(),
      };
    },

    onRemove(event) {
      removeFromCart(event.currentTarget.dataset.id);
      this.render();
    },

    onPlaceOrder() {
      if (cartItems().length === 0 || !hasContact()) return;
      clearCart();
      this.render();
      my.showToast({ content: t(state.lang, 'cart.placed'), type: 'success' });
    },
  })),
);
