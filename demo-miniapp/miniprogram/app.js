/**
 * Tigris Market as an Alipay+ DSL mini program. The app creates the authorizer, hands it to the
 * kit's components (`provideAuthorizer`), and signs in silently at launch: `auth_base` is a
 * silent scope, the only kind a first screen may use (never from onShow, which repeats).
 */
import { createAuthorizer, httpSubmitter, provideAuthorizer } from 'miniapp-auth-kit/dist/miniprogram/index';
import { config } from './config';
import { createDevWallet } from './lib/dev-wallet';
import { update } from './lib/store';

App({
  authorizer: null,
  wallet: null,

  onLaunch() {
    const options = {
      // The kit posts { authCode, scopes } with my.request; the page only ever gets the backend's session.
      submit: httpSubmitter({ url: `${config.backendUrl}/api/auth/session` }),
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
