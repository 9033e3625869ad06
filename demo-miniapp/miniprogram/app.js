/**
 * Tigris Market as an Alipay+ DSL mini program. The app creates the authorizer, hands it to the
 * kit's components (`provideAuthorizer`), and signs in silently at launch: `auth_base` is a
 * silent scope, the only kind a first screen may use (never from onShow, which repeats).
 */
import { createAuthorizer, httpSubmitter, provideAuthorizer } from 'miniapp-auth-kit/dist/miniprogram/index';
import { config } from './config';
import { createDevWallet } from './lib/dev-wallet';
import { update } from './lib/store';

/**
 * The kit's httpSubmitter, sending the backend session a grant adds to (`Authorization: Bearer`), so
 * that the new session covers the earlier one's scopes too. One submitter per session: a code sent
 * again keeps its Idempotency-Key.
 */
const submitters = new Map();
function submitterFor(sessionId) {
  let submit = submitters.get(sessionId);
  if (!submit) {
    const headers = sessionId ? { Authorization: `Bearer ${sessionId}` } : {};
    submit = httpSubmitter({ url: `${config.backendUrl}/api/auth/session`, headers });
    submitters.set(sessionId, submit);
    if (submitters.size > 4) submitters.delete(submitters.keys().next().value);
  }
  return submit;
}

App({
  authorizer: null,
  wallet: null,

  onLaunch() {
    const options = {
      // The kit posts { authCode, scopes } with my.request; the page only ever gets the backend's session.
      submit: (authCode, context) => {
        const session = this.authorizer.session();
        const sessionId = session && session.data && typeof session.data.sessionId === 'string' ? session.data.sessionId : null;
        return submitterFor(sessionId)(authCode, context);
      },
      timeoutMs: 20000,
    };
    if (config.simulatedWallet) {
      this.wallet = createDevWallet(config.backendUrl);
      options.host = this.wallet;
    }
    this.authorizer = createAuthorizer(options);
    provideAuthorizer(this.authorizer);
    this.signIn();
  },

  signIn() {
    update({ signin: { state: 'pending', error: null } });
    return this.authorizer.authorize('auth_base').then(
      () => update({ signin: { state: 'signed-in', error: null } }),
      // The page says which side failed from the AuthError (story.js signinFailure).
      (error) => update({ signin: { state: 'failed', error } }),
    );
  },
});
