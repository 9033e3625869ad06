/**
 * Shop, the first screen: browsing asks nothing. The silent sign-in of app.js shows here. "Add"
 * is a tap (withAuthorization marks the user engaged), and the order-updates request it starts
 * goes through this page's <consent-prompt>.
 */
import { withAuthorization } from 'miniapp-auth-kit/dist/miniprogram/index';
import { liveView } from '../../lib/live-page';
import { addToCart, cartItems } from '../../lib/cart';
import { PRODUCTS } from '../../lib/story';
import { askForOrderUpdates } from '../../lib/order-updates';
import { state } from '../../lib/store';
import { formatPrice, t } from '../../lib/texts';

/** A failed sign-in in plain words (the error's code is for developers, not for the page). */
function failureText(signin) {
  if (signin.code === 'NOT_IN_MINIAPP') return 'status.failedNoWallet';
  return signin.retryable ? 'status.failedRetry' : 'status.failedUnavailable';
}

function signinView(lang, signin, session) {
  const id = session && session.data && typeof session.data.customerId === 'string' ? session.data.customerId : '';
  if (signin.state === 'signed-in') return { state: 'signed-in', title: t(lang, 'status.signedIn'), detail: t(lang, 'status.explain') + (id ? ` ···${id.slice(-4)}` : ''), retry: false };
  if (signin.state === 'failed') return { state: 'failed', title: t(lang, 'status.failed'), detail: t(lang, failureText(signin)), retry: true };
  if (signin.state === 'signed-out') return { state: 'signed-out', title: t(lang, 'status.signedOut'), detail: '', retry: true };
  return { state: 'pending', title: t(lang, 'status.signingIn'), detail: '', retry: false };
}

const TEXTS = { title: 'shop.title', subtitle: 'shop.subtitle', add: 'shop.add', retry: 'status.retry', updatesRationale: 'updates.rationale', updatesTitle: 'updates.sheetTitle' };

// withAuthorization: the page's taps (and its load on top of another page) mark the user engaged.
Page(
  withAuthorization(liveView(TEXTS, {
    data: {
      signin: { state: 'pending', title: '', detail: '', retry: false },
      products: [],
      cartCount: 0,
      cartText: '',
    },

    view(lang) {
      const count = cartItems().reduce((sum, line) => sum + line.qty, 0);
      return {
        signin: signinView(lang, state.signin, getApp().authorizer.session()),
        products: PRODUCTS.map((p) => {
          const name = t(lang, `product.${p.id}`);
          return { id: p.id, tone: p.tone, name, initial: name.charAt(0), priceText: formatPrice(lang, p.price), addLabel: `${t(lang, 'shop.add')} ${name}` };
        }),
        cartCount: count,
        cartText: t(lang, 'shop.inCart', { n: count }),
      };
    },

    onAdd(event) {
      const id = event.currentTarget.dataset.id;
      addToCart(id);
      my.showToast({ content: t(state.lang, 'shop.added', { name: t(state.lang, `product.${id}`) }), type: 'none' });
      this.render();
      askForOrderUpdates(getApp().authorizer);
    },

    onRetry() {
      getApp().signIn();
    },
  })),
);
