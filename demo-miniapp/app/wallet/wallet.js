/**
 * The simulated SuperQi wallet of the demo. In a real SuperQi miniapp the wallet's hylid-bridge script
 * puts `my` into the page; here `miniapp-auth-kit/testing`'s wallet simulator does, before the miniapp
 * creates its authorizer:
 *
 * - `my.getAuthCode`: silent scopes are answered silently; consent scopes open the wallet's OWN consent
 *   page, drawn below (a bottom sheet in the wallet's look, not the miniapp's);
 * - codes are real: the simulator asks the demo's wallet OpenAPI (`POST /sim/codes`) for each one, and
 *   the merchant backend later exchanges it there with a signed applyToken;
 * - `my.getStorageSync`/`setStorageSync`: the wallet's storage for this miniapp, kept in localStorage
 *   so that a relaunch finds it (as a real wallet keeps it), and shared with the miniapp's other
 *   tabs (one wallet, one storage);
 * - what the user allowed, kept in localStorage too: a relaunch (or another tab) finds the wallet's
 *   grants as the page shows them;
 * - a developer panel: answer consent pages automatically, make the next call fail in any of the
 *   platform's ways, spoil the next code on the backend side, watch every wallet call.
 */
import { createWalletSimulator } from '/kit/testing.js';

const MINIPROGRAM = { name: { en: 'Tigris Market', ar: 'سوق دجلة' }, logo: '/img/logo.svg' };
const STORAGE_KEY = 'superqi-sim:storage';
const GRANTS_KEY = 'superqi-sim:grants';
const CUSTOMER_KEY = 'superqi-sim:customer-id';

// ---------------------------------------------------------------------------------------------
// The wallet's user and storage survive a relaunch

function readJson(key) {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? 'null');
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function walletCustomerId() {
  let id = null;
  try {
    id = localStorage.getItem(CUSTOMER_KEY);
  } catch {
    // private mode
  }
  if (!id || !/^\d{20}$/.test(id)) {
    const digits = crypto.getRandomValues(new Uint32Array(1))[0] % 10_000;
    id = `1000001119398804${String(digits).padStart(4, '0')}`;
    try {
      localStorage.setItem(CUSTOMER_KEY, id);
    } catch {
      // private mode
    }
  }
  return id;
}

/** Codes come from the wallet OpenAPI simulator, so that the backend's applyToken accepts them. */
async function issueCode(scopes, customerId) {
  const response = await fetch('/sim/codes', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scopes, customerId }),
    cache: 'no-store',
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || typeof body?.authCode !== 'string') throw new Error(`the wallet could not issue a code (HTTP ${response.status})`);
  return body.authCode;
}

/** What the wallet's storage held (string values only). */
function storedStorage() {
  return Object.fromEntries(Object.entries(readJson(STORAGE_KEY) ?? {}).filter(([, v]) => typeof v === 'string'));
}

/** The scopes the wallet remembers as granted (well-formed names only). */
function storedGrants() {
  try {
    const list = JSON.parse(localStorage.getItem(GRANTS_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((s) => typeof s === 'string' && /^\w{1,64}$/.test(s) && s !== '__proto__') : [];
  } catch {
    return [];
  }
}

export const sim = createWalletSimulator({
  user: 'manual',
  customerId: walletCustomerId(),
  issueCode,
  storage: storedStorage(),
  grants: storedGrants(),
});

/** Keeps the grants where a relaunch and the other tabs find them (when they changed). */
let savedGrants = JSON.stringify([...sim.grants].sort());
function persistGrants() {
  const now = JSON.stringify([...sim.grants].sort());
  if (now === savedGrants) return;
  savedGrants = now;
  try {
    localStorage.setItem(GRANTS_KEY, now);
  } catch {
    // private mode: the grants last for this page only
  }
}

const my = sim.my;

// `my.setStorageSync` persists, as in the wallet app.
const setStorage = my.setStorageSync;
const removeStorage = my.removeStorageSync;
function persistStorage() {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(sim.storage)));
  } catch {
    // private mode: the wallet's storage lasts for this page only
  }
}
my.setStorageSync = (options) => {
  setStorage(options);
  persistStorage();
};
my.removeStorageSync = (options) => {
  removeStorage(options);
  persistStorage();
};

// ---------------------------------------------------------------------------------------------
// Faults armed in the developer panel are handed to the simulator when the call comes in (so a
// denial can name the scopes of that call), and every call is shown in the panel's log.

