/**
 * Tigris Market, the demo miniapp: what a SuperQi H5 miniapp writes with miniapp-auth-kit.
 *
 * - a silent `auth_base` login at launch (no prompt on the first screen);
 * - name and photo behind a tap (<consent-button> in an <auth-gate>), contact details in their own
 *   wallet request, order updates asked programmatically and routed through <consent-prompt>;
 * - English and Arabic; sign-out clears the session and the consent record.
 *
 * The page never sees an auth code: the kit sends it to the backend (`httpSubmitter`) and keeps only
 * the backend's own session.
 */
import { createAuthorizer, httpSubmitter, isConsentDismissed, isWalletClosed } from '/kit/index.js';
import { CART_KEY, PRODUCTS, parseCart, signinFailure } from '/story.js';
import { defineConsentElements } from '/kit/components.js';
// The demo speaks Arabic too: the elements' Arabic texts are a module of their own.
import '/kit/components/locales/ar.js';
// The simulated wallet has put `globalThis.my` in place already (its own <script> runs first, like
// hylid-bridge); importing it here only gives the demo a handle on it for `window.__demo`.
import { sim, forgetGrants, onOtherTab } from '/wallet/wallet.js';
import { applyLang, formatDate, formatDigits, formatPrice, getLang, LANGS, onLangChange, setLang, t, textIn } from '/i18n.js';
import { clearToast, toast } from '/toast.js';
import { PERMISSIONS, permissionState, sharedPermissions } from '/sharing.js';
import { devNote, watchKit } from '/dev-notes.js';

// ---------------------------------------------------------------------------------------------
// The kit

const authorizer = createAuthorizer({
  submit: (authCode, context) => submitterFor(sessionId())(authCode, context),
  // The demo's wallet can be told to hang: give up after 20 s rather than the default minute.
  timeoutMs: 20_000,
});
// The order-updates sheet names what it asks for in the miniapp's words ("Get order updates?"), and
// a failure of the miniapp's own backend names the miniapp, not "this miniapp".
const kitTexts = (lang) => ({
  sheetTitles: { notification: textIn(lang, 'updates.sheetTitle') },
  backendRetry: textIn(lang, 'kit.backendRetry'),
  backendFailed: textIn(lang, 'kit.backendFailed'),
});
defineConsentElements({ authorizer, locale: getLang(), messages: Object.fromEntries(LANGS.map((lang) => [lang, kitTexts(lang)])) });
// Codes and explanations for developers go to the developer panel, never into the page's text.
watchKit(authorizer);

// For the end-to-end tests and the curious (read only).
Object.defineProperty(window, '__demo', { value: Object.freeze({ sim, authorizer }), enumerable: false });

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
};

/** The backend's own session id (never a wallet token): what `/api/auth/me` wants. */
function sessionId() {
  const data = authorizer.session()?.data;
  return data && typeof data.sessionId === 'string' ? data.sessionId : null;
}

/**
 * The kit's `httpSubmitter`, sending the backend session this grant adds to (`Authorization: Bearer`):
 * the new session then covers the scopes of the earlier one too (the name and photo stay readable
 * after the contact details are shared). One submitter per session, so that a code sent again keeps
 * its Idempotency-Key.
 */
const submitters = new Map();
function submitterFor(id) {
  let submit = submitters.get(id);
  if (!submit) {
    submit = httpSubmitter({ url: '/api/auth/session', ...(id ? { headers: { Authorization: `Bearer ${id}` } } : {}) });
    submitters.set(id, submit);
    if (submitters.size > 4) submitters.delete(submitters.keys().next().value);
  }
  return submit;
}

function customerTail(session = authorizer.session()) {
  const id = session?.data?.customerId;
  return typeof id === 'string' && id.length > 0 ? id.slice(-4) : null;
}

// ---------------------------------------------------------------------------------------------
// Silent login at launch (auth_base is silent: allowed on the first screen, no prompt)

let signin = { state: 'pending', error: null };

