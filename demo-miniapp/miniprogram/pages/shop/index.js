/**
 * Shop, the first screen: browsing asks nothing. The silent sign-in of app.js shows here. "Add"
 * is a tap (withAuthorization marks the user engaged), and the order-updates request it starts
 * goes through this page's <consent-prompt>.
 */
import { withAuthorization } from 'miniapp-auth-kit/dist/miniprogram/index';
import { liveView } from '../../lib/live-page';
import { addToCart, cartItems } from '../../lib/cart';
import { PRODUCTS, signinFailure } from '../../lib/story';
import { askForOrderUpdates } from '../../lib/order-updates';
import { state } from '../../lib/store';
import { formatPrice, t } from '../../lib/texts';

/** What a tap on the card's button does, in words: try again, sign in, or no button (''). */
const ACTION_TEXTS = { retry: 'status.retry', signIn: 'status.signIn' };
const actionText = (lang, action) => (action ? t(lang, ACTION_TEXTS[action]) : '');

/**
 * The sign-in card. A failure says which side failed (the wallet, the network, the shop's server,
 * or what to do in the wallet first) and offers only a tap that can help: the demos' one rule,
 * `signinFailure` in story.js. After a sign-out the button signs in again.
 */
function signinView(lang, signin, session) {
  const id = session && session.data && typeof session.data.customerId === 'string' ? session.data.customerId : '';
  if (signin.state === 'signed-in') return { state: 'signed-in', title: t(lang, 'status.signedIn'), detail: t(lang, 'status.explain') + (id ? ` ···${id.slice(-4)}` : ''), action: '' };
  if (signin.state === 'failed') {
    const failure = signinFailure(signin.error);
    return { state: 'failed', title: t(lang, 'status.failed'), detail: t(lang, failure.key), action: actionText(lang, failure.action) };
  }
  if (signin.state === 'signed-out') return { state: 'signed-out', title: t(lang, 'status.signedOut'), detail: '', action: actionText(lang, 'signIn') };
  return { state: 'pending', title: t(lang, 'status.signingIn'), detail: '', action: '' };
}

const TEXTS = { title: 'shop.title', subtitle: 'shop.subtitle', add: 'shop.add', updatesRationale: 'updates.rationale', updatesTitle: 'updates.sheetTitle' };

// withAuthorization: the page's taps (and its load on top of another page) mark the user engaged.
Page(
  withAuthorization(liveView(TEXTS, {
    data: {
      signin: { state: 'pending', title: '', detail: '', action: '' },
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
