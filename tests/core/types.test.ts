/**
 * Types: the published `my` typings (`@mini-types/alipay`) fit the kit's host types, so a DSL mini
 * program or an H5 page typed with them can pass its `my` straight to the kit. The assignments are
 * checked by `tsc --noEmit`; the runtime assertions make the test able to fail under jest too.
 */
import type {} from '@mini-types/alipay';
import { createAuthorizer, requestAuthCode } from '../../utils';
import type { AuthCodeHost, AuthCodeResult, AuthorizerOptions, MyStorageHost, Scope, ScopeInput } from '../../utils';

/** What an application typed with @mini-types/alipay writes. */
function withAlipayMy(alipayMy: typeof my): Promise<AuthCodeResult> {
  const host: AuthCodeHost = alipayMy;
  return requestAuthCode(['auth_base', 'USER_NAME'], { host });
}

function authorizerOverAlipayMy(alipayMy: typeof my) {
  const storageHost: MyStorageHost = alipayMy;
  const options: AuthorizerOptions = { submit: async () => ({}), host: alipayMy, engagementTarget: null };
  void storageHost;
  return createAuthorizer(options);
}

// Compile-time negatives: these must stay errors.
// @ts-expect-error a host needs getAuthCode
const notAHost: AuthCodeHost = { request() {} };
// @ts-expect-error scopes are strings
const notAScope: ScopeInput = 5;
const known: Scope = 'USER_CONTACTINFO';
const future: Scope = 'NEW_WALLET_SCOPE';

/** A runtime stand-in for the global `my` of an Alipay+ page. */
function fakeAlipayMy(): typeof my {
  const storage = new Map<string, unknown>();
  const fake = {
    getAuthCode(options?: { scopes?: string | string[]; success?: (r: unknown) => void }) {
      const scopes = Array.isArray(options?.scopes) ? options.scopes : [options?.scopes ?? 'auth_base'];
      void Promise.resolve().then(() => options?.success?.({ authCode: 'typed-code', authErrorScopes: {}, authSuccessScopes: scopes }));
    },
    getStorageSync({ key }: { key: string }) {
      return { data: storage.get(key) ?? null };
    },
    setStorageSync({ key, data }: { key: string; data: unknown }) {
      storage.set(key, data);
    },
    removeStorageSync({ key }: { key: string }) {
      storage.delete(key);
    },
  };
  return fake as unknown as typeof my;
}

test('a `typeof my` from @mini-types/alipay works as requestAuthCode host', async () => {
  await expect(withAlipayMy(fakeAlipayMy())).resolves.toEqual({
    authCode: 'typed-code',
    grantedScopes: ['auth_base', 'USER_NAME'],
    failedScopes: {},
  });
});

test('a `typeof my` works as the authorizer host and its default storage', async () => {
  const alipayMy = fakeAlipayMy();
  const auth = authorizerOverAlipayMy(alipayMy);
  await expect(auth.authorize('auth_base')).resolves.toMatchObject({ scopes: ['auth_base'] });
  expect(authorizerOverAlipayMy(alipayMy).session()?.scopes).toEqual(['auth_base']);
});

test('the compile-time samples hold the values they were given', () => {
  expect([known, future]).toEqual(['USER_CONTACTINFO', 'NEW_WALLET_SCOPE']);
  expect(typeof notAHost).toBe('object');
  expect(notAScope).toBe(5);
});
