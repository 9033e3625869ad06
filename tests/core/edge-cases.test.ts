/**
 * Edge cases found in review: sign-out during a request, the fresh code after a refused one,
 * hosts and adapters that misbehave in unusual ways.
 */
import { createAuthorizer, httpSubmitter, memoryStorage, requestAuthCode } from '../../utils';
import type { MyRequestHost, StorageAdapter } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authErrorOf, fakeBackend, flush } from './helpers';

test('a sign-out while a request is finishing never starts the flow again', async () => {
  const sim = createWalletSimulator();
  let auth!: ReturnType<typeof createAuthorizer>;
  auth = createAuthorizer({
    host: sim.my,
    engagementTarget: null,
    storage: memoryStorage(),
    // The user signs out right as the backend answers.
    submit: async (code, ctx) => {
      const data = await fakeBackend(sim).submit(code, ctx);
      void auth.signOut();
      return data;
    },
  });
  const error = await authErrorOf(auth.authorize(['USER_NAME'], { gesture: true }));
  await flush();
  expect(error.code).toBe('ABORTED');
  expect(sim.calls).toHaveLength(1);
  expect(auth.session()).toBeNull();
});

test('after a refused code, a fresh code granted for fewer scopes fails the rest without asking again', async () => {
  const sim = createWalletSimulator();
  const submitted: string[][] = [];
  const auth = createAuthorizer({
    host: sim.my,
    engagementTarget: null,
    storage: memoryStorage(),
    submit: async (_code, ctx) => {
      submitted.push([...ctx.scopes]);
      if (ctx.attempt === 1) {
        // Between the two codes the user revoked the avatar in the wallet, and refuses it when asked.
        sim.revoke(['USER_AVATAR']);
        sim.setUser({ allow: [] });
        throw Object.assign(new Error('refused'), { code: 'USED_CODE' });
      }
      return { scopes: ctx.scopes };
    },
  });
  const error = await authErrorOf(auth.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true }));
  expect(error.code).toBe('USER_CANCELLED');
  expect(error.scopes).toEqual(['USER_AVATAR']);
  expect(submitted).toEqual([['USER_NAME', 'USER_AVATAR'], ['USER_NAME']]);
  expect(auth.session()?.scopes).toEqual(['USER_NAME']);
  // Two wallet calls: the first prompt and the fresh code; no third prompt without a tap.
  expect(sim.calls).toHaveLength(2);
});

test('bridgeWaitMs: 0 means "do not wait" for a late bridge', async () => {
  const error = await authErrorOf(requestAuthCode('auth_base', { bridgeWaitMs: 0 }));
  expect(error.code).toBe('NOT_IN_MINIAPP');
});

test('a result whose getters throw settles the request as UNKNOWN, not as an exception in the host', async () => {
  const hostile = {
    getAuthCode(call: { success(r: unknown): void }) {
      const result = Object.defineProperty({}, 'authCode', {
        get() {
          throw new Error('boom');
        },
        enumerable: true,
      });
      expect(() => call.success(result)).not.toThrow();
    },
  };
  const error = await authErrorOf(requestAuthCode('auth_base', { host: hostile, timeoutMs: 1000 }));
  expect(error.code).toBe('UNKNOWN');
});

test('a storage adapter returning non-native thenables is read', async () => {
  const sim = createWalletSimulator();
  const map = new Map<string, string>();
  const thenable = <T>(value: T) => ({ then: (resolve: (v: T) => unknown) => resolve(value) });
  const storage = {
    get: (key: string) => thenable(map.get(key) ?? null),
    set: (key: string, value: string) => void map.set(key, value),
    remove: (key: string) => void map.delete(key),
  } as unknown as StorageAdapter;
  const first = createAuthorizer({ host: sim.my, engagementTarget: null, storage, submit: fakeBackend(sim).submit });
  await first.authorize('auth_base');
  const second = createAuthorizer({ host: sim.my, engagementTarget: null, storage, submit: fakeBackend(sim).submit });
  await second.ready();
  expect(second.session()?.scopes).toEqual(['auth_base']);
  expect(sim.calls).toHaveLength(1);
});

test('httpSubmitter resolves an empty 2xx answer (204) with null session data', async () => {
  const host: MyRequestHost = {
    request(options) {
      options.success({ status: 204, data: '' });
    },
  };
  const submit = httpSubmitter({ url: 'https://api.example.com/auth', host });
  await expect(submit('code-1', { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal })).resolves.toBeNull();
});

