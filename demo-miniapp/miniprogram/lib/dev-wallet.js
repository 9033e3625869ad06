/**
 * A stand-in wallet for the IDE's simulator (config.simulatedWallet): the demo backend accepts
 * only codes of its own simulated wallet OpenAPI. Silent scopes are answered at once; consent
 * scopes show a consent page (`my.confirm`), opened synchronously inside the caller's call, as a
 * wallet does; codes are minted at `POST /sim/codes`. What the user allowed is remembered, and the
 * wallet's storage is the mini program's `my` storage. Never used in a real wallet.
 */
import { isSilentScope } from 'miniapp-auth-kit/dist/miniprogram/index';
import { request } from './request';

const CUSTOMER_KEY = 'tigris-market:dev-wallet-customer';

const WORDS = {
  USER_NAME: 'your name',
  USER_AVATAR: 'your profile picture',
  USER_CONTACTINFO: 'your phone number and email',
  NOTIFICATION_INBOX: 'messages in your wallet inbox',
};

/** The simulated wallet user: one customer id per IDE, kept in storage. */
function customerId() {
  const res = my.getStorageSync({ key: CUSTOMER_KEY });
  const stored = res && res.data;
  if (typeof stored === 'string' && /^\d{20}$/.test(stored)) return stored;
  let id = '1000001119398804';
  for (let i = 0; i < 4; i++) id += String(Math.floor(Math.random() * 10));
  my.setStorageSync({ key: CUSTOMER_KEY, data: id });
  return id;
}

export function createDevWallet(backendUrl) {
  const granted = new Set();

  function answer(call, scopes) {
    request(`${backendUrl}/sim/codes`, { method: 'POST', body: { scopes, customerId: customerId() } })
      .then((res) => {
        if (res.status !== 200 || !res.data || typeof res.data.authCode !== 'string') throw new Error('no code');
        call.success({ authCode: res.data.authCode, authSuccessScopes: scopes });
      })
      .catch(() => call.fail({ error: 12, errorMessage: 'The wallet could not issue a code.' }));
  }

  return {
    getAuthCode(call) {
      const scopes = Array.isArray(call.scopes) ? call.scopes : [call.scopes];
      const asking = scopes.filter((s) => !isSilentScope(s) && !granted.has(s));
      if (asking.length === 0) return answer(call, scopes);
      my.confirm({
        title: 'Tigris Market would like to use',
        content: asking.map((s) => WORDS[s] || s).join(', '),
        confirmButtonText: 'Allow',
        cancelButtonText: 'Deny',
        success: (result) => {
          if (!result || !result.confirm) return call.fail({ error: 11, errorMessage: 'The user denied.' });
          asking.forEach((s) => granted.add(s));
          answer(call, scopes);
        },
        fail: () => call.fail({ error: 10, errorMessage: 'The consent page was closed.' }),
      });
    },
    // The wallet's storage: the kit keeps its session and consent record there.
    getStorageSync: (options) => my.getStorageSync(options),
    setStorageSync: (options) => my.setStorageSync(options),
    removeStorageSync: (options) => my.removeStorageSync(options),
    /** Sign-out in the demo forgets what was allowed, so the walk-through can start over. */
    forget() {
      granted.clear();
    },
  };
}