/** @type {string | null} */
let armedFault = null;
let armedLabel = '';
/** Who answers consent pages: 'manual' (the wallet's page below) or a scripted user. */
let userMode = 'manual';

function faultFor(name, scopes) {
  if (name.startsWith('error:')) return { error: Number(name.slice(6)), errorMessage: 'simulated error' };
  if (name === 'denial') {
    const list = Array.isArray(scopes) && scopes.length ? scopes : ['auth_base'];
    return { authErrorScopes: Object.fromEntries(list.map((s) => [String(s), '10001'])) };
  }
  return name; // 'hang' | 'double' | 'throw' | 'empty' | 'failed-spelling' | 'complete-only'
}

const getAuthCode = my.getAuthCode;
my.getAuthCode = function getAuthCodeWithPanel(call) {
  if (armedFault) {
    sim.failNext(faultFor(armedFault, call?.scopes));
    armedFault = null;
    renderPanel();
  }
  const observed = call && typeof call === 'object' ? { ...call } : call;
  if (observed && typeof observed === 'object') {
    for (const name of ['success', 'fail', 'failed', 'complete']) {
      const callback = call[name];
      if (typeof callback !== 'function') continue;
      observed[name] = (result) => {
        try {
          return callback(result);
        } finally {
          scheduleLog();
        }
      };
    }
  }
  try {
    return getAuthCode(observed);
  } finally {
    scheduleLog();
  }
};

// Like hylid-bridge: `my` is in the page before the miniapp's own code runs.
globalThis.my = my;

/** Demo sign-out: the wallet forgets what the user allowed (a real one keeps it until revoked). */
export function forgetGrants() {
  sim.revoke();
  persistGrants();
  renderPanel();
}

// One wallet for every tab of the miniapp: what another tab stored or was granted is taken up here.
const otherTabListeners = new Set();
window.addEventListener('storage', (event) => {
  if (event.key !== STORAGE_KEY && event.key !== GRANTS_KEY && event.key !== null) return;
  const stored = storedStorage();
  for (const key of [...sim.storage.keys()]) if (!(key in stored)) removeStorage({ key });
  for (const [key, data] of Object.entries(stored)) if (sim.storage.get(key) !== data) setStorage({ key, data });
  sim.revoke();
  sim.grant(storedGrants());
  savedGrants = JSON.stringify([...sim.grants].sort());
  renderPanel();
  for (const listener of [...otherTabListeners]) listener();
});

/** `listener()` after another tab changed the wallet's storage or grants (already taken up here). */
export function onOtherTab(listener) {
  otherTabListeners.add(listener);
  return () => otherTabListeners.delete(listener);
}

// ---------------------------------------------------------------------------------------------
// The wallet's consent page

const WALLET_TEXT = {
  en: {
    brand: 'SuperQi',
    simulated: 'Simulated wallet',
    title: 'Authorize {app}?',
    subtitle: 'Mini program',
    asks: '{app} would like to:',
    silent: 'It also gets your wallet user ID, which needs no approval.',
    fine: 'You can change this later in SuperQi › Settings › Authorized mini programs.',
    allow: 'Allow',
    deny: 'Deny',
    close: 'Close',
  },
  ar: {
    brand: 'SuperQi',
    simulated: 'محفظة محاكاة',
    title: 'هل تفوّض {app}؟',
    subtitle: 'برنامج مصغّر',
    asks: 'يرغب {app} في:',
    silent: 'سيحصل أيضًا على معرّف المستخدم في محفظتك، ولا يحتاج ذلك إلى موافقة.',
    fine: 'يمكنك تغيير ذلك لاحقًا من SuperQi › الإعدادات › البرامج المصغّرة المفوّضة.',
    allow: 'سماح',
    deny: 'رفض',
    close: 'إغلاق',
  },
};