test('the simulator answers error 1002 when its code issuer fails, instead of never answering', async () => {
  const sim = createWalletSimulator({ issueCode: () => Promise.reject(new Error('offline')) });
  const error = await authErrorOf(requestAuthCode('auth_base', { host: sim.my, timeoutMs: 5000 }));
  expect(error.code).toBe('SERVICE_ERROR');
  expect(error.platformCode).toBe(1002);
  expect(sim.calls[0]?.outcome).toBe('fault');
});

test('a session answer that cannot be stored is refused before anything is kept', async () => {
  const sim = createWalletSimulator();
  const circular: Record<string, unknown> = { user: 'u' };
  circular.self = circular;
  const auth = createAuthorizer({ host: sim.my, engagementTarget: null, storage: memoryStorage(), submit: async () => circular });
  const error = await authErrorOf(auth.authorize('auth_base'));
  expect(error.code).toBe('BACKEND_ERROR');
  expect(error.retryable).toBe(false);
  expect(auth.session()).toBeNull();
});

test("httpSubmitter settles on its own when my.request never calls back", async () => {
  jest.useFakeTimers();
  try {
    const host: MyRequestHost = { request: () => undefined };
    const submit = httpSubmitter({ url: 'https://api.example.com/auth', timeoutMs: 50, host });
    const outcome = submit('code-1', { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(2_000);
    await expect(outcome).resolves.toMatchObject({ code: 'BACKEND_ERROR', retryable: true });
  } finally {
    jest.useRealTimers();
  }
});

test("httpSubmitter follows the backend's own retryable flag and the wallet's U results", async () => {
  const answer = (status: number, body: unknown): MyRequestHost => ({
    request: (o) => (status < 300 ? o.success({ status, data: JSON.stringify(body) }) : o.fail({ status, data: JSON.stringify(body) })),
  });
  const ctx = { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal };
  const run = (host: MyRequestHost) => httpSubmitter({ url: 'https://api.example.com/auth', host })('c', ctx).catch((e: unknown) => e);
  await expect(run(answer(502, { error: { code: 'BACKEND_ERROR', retryable: false } }))).resolves.toMatchObject({ code: 'BACKEND_ERROR', retryable: false });
  await expect(run(answer(400, { error: { code: 'UNKNOWN_EXCEPTION' } }))).resolves.toMatchObject({ retryable: true, platformCode: 'UNKNOWN_EXCEPTION' });
  await expect(run(answer(200, { error: { code: 'REQUEST_TRAFFIC_EXCEED_LIMIT' } }))).resolves.toMatchObject({ retryable: true });
});

test('the HTTPS rule holds where URL is missing: credentials in the authority cannot fake loopback', () => {
  const g = globalThis as { URL?: unknown };
  const saved = g.URL;
  g.URL = undefined;
  try {
    for (const url of ['http://localhost:80@evil.example/api', 'http://127.0.0.1:1@evil.example/', 'http://evil.example/']) {
      expect(() => httpSubmitter({ url })).toThrow(TypeError);
    }
    expect(() => httpSubmitter({ url: 'http://127.0.0.1:8080/api' })).not.toThrow();
  } finally {
    g.URL = saved;
  }
});

// Without a tap: a tap on the page shows that no wallet page covers it (./prompt-lock.test.ts).
test('a wallet page still open after TIMEOUT never gets a second page over it without a tap', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  try {
    const sim = createWalletSimulator({ user: 'manual' });
    const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: sim.my, engagementTarget: null, storage: memoryStorage(), timeoutMs: 1_000 });
    const first = auth.authorize('USER_NAME', { gesture: true }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(first).resolves.toMatchObject({ code: 'TIMEOUT' });
    expect(sim.prompts).toHaveLength(1); // the wallet's page is still on screen
    auth.markEngaged();
    const second = auth.authorize('USER_CONTACTINFO').catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10);
    expect(sim.maxOpenPrompts).toBe(1);
    // The user closes the first page: the second request now gets its own page.
    sim.prompts[0]?.dismiss();
    await jest.advanceTimersByTimeAsync(10);
    expect(sim.prompts).toHaveLength(1);
    expect(sim.prompts[0]?.scopes).toEqual(['USER_CONTACTINFO']);
    sim.prompts[0]?.allow();
    await expect(second).resolves.toMatchObject({ scopes: ['USER_CONTACTINFO'] });
    expect(sim.maxOpenPrompts).toBe(1);
  } finally {
    jest.useRealTimers();
  }
});
