/**
 * Me: name and photo behind a <consent-button> in an <auth-gate> (deny once, then tap again), the
 * profile read from the backend (`GET /api/auth/me`, with the backend's own session id, never a
 * wallet token), the consent record, the language switch and, while signed in, sign-out (never a
 * sign-out that does nothing).
 */
import { withAuthorization } from 'miniapp-auth-kit/dist/miniprogram/index';
import { liveView } from '../../lib/live-page';
import { config } from '../../config';
import { forgetOrderUpdatesAnswer } from '../../lib/order-updates';
import { request } from '../../lib/request';
import { state, update } from '../../lib/store';
import { t } from '../../lib/texts';

const PERMISSIONS = [
  { key: 'perm.account', scopes: ['auth_base'] },
  { key: 'perm.profile', scopes: ['USER_NAME', 'USER_AVATAR'] },
  { key: 'perm.contact', scopes: ['USER_CONTACTINFO'] },
  { key: 'perm.updates', scopes: ['NOTIFICATION_INBOX'] },
];

const TEXTS = {
  profileTitle: 'me.profileTitle',
  profileText: 'me.profileText',
  profileButton: 'me.profileButton',
  profileRationale: 'me.profileRationale',
  customer: 'me.customer',
  permissions: 'me.permissions',
  language: 'me.language',
  signOut: 'me.signOut',
};

function sessionIdOf(session) {
  return session && session.data && typeof session.data.sessionId === 'string' ? session.data.sessionId : null;
}

function permissionState(authorizer, scopes) {
  const session = authorizer.session();
  if (scopes[0] === 'auth_base') return session ? 'granted' : 'unknown';
  const states = scopes.map((s) => authorizer.consentState(s));
  if (states.indexOf('denied') >= 0) return 'denied';
  return states.every((s) => s === 'granted') ? 'granted' : 'unknown';
}

/** An avatar the backend gives as a path of its own origin becomes an absolute URL. */
function avatarUrl(value) {
  if (typeof value !== 'string') return '';
  if (value.indexOf('https://') === 0) return value;
  return value.charAt(0) === '/' && value.charAt(1) !== '/' ? config.backendUrl + value : '';
}

// withAuthorization: the page's taps (and its load on top of another page) mark the user engaged.
Page(
  withAuthorization(liveView(TEXTS, {
    data: {
      profile: { name: '', initials: '', avatar: '', customerId: '', status: '' },
      permissions: [],
      signedIn: false,
    },

    onLoad() {
      this.me = { for: null, state: 'idle', body: null };
    },

    view(lang) {
      const authorizer = getApp().authorizer;
      const session = authorizer.session();
      if (session && session.scopes.indexOf('USER_NAME') >= 0) this.loadProfile(sessionIdOf(session));
      return {
        profile: this.profileView(lang, session),
        permissions: PERMISSIONS.map((p) => {
          const s = permissionState(authorizer, p.scopes);
          return { key: p.key, label: t(lang, p.key), state: s, stateText: t(lang, `perm.${s}`) };
        }),
        signedIn: session !== null,
      };
    },

    profileView(lang, session) {
      const body = this.me.body || {};
      // `user` is the wallet's user info, narrowed by the backend to what this session was allowed.
      const user = (body.user && typeof body.user === 'object' && body.user) || {};
      const customerId = body.customerId || (session && session.data && session.data.customerId) || '';
      const own = user.userName && typeof user.userName.fullName === 'string' ? user.userName.fullName.trim() : '';
      const name = own || (customerId ? `···${customerId.slice(-4)}` : '');
      const initials = own ? own.split(/\s+/).slice(0, 2).map((word) => word.charAt(0).toUpperCase()).join('') : '';
      const status = this.me.state === 'loading' ? t(lang, 'me.loading') : this.me.state === 'failed' ? t(lang, 'me.loadFailed') : '';
      return { name, initials, avatar: avatarUrl(user.avatar), customerId, status };
    },

    /** `GET /api/auth/me` once per backend session: the profile the wallet shared with the backend. */
    loadProfile(sessionId) {
      if (!sessionId || this.me.for === sessionId) return;
      this.me = { for: sessionId, state: 'loading', body: null };
      request(`${config.backendUrl}/api/auth/me`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(
        (res) => {
          if (this.me.for !== sessionId) return;
          this.me = res.status === 200 && res.data && typeof res.data === 'object' ? { for: sessionId, state: 'ready', body: res.data } : { for: sessionId, state: 'failed', body: null };
          this.render();
        },
        () => {
          if (this.me.for !== sessionId) return;
          this.me = { for: sessionId, state: 'failed', body: null };
          this.render();
        },
      );
    },

    onSwitchLang() {
      update({ lang: state.lang === 'ar' ? 'en' : 'ar' });
    },

    onSignOut() {
      const app = getApp();
      const sessionId = sessionIdOf(app.authorizer.session());
      // The backend forgets its session too (best effort: the kit's record is what the pages use).
      if (sessionId) request(`${config.backendUrl}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${sessionId}` } }).catch(() => undefined);
      // Demo only: the stand-in wallet forgets what was allowed, so the walk-through starts over.
      if (app.wallet) app.wallet.forget();
      forgetOrderUpdatesAnswer();
      this.me = { for: null, state: 'idle', body: null };
      return Promise.resolve(app.authorizer.signOut()).then(() => {
        update({ signin: { state: 'signed-out', error: null } });
        my.showToast({ content: t(state.lang, 'me.signedOut'), type: 'none' });
      });
    },
  })),
);