/** What the wallet says for each scope (PLATFORM.md's scope table, in the user's words). */
const SCOPE_WORDS = {
  en: {
    auth_base: 'Know your wallet user ID',
    USER_ID: 'Know your wallet user ID',
    USER_LOGIN_ID: 'Know your login ID',
    HASH_LOGIN_ID: 'Know a hashed form of your login ID',
    auth_user: 'Get your basic profile',
    USER_NAME: 'Get your name',
    USER_AVATAR: 'Get your profile photo',
    USER_GENDER: 'Get your gender',
    USER_BIRTHDAY: 'Get your date of birth',
    USER_NATIONALITY: 'Get your nationality',
    // What this wallet's inquiryUserInfo gives for the scope (the demo's OpenAPI: the mobile number).
    USER_CONTACTINFO: 'Get your mobile phone number',
    NOTIFICATION_INBOX: 'Send messages to your wallet inbox',
    AGREEMENT_PAY: 'Take payments automatically from your balance or card',
    CARD_LIST: 'See your linked cards',
  },
  ar: {
    auth_base: 'معرفة معرّف المستخدم في محفظتك',
    USER_ID: 'معرفة معرّف المستخدم في محفظتك',
    USER_LOGIN_ID: 'معرفة معرّف تسجيل الدخول',
    HASH_LOGIN_ID: 'معرفة صيغة مشفّرة من معرّف تسجيل الدخول',
    auth_user: 'الحصول على ملفك الأساسي',
    USER_NAME: 'الحصول على اسمك',
    USER_AVATAR: 'الحصول على صورتك الشخصية',
    USER_GENDER: 'الحصول على جنسك',
    USER_BIRTHDAY: 'الحصول على تاريخ ميلادك',
    USER_NATIONALITY: 'الحصول على جنسيتك',
    USER_CONTACTINFO: 'الحصول على رقم هاتفك المحمول',
    NOTIFICATION_INBOX: 'إرسال رسائل إلى صندوق رسائل محفظتك',
    AGREEMENT_PAY: 'خصم المدفوعات تلقائيًا من رصيدك أو بطاقتك',
    CARD_LIST: 'الاطلاع على بطاقاتك المرتبطة',
  },
};

const SCOPE_ICONS = {
  USER_NAME: 'M12 12a4 4 0 100-8 4 4 0 000 8zM4.5 20c1.2-3.7 4-5.5 7.5-5.5s6.3 1.8 7.5 5.5',
  USER_AVATAR: 'M4 6.5A2.5 2.5 0 016.5 4h11A2.5 2.5 0 0120 6.5v11a2.5 2.5 0 01-2.5 2.5h-11A2.5 2.5 0 014 17.5zM8 17l3.5-4 2.5 3 1.5-1.5L18 17M9 9.5a1 1 0 100 .01',
  USER_CONTACTINFO: 'M6.5 4h3l1.5 4-2 1.3a11 11 0 005.7 5.7l1.3-2 4 1.5v3a2 2 0 01-2 2A15.5 15.5 0 014.5 6a2 2 0 012-2z',
  NOTIFICATION_INBOX: 'M6 16V11a6 6 0 0112 0v5l1.5 2h-15zM10 20.5a2 2 0 004 0',
};
const DEFAULT_ICON = 'M12 3l7 3v5c0 4.4-3 8.3-7 9.5C8 19.3 5 15.4 5 11V6l7-3z';

const SILENT = new Set(['auth_base', 'USER_ID', 'USER_LOGIN_ID', 'HASH_LOGIN_ID']);

function walletLang() {
  return document.documentElement.lang === 'ar' ? 'ar' : 'en';
}

function say(key, lang) {
  return WALLET_TEXT[lang][key].replace('{app}', MINIPROGRAM.name[lang]);
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function icon(path, className) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  if (className) svg.setAttribute('class', className);
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

function node(tag, className, children = [], attrs = {}) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  for (const c of children) n.append(c);
  return n;
}

const queue = [];
let current = null;
let returnFocus = null;

function layer() {
  return document.getElementById('wallet-layer');
}