function renderSignin() {
  const box = $('signin');
  box.dataset.state = signin.state;
  const title = $('signin-title');
  const detail = $('signin-detail');
  const retry = $('signin-retry');
  const explain = $('signin-explain');
  const tail = customerTail();
  if (signin.state === 'pending') {
    title.textContent = t('status.signingIn');
    detail.textContent = '';
  } else if (signin.state === 'signed-in') {
    title.textContent = t('status.signedIn');
    detail.textContent = tail ? t('status.signedInAs', { id: formatDigits(tail) }) : '';
  } else if (signin.state === 'signed-out') {
    title.textContent = t('status.signedOut');
    detail.textContent = '';
  } else {
    title.textContent = t('status.failed');
    detail.textContent = t(signinFailure(signin.error).key);
  }
  explain.hidden = signin.state !== 'signed-in';
  // What a tap can do: try again, sign in (after a sign-out, or once the user did what the wallet
  // asked), or nothing (no button).
  const action = signin.state === 'signed-out' ? 'signIn' : signin.state === 'failed' ? signinFailure(signin.error).action : null;
  retry.hidden = action === null;
  retry.textContent = action === 'retry' ? t('status.retry') : t('status.signIn');
}

function silentLogin() {
  signin = { state: 'pending', error: null };
  renderSignin();
  renderAccount();
  return authorizer.authorize('auth_base').then(
    () => {
      signin = { state: 'signed-in', error: null };
      renderSignin();
      renderAccount();
    },
    (error) => {
      signin = { state: 'failed', error };
      renderSignin();
      renderAccount();
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Catalogue and cart

function readLocal(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeLocal(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

function loadCart() {
  try {
    return new Map(Object.entries(parseCart(localStorage.getItem(CART_KEY))));
  } catch {
    return new Map();
  }
}

const cart = loadCart();

function saveCart() {
  try {
    localStorage.setItem(CART_KEY, JSON.stringify(Object.fromEntries(cart)));
  } catch {
    // private mode
  }
}

const productName = (id) => t(`product.${id}`);

function renderCatalogue() {
  const list = $('catalogue');
  list.replaceChildren(
    ...PRODUCTS.map((p) =>
      el('li', { class: `product tone-${p.tone}` }, [
        el('div', { class: 'product-art' }, [el('img', { src: `/img/${p.id}.svg`, alt: '', width: 72, height: 72 })]),
        el('div', { class: 'product-body' }, [
          el('h3', { class: 'product-name' }, [productName(p.id)]),
          el('p', { class: 'product-unit' }, [t(`product.${p.id}.unit`)]),
          el('div', { class: 'product-foot' }, [
            el('span', { class: 'price' }, [formatPrice(p.price)]),
            el('button', { type: 'button', class: 'add-button', 'data-add': p.id, 'aria-label': t('shop.addLabel', { name: productName(p.id) }) }, [
              el('span', { 'aria-hidden': 'true', class: 'plus' }, ['+']),
              t('shop.add'),
            ]),
          ]),
        ]),
      ]),
    ),
  );
}

function renderCart() {
  const lines = $('cart-lines');
  const items = PRODUCTS.filter((p) => cart.has(p.id));
  lines.replaceChildren(
    ...items.map((p) => {
      const qty = cart.get(p.id);
      return el('li', { class: 'cart-line' }, [
        el('img', { src: `/img/${p.id}.svg`, alt: '', width: 40, height: 40, class: `cart-thumb tone-${p.tone}` }),
        el('div', { class: 'cart-line-text' }, [el('span', {}, [productName(p.id)]), el('small', {}, [t('cart.qty', { n: formatDigits(String(qty)) })])]),
        el('span', { class: 'price' }, [formatPrice(p.price * qty)]),
        el('button', { type: 'button', class: 'remove-button', 'data-remove': p.id, 'aria-label': t('cart.remove', { name: productName(p.id) }) }, ['×']),
      ]);
    }),
  );
  const count = [...cart.values()].reduce((a, b) => a + b, 0);
  const total = items.reduce((sum, p) => sum + p.price * cart.get(p.id), 0);
  const empty = items.length === 0;
  $('cart-empty').hidden = !empty;
  $('cart-total').hidden = empty;
  $('cart-total-value').textContent = formatPrice(total);
  // The checkout steps are about an order: none without one.
  $('checkout').hidden = empty;
  // Step 1 first: the courier needs the delivery contact before there is an order to deliver.
  const contactReady = hasContact();
  $('place-order').disabled = empty || !contactReady;
  $('place-order-hint').hidden = empty || contactReady;
  const badge = $('cart-badge');
  badge.hidden = count === 0;
  badge.textContent = formatDigits(String(count));
}

/** The delivery contact (step 1) is in the session: an order can be placed. */
function hasContact() {
  return Boolean(authorizer.session()?.scopes.includes('USER_CONTACTINFO'));
}

/**
 * Order updates come due here, programmatically: no `gesture`, so the kit routes the prompt through
 * <consent-prompt> ("Continue" is the tap that opens the wallet's page; "Not now" changes nothing).
 * Asked once: after "Not now", a refusal or the wallet's page closed, the toast says where to turn
 * them on (the cart's button), and that is where they are offered from then on, not on every Add.
 */
const UPDATES_LATER_KEY = 'tigris-market:updates-later';
const updatesLater = {
  get: () => readLocal(UPDATES_LATER_KEY) === '1',
  set: (later) => writeLocal(UPDATES_LATER_KEY, later ? '1' : null),
};

let askingUpdates = false;
function askForOrderUpdates() {
  if (askingUpdates || updatesLater.get() || authorizer.consentState('NOTIFICATION_INBOX') !== 'unknown') return;
  if (authorizer.session()?.scopes.includes('NOTIFICATION_INBOX')) return;
  askingUpdates = true;
  authorizer
    .authorize('NOTIFICATION_INBOX')
    .then(
      () => toast(t('updates.on')),
      (error) => {
        // "Not now" on the sheet, a refusal in the wallet, or its page closed: the cart's button is
        // the way back (the developer panel tells the three apart).
        if (error?.code === 'USER_CANCELLED' || isConsentDismissed(error) || isWalletClosed(error)) {
          updatesLater.set(true);
          toast(t('updates.later'));
        }
      },
    )
    .finally(() => {
      askingUpdates = false;
    });
}

function addToCart(id) {
  cart.set(id, Math.min((cart.get(id) ?? 0) + 1, 99));
  saveCart();
  renderCart();
  toast(t('shop.added', { name: productName(id) }));
  askForOrderUpdates();
}

// ---------------------------------------------------------------------------------------------
// Profile (behind <auth-gate scopes="USER_NAME USER_AVATAR">)

let profile = { state: 'idle', me: null, for: null };

/**
 * The profile from the backend, for this session: the wallet's user info narrowed to the session's
 * scopes (a session after a sign-out covers only what was allowed since).
 */
async function loadProfile() {
  const id = sessionId();
  const key = id;
  if (!id || profile.for === key) return;
  profile = { state: 'loading', me: null, for: key };
  renderProfile();
  try {
    const response = await fetch('/api/auth/me', { headers: { Authorization: `Bearer ${id}` }, cache: 'no-store' });
    const body = await response.json().catch(() => null);
    if (profile.for !== key) return;
    if (!response.ok || !body || typeof body !== 'object') throw new Error(body?.error?.code ?? `HTTP ${response.status}`);
    profile = { state: 'ready', me: body, for: key };
  } catch (error) {
    if (profile.for !== key) return;
    profile = { state: 'failed', me: null, for: key };
    devNote(`GET /api/auth/me failed: ${error.message}`);
  }
  renderProfile();
}

/**
 * A name and avatar from the backend's answer (`{ customerId, scopes, user }`, `user` the wallet's user
 * info): shown as text, the avatar only when it is an image of this origin (the simulated wallet's).
 */
function profileOf(me) {
  const user = (me && typeof me.user === 'object' && me.user) || {};
  const name = [user.userName?.fullName, user.nickName].find((v) => typeof v === 'string' && v.trim());
  const avatar = [user.avatar].find((v) => typeof v === 'string' && /^\/(?!\/)[\w./-]*$/.test(v) && !v.split('/').includes('..'));
  return { name: name?.trim() ?? null, avatar: avatar ?? null };
}

function renderProfile() {
  const session = authorizer.session();
  const me = profile.me;
  const { name, avatar } = profileOf(me);
  const tail = customerTail(session) ?? (typeof me?.customerId === 'string' ? me.customerId.slice(-4) : '');
  const shownName = name ?? t('me.noName', { id: formatDigits(tail) });
  $('profile-name').textContent = shownName;
  const note = $('profile-note');
  note.hidden = Boolean(name) || profile.state !== 'ready';
  note.textContent = t('me.noNameNote');

  const avatarNode = $('profile-avatar');
  if (avatar) avatarNode.replaceChildren(el('img', { src: avatar, alt: '' }));
  else avatarNode.replaceChildren(el('span', {}, [initials(name) ?? formatDigits(tail.slice(-2))]));

  $('profile-customer').textContent = formatDigits(me?.customerId ?? session?.data?.customerId ?? '—');
  const expiresAt = me?.expiresAt ?? session?.expiresAt;
  $('profile-expiry').textContent = typeof expiresAt === 'number' ? formatDate(expiresAt) : '—';

  // The current grant, as Permissions below shows it: never the backend's memory of earlier grants.
  $('profile-scopes').replaceChildren(...sharedPermissions(authorizer).map(({ key }) => el('li', { class: 'chip' }, [t(key)])));

  const status = $('profile-status');
  status.textContent = profile.state === 'loading' ? t('me.loading') : profile.state === 'failed' ? t('me.loadFailed') : '';
}

function initials(name) {
  if (!name) return null;
  const parts = name.split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((p) => p[0]).join('').toUpperCase() || null;
}

// ---------------------------------------------------------------------------------------------
// Permissions (the kit's consent record, in plain words; the scope codes are in the developer panel)

function renderPermissions() {
  $('permissions').replaceChildren(
    ...PERMISSIONS.map(({ key, scopes }) => {
      const state = permissionState(authorizer, scopes);
      return el('li', { class: 'permission' }, [
        el('span', { class: 'permission-name' }, [t(key), el('small', {}, [t(`${key}.use`)])]),
        el('span', { class: `pill pill-${state}` }, [t(`perm.${state}`)]),
      ]);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Sign out

/** Ends a backend session (best effort: the kit's record is what the page shows). */
function endBackendSession(id) {
  if (!id) return null;
  return fetch('/api/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${id}` } }).then(
    (response) => response.ok || devNote(`POST /api/auth/logout answered HTTP ${response.status}`),
    (error) => devNote(`POST /api/auth/logout failed: ${error.message}`),
  );
}

// Every grant exchanges a new code and opens a new backend session, which the kit keeps in place of
// the one before, and a sign-out leaves none: the session the kit no longer holds is ended at once.
let backendSession = sessionId();
let ending = null;
authorizer.subscribe((event) => {
  if (event.type !== 'session') return;
  const next = sessionId();
  if (backendSession && next !== backendSession) ending = endBackendSession(backendSession);
  backendSession = next;
});

async function signOut() {
  // The kit's sign-out announces that it holds no session: the subscriber above ends the backend's.
  await authorizer.signOut();
  await ending;
  // Demo convenience: the simulated wallet forgets the grants as well, so the walk-through starts over.
  // A real wallet keeps them until the user revokes them in its settings.
  forgetGrants();
  devNote('Signed out: kit session and consent record cleared, backend session ended; the simulated wallet forgot its grants (demo only).');
  toast(t('me.signedOut'));
}

/** Signed out, here or in another tab: every page shows it (the kit told its subscribers). */
function signedOut() {
  profile = { state: 'idle', me: null, for: null };
  signin = { state: 'signed-out', error: null };
  updatesLater.set(false);
  renderAll();
}

/** Me's last card: "Sign out" while there is a session, else "Sign in" (never a sign-out that does nothing). */
function renderAccount() {
  const session = authorizer.session();
  $('sign-out').hidden = !session;
  $('signout-text').textContent = t(session ? 'me.signOutText' : 'me.signedOutText');
  $('account-sign-in').hidden = Boolean(session) || signin.state === 'pending';
}

// ---------------------------------------------------------------------------------------------
// In-app navigation (history API: an in-app navigation is also an engagement signal for the kit)

const ROUTES = ['/', '/cart', '/me'];
const TAB_ROUTES = ROUTES;

function currentRoute() {
  return ROUTES.includes(location.pathname) ? location.pathname : '/';
}

function renderRoute({ focus = false } = {}) {
  const route = currentRoute();
  // A toast was about the page the user leaves.
  if (focus) clearToast();
  for (const page of document.querySelectorAll('.page')) page.hidden = page.dataset.route !== route;
  for (const tab of document.querySelectorAll('[data-tab]')) {
    if (tab.dataset.tab === route) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  // Shop, Cart and Me are tabs: a tab page has no back arrow (the wallet draws one on pages opened on top).
  $('wallet-back').hidden = TAB_ROUTES.includes(route);
  if (focus) {
    $('pages').scrollTop = 0;
    $('miniapp').scrollTop = 0;
    document.querySelector(`.page[data-route="${route}"] h2`)?.focus({ preventScroll: true });
  }
  if (route === '/me' && authorizer.session()?.scopes.includes('USER_NAME')) void loadProfile();
}

function navigate(path) {
  if (path === location.pathname) return;
  history.pushState({ inApp: true }, '', path);
  renderRoute({ focus: true });
}

// ---------------------------------------------------------------------------------------------
// Wiring

function renderAll() {
  // The switch is labelled in the language it switches to.
  $('lang-switch').querySelector('span').lang = getLang() === 'ar' ? 'en' : 'ar';
  renderSignin();
  renderCatalogue();
  renderCart();
  renderProfile();
  renderPermissions();
  renderAccount();
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest('a[data-link]');
  if (link && !event.defaultPrevented && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey) {
    event.preventDefault();
    navigate(new URL(link.href).pathname);
    return;
  }
  const add = target?.closest('[data-add]');
  if (add) return addToCart(add.dataset.add);
  const remove = target?.closest('[data-remove]');
  if (remove) {
    cart.delete(remove.dataset.remove);
    saveCart();
    renderCart();
  }
});

window.addEventListener('popstate', () => renderRoute({ focus: true }));

$('wallet-back').addEventListener('click', () => {
  if (history.state?.inApp) history.back();
  else navigate('/');
});
// A relaunch starts the miniapp afresh, on its first page (as the wallet does), not where it was.
$('capsule-relaunch').addEventListener('click', () => location.replace('/'));
$('lang-switch').addEventListener('click', () => setLang(getLang() === 'ar' ? 'en' : 'ar'));
$('signin-retry').addEventListener('click', () => void silentLogin());
$('account-sign-in').addEventListener('click', () => void silentLogin());
$('sign-out').addEventListener('click', () => void signOut());
$('place-order').addEventListener('click', () => {
  if (!hasContact()) return;
  cart.clear();
  saveCart();
  renderCart();
  toast(t('cart.placed'));
});

// Consent outcomes the page reacts to (the elements show their own states).
document.addEventListener('consent-authorized', () => {
  if (currentRoute() === '/me') void loadProfile();
});

authorizer.subscribe((event) => {
  if (event.type === 'signed-out') return signedOut();
  if (event.type === 'session' || event.type === 'consent') {
    renderPermissions();
    if (event.type === 'session' && event.session?.scopes.includes('USER_NAME') && currentRoute() === '/me') void loadProfile();
    renderProfile();
    if (event.type === 'session' && event.session) signin = { state: 'signed-in', error: null };
    if (event.type === 'consent' && event.scope === 'NOTIFICATION_INBOX' && event.state === 'granted') updatesLater.set(false);
    renderSignin();
    renderCart();
    renderAccount();
  }
});

// Another tab of the miniapp changed the wallet's storage (a sign-out, a grant): the kit takes it
// up at its next look, and tells its subscribers what changed.
onOtherTab(() => {
  authorizer.session();
  renderAll();
});

onLangChange(() => {
  // A toast written in the other language goes.
  clearToast();
  renderAll();
});

applyLang();
renderAll();
renderRoute();
void silentLogin();