function buildSheet(request) {
  const lang = walletLang();
  const scopes = request.consentScopes;
  const words = SCOPE_WORDS[lang];
  const allow = node('button', 'wallet-allow', [say('allow', lang)], { type: 'button' });
  const deny = node('button', 'wallet-deny', [say('deny', lang)], { type: 'button' });
  const close = node('button', 'wallet-close', [icon('M6 6l12 12M18 6L6 18')], { type: 'button', 'aria-label': say('close', lang) });
  allow.addEventListener('click', () => answer(request, 'allow'));
  deny.addEventListener('click', () => answer(request, 'deny'));
  close.addEventListener('click', () => answer(request, 'dismiss'));

  const list = node(
    'ul',
    'wallet-scopes',
    scopes.map((scope) =>
      node('li', '', [
        node('span', 'wallet-scope-icon', [icon(SCOPE_ICONS[scope] ?? DEFAULT_ICON)]),
        node('span', 'wallet-scope-text', [
          node('span', '', [words[scope] ?? scope]),
          node('code', '', [scope], { dir: 'ltr' }),
        ]),
      ]),
    ),
  );
  const ridesAlong = request.scopes.some((s) => SILENT.has(s));
  const logo = node('img', '', [], { src: MINIPROGRAM.logo, alt: '', width: '44', height: '44' });

  const sheet = node(
    'section',
    'wallet-sheet',
    [
      node('div', 'wallet-sheet-brand', [
        node('span', 'wallet-brand-mark', [icon('M4 7.5A2.5 2.5 0 016.5 5h11A2.5 2.5 0 0120 7.5v9a2.5 2.5 0 01-2.5 2.5h-11A2.5 2.5 0 014 16.5zM15 12h5')], {
          'aria-hidden': 'true',
        }),
        node('span', 'wallet-brand-name', [say('brand', lang)]),
        node('span', 'wallet-brand-tag', [say('simulated', lang)]),
        close,
      ]),
      node('div', 'wallet-sheet-body', [
        node('div', 'wallet-app', [
          logo,
          node('div', '', [node('h2', 'wallet-sheet-title', [say('title', lang)], { id: `wallet-sheet-title-${request.id}` }), node('p', '', [say('subtitle', lang)])]),
        ]),
        node('p', 'wallet-asks', [say('asks', lang)]),
        list,
        ...(ridesAlong ? [node('p', 'wallet-silent', [say('silent', lang)])] : []),
        node('p', 'wallet-fine', [say('fine', lang)]),
        node('div', 'wallet-actions', [deny, allow]),
      ]),
    ],
    { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': `wallet-sheet-title-${request.id}`, tabindex: '-1', lang, dir: lang === 'ar' ? 'rtl' : 'ltr' },
  );
  return { sheet, allow, deny, close };
}

function show(request) {
  current = request;
  const target = layer();
  const built = buildSheet(request);
  current.view = built;
  target.replaceChildren(node('div', 'wallet-scrim'), built.sheet);
  target.querySelector('.wallet-scrim').addEventListener('click', () => answer(request, 'dismiss'));
  target.hidden = false;
  // The miniapp under the wallet's page cannot be used meanwhile.
  for (const id of ['miniapp', 'devpanel']) document.getElementById(id)?.setAttribute('inert', '');
  document.querySelector('.tabbar')?.setAttribute('inert', '');
  document.querySelector('consent-prompt')?.setAttribute('inert', '');
  returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  built.sheet.focus();
  document.addEventListener('keydown', onKeyDown, true);
}

function hide() {
  const target = layer();
  target.hidden = true;
  target.replaceChildren();
  current = null;
  for (const id of ['miniapp', 'devpanel']) document.getElementById(id)?.removeAttribute('inert');
  document.querySelector('.tabbar')?.removeAttribute('inert');
  document.querySelector('consent-prompt')?.removeAttribute('inert');
  document.removeEventListener('keydown', onKeyDown, true);
  const back = returnFocus;
  returnFocus = null;
  if (back?.isConnected) back.focus({ preventScroll: true });
}

function answer(request, choice) {
  if (current !== request) return;
  hide();
  request.answer(choice);
  const next = queue.shift();
  if (next && !next.answered) show(next);
  renderPanel();
}

function onKeyDown(event) {
  if (!current) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    answer(current, 'dismiss');
    return;
  }
  if (event.key !== 'Tab') return;
  const items = [current.view.close, current.view.deny, current.view.allow];
  const i = items.indexOf(document.activeElement);
  event.preventDefault();
  const next = event.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i + 1) % items.length;
  items[next].focus();
}

sim.onPrompt((request) => {
  scheduleLog();
  // A scripted user (developer panel) answers by itself: draw nothing.
  if (userMode !== 'manual') return;
  if (current) queue.push(request);
  else show(request);
});

// ---------------------------------------------------------------------------------------------
// The developer panel

let logScheduled = false;

function scheduleLog() {
  if (logScheduled) return;
  logScheduled = true;
  setTimeout(() => {
    logScheduled = false;
    renderPanel();
  }, 0);
}

const OUTCOME_WORDS = {
  granted: 'granted',
  partial: 'partly granted',
  denied: 'denied',
  dismissed: 'closed without a choice',
  fault: 'failed (injected)',
};

function renderPanel() {
  // Every wallet call that changed the grants ends here: keep them for a relaunch.
  persistGrants();
  const log = document.getElementById('wallet-log');
  if (!log) return;
  const items = sim.calls.map((call, i) =>
    node('li', '', [
      node('span', 'dev-log-n', [`#${i + 1}`]),
      node('code', '', [call.scopes.join(' ')]),
      node('span', 'dev-log-meta', [
        node('span', `dev-log-kind ${call.prompted ? 'prompted' : 'silent'}`, [call.prompted ? 'consent page' : 'silent']),
        node('span', 'dev-log-outcome', [call.outcome ? OUTCOME_WORDS[call.outcome] ?? call.outcome : current && call.prompted ? 'waiting for the user' : 'pending']),
      ]),
    ]),
  );
  log.replaceChildren(...(items.length ? items.reverse() : [node('li', 'dev-empty', ['No call yet.'])]));
  document.getElementById('wallet-fault-state').textContent = armedFault ? `Armed: ${armedLabel}. It fires on the next call.` : 'Nothing armed.';
  const grants = [...sim.grants];
  document.getElementById('wallet-grants').textContent = grants.length
    ? `The wallet remembers: ${grants.join(', ')} (asked again without a page).`
    : 'The wallet remembers no grant.';
}

/** Calls to the fault switch overlap (opening the panel reads it while Arm writes it): the latest call's answer is shown. */
let backendFaultCall = 0;

async function backendFault(fault) {
  const state = document.getElementById('backend-fault-state');
  const call = ++backendFaultCall;
  const show = (text) => {
    if (call === backendFaultCall) state.textContent = text;
  };
  try {
    const response = await fetch('/sim/faults', {
      method: fault === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(fault === undefined ? {} : { body: JSON.stringify({ fault }) }),
      cache: 'no-store',
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
    show(body.armed ? `Armed: ${body.armed}. It hits the next code exchange.` : body.available?.length ? 'Nothing armed.' : 'Not available (a real wallet OpenAPI is configured).');
  } catch (error) {
    show(`Could not reach the fault switch: ${error.message}`);
  }
}

/**
 * Beside the phone on a wide screen (open, foldable); on a phone a sheet over the miniapp, opened
 * from the capsule's •••, over a backdrop: the backdrop, the header and Escape close it, and the
 * miniapp under it is inert meanwhile.
 */
function wirePanelSheet(panel, more) {
  const wide = matchMedia('(min-width: 900px)');
  const scrim = document.getElementById('devpanel-scrim');
  const phone = document.getElementById('phone');
  if (wide.matches) panel.open = true;
  const sync = () => {
    const modal = panel.open && !wide.matches;
    more?.setAttribute('aria-expanded', String(panel.open));
    if (scrim) scrim.hidden = !modal;
    if (phone) phone.inert = modal;
  };
  panel.addEventListener('toggle', () => {
    sync();
    if (panel.open) void backendFault(undefined);
    else if (!wide.matches && panel.contains(document.activeElement)) more?.focus();
  });
  wide.addEventListener('change', sync);
  sync();
  more?.addEventListener('click', () => {
    panel.open = !panel.open;
    if (panel.open) panel.querySelector('summary')?.focus();
  });
  scrim?.addEventListener('click', () => {
    panel.open = false;
    more?.focus();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !panel.open || wide.matches || current) return;
    panel.open = false;
    more?.focus();
  });
}

function wirePanel() {
  const panel = document.getElementById('devpanel');
  const more = document.getElementById('capsule-more');
  if (!panel) return;
  wirePanelSheet(panel, more);
  for (const radio of panel.querySelectorAll('input[name="wallet-user"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      userMode = radio.value;
      sim.setUser(userMode);
      // A page open now is answered as the new user would.
      if (userMode !== 'manual' && current) answer(current, userMode);
    });
  }
  const select = document.getElementById('wallet-fault');
  document.getElementById('wallet-fault-arm').addEventListener('click', () => {
    armedFault = select.value;
    armedLabel = select.selectedOptions[0]?.textContent ?? select.value;
    renderPanel();
  });
  const backendSelect = document.getElementById('backend-fault');
  document.getElementById('backend-fault-arm').addEventListener('click', () => void backendFault(backendSelect.value));
  document.getElementById('wallet-forget').addEventListener('click', () => forgetGrants());
  renderPanel();
  // The backend's fault is used up by a code exchange: show it when the panel is looked at again.
  panel.addEventListener('pointerenter', () => void backendFault(undefined));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wirePanel, { once: true });
else wirePanel();
