/**
 * The exchange through the fetch handler (memoryStore; the SQL stores pass the same conformance
 * suite, and the multi-process tests run these rules across processes).
 */
import { testAuth, tokenKeys } from './support/auth';
import { createFakeWallet, refused, transient } from './support/fake-wallet';
import { memoryStore } from '../../server/store/memory';

it('a code sent 10 times at once with one key: one wallet call, one session for all', async () => {
  const t = testAuth();
  const code = t.wallet.issueCode('c1', ['auth_base', 'USER_NAME']);
  t.wallet.setLatency(50);
  const answers = await Promise.all(Array.from({ length: 10 }, () => t.post(code, 'key-1', ['auth_base', 'USER_NAME'])));
  expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
  expect(new Set(answers.map((a) => a.body.sessionId)).size).toBe(1);
  expect(answers[0]!.body).toEqual({ sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), customerId: 'c1', scopes: ['auth_base', 'USER_NAME'], expiresAt: expect.any(Number) });
  expect(t.wallet.count('applyToken')).toBe(1);
  await t.auth.close();
});

it('the same code with another key, or none, is USED_CODE and costs no wallet call; the same key gets the session back', async () => {
  const t = testAuth();
  const code = t.wallet.issueCode();
  const first = await t.post(code, 'key-1');
  expect(await t.post(code, 'key-2')).toMatchObject({ status: 409, body: { error: { code: 'USED_CODE', retryable: false } } });
  expect(await t.post(code)).toMatchObject({ status: 409, body: { error: { code: 'USED_CODE' } } });
  expect((await t.post(code, 'key-1')).body.sessionId).toBe(first.body.sessionId);
  expect(t.wallet.count('applyToken')).toBe(1);
  await t.auth.close();
});

it('a replay after the replay window, or of a signed-out session, is USED_CODE', async () => {
  const t = testAuth({ replayWindowMs: 1000 });
  const [a, b] = [t.wallet.issueCode(), t.wallet.issueCode()];
  const first = await t.post(a, 'ka');
  const second = await t.post(b, 'kb');
  expect(await t.auth.logout(second.body.sessionId)).toBe(true);
  expect((await t.post(b, 'kb')).status).toBe(409);
  await new Promise((r) => setTimeout(r, 1100));
  expect((await t.post(a, 'ka')).status).toBe(409);
  expect(first.status).toBe(200);
  await t.auth.close();
});

it.each([
  ['INVALID_CODE', 400],
  ['USED_CODE', 409],
  ['EXPIRED_CODE', 410],
])('a code the wallet refuses (%s) answers %i, and again from memory without a second wallet call', async (resultCode, status) => {
  const t = testAuth();
  const code = t.wallet.issueCode();
  t.wallet.failNext('applyToken', () => refused('applyToken', resultCode));
  expect(await t.post(code, 'k')).toMatchObject({ status, body: { error: { code: resultCode, retryable: false } } });
  expect(await t.post(code, 'k')).toMatchObject({ status, body: { error: { code: resultCode } } });
  expect(t.wallet.count('applyToken')).toBe(1);
  await t.auth.close();
});

it('a transient wallet failure is a retryable 503, and the same request may try again at once', async () => {
  const t = testAuth();
  const code = t.wallet.issueCode();
  t.wallet.failNext('applyToken', () => transient('applyToken'));
  const failed = await t.post(code, 'k');
  expect(failed).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_ERROR', retryable: true } } });
  expect(failed.headers.get('retry-after')).toBe('1');
  expect((await t.post(code, 'another')).status).toBe(409);
  expect((await t.post(code, 'k')).status).toBe(200);
  expect(t.wallet.count('applyToken')).toBe(2);
  await t.auth.close();
});

it('a wallet answer that cannot be trusted is a 502, not retryable', async () => {
  const t = testAuth();
  const { WalletError } = await import('../../server/openapi/errors');
  t.wallet.failNext('applyToken', () => new WalletError({ kind: 'untrusted', action: 'FIX_CONFIG', api: 'applyToken' }));
  expect(await t.post(t.wallet.issueCode(), 'k')).toMatchObject({ status: 502, body: { error: { code: 'BACKEND_ERROR', retryable: false } } });
  await t.auth.close();
});

it('a claim whose owner is stuck is taken over after its lease by exactly one instance; the stuck owner changes nothing when it wakes', async () => {
  const store = memoryStore();
  const keys = tokenKeys();
  const wallet = createFakeWallet();
  const [stuck, b, c] = [0, 1, 2].map(() => testAuth({ store, tokenKeys: keys, walletTimeoutMs: 300 }, wallet));
  const code = wallet.issueCode();
  const hold = wallet.hold('applyToken');
  const first = stuck!.post(code, 'k');
  await new Promise((r) => setTimeout(r, 50));
  // The same request at two other instances: they wait for the lease (600 ms), then one takes over.
  const t0 = Date.now();
  const [rb, rc] = await Promise.all([b!.post(code, 'k'), c!.post(code, 'k')]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  expect([rb.status, rc.status]).toEqual([200, 200]);
  expect(rc.body.sessionId).toBe(rb.body.sessionId);
  expect(wallet.calls.filter((x) => x.grantType === 'AUTHORIZATION_CODE').map((x) => x.outcome)).toEqual(['pending', 'SUCCESS']);
  // The stuck owner wakes past its own deadline: a retryable 503, and its release of the claim is
  // fenced out (the same request again gets the session the other instance opened).
  hold.release();
  expect((await first).status).toBe(503);
  expect((await b!.post(code, 'k')).body.sessionId).toBe(rb.body.sessionId);
  await Promise.all([stuck, b, c].map((t) => t!.auth.close()));
});

it('the limits: attempts per client address on /session, calls per session on /me, counted in the store, 429 with Retry-After', async () => {
  const store = memoryStore();
  const keys = tokenKeys();
  const wallet = createFakeWallet();
  const [one, two] = [0, 1].map(() => testAuth({ store, tokenKeys: keys, attemptLimit: { perClient: 3, perSession: 2 } }, wallet)) as [ReturnType<typeof testAuth>, ReturnType<typeof testAuth>];
  const codes = Array.from({ length: 5 }, () => wallet.issueCode());
  // Two instances, one store: the limit holds across them.
  const statuses = [];
  for (const [i, code] of codes.entries()) statuses.push((await (i % 2 ? two : one).post(code, `k${i}`, ['auth_base'], '203.0.113.5')).status);
  expect(statuses).toEqual([200, 200, 200, 429, 429]);
  const limited = await one.post(codes[4]!, 'k4', ['auth_base'], '203.0.113.5');
  expect(limited.body.error).toEqual({ code: 'TOO_MANY_ATTEMPTS', message: expect.any(String), retryable: true });
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(wallet.count('applyToken')).toBe(3);
  // Another client is not held back.
  expect((await one.post(codes[4]!, 'k4', ['auth_base'], '203.0.113.6')).status).toBe(200);
  const session = (await one.post(wallet.issueCode(), 'x', ['auth_base'], '203.0.113.7')).body.sessionId;
  expect([(await one.me(session)).status, (await two.me(session)).status, (await one.me(session)).status]).toEqual([200, 200, 429]);
  expect(wallet.count('inquiryUserInfo')).toBe(2);
  await Promise.all([one.auth.close(), two.auth.close()]);
});

it('/me: the wallet user info narrowed to the session\'s scopes; the bearer scheme in any case; 401 without a live session', async () => {
  const t = testAuth();
  const named = (await t.post(t.wallet.issueCode('c9'), 'a', ['auth_base', 'USER_NAME'])).body.sessionId;
  const contact = (await t.post(t.wallet.issueCode('c9'), 'b', ['USER_CONTACTINFO'])).body.sessionId;
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    expect(await t.me(named, scheme)).toMatchObject({ status: 200, body: { customerId: 'c9', scopes: ['auth_base', 'USER_NAME'], user: { userId: 'c9', nickName: 'Zainab', userName: { fullName: 'Zainab Al-Hashimi' } } } });
  }
  expect((await t.me(named)).body.user.contactInfos).toBeUndefined();
  expect((await t.me(contact)).body.user).toEqual({ userId: 'c9', contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: '+964 770 000 1234' }] });
  const none = await t.me('x'.repeat(43));
  expect(none).toMatchObject({ status: 401, body: { error: { code: 'SESSION_EXPIRED' } } });
  expect(none.headers.get('www-authenticate')).toBe('Bearer');
  expect((await t.me(named, 'Basic')).status).toBe(401);
  await t.auth.close();
});

it('logout ends the session everywhere', async () => {
  const t = testAuth();
  const session = (await t.post(t.wallet.issueCode(), 'a')).body.sessionId;
  const out = await t.auth.handler(new Request('http://localhost/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${session}` } }));
  expect(out.status).toBe(204);
  expect((await t.me(session)).status).toBe(401);
  expect(await t.auth.getSession(session)).toBeNull();
  await t.auth.close();
});

it('a code sent with the bearer of a live session of the same customer opens a session that covers both (incremental authorization); any other bearer adds nothing', async () => {
  const t = testAuth();
  const named = (await t.post(t.wallet.issueCode('c7'), 'a', ['auth_base', 'USER_NAME'])).body.sessionId;
  const both = await t.post(t.wallet.issueCode('c7'), 'b', ['USER_CONTACTINFO'], undefined, named);
  expect(both.body.scopes).toEqual(['auth_base', 'USER_NAME', 'USER_CONTACTINFO']);
  expect((await t.me(both.body.sessionId)).body.user).toEqual({ userId: 'c7', nickName: 'Zainab', userName: { fullName: 'Zainab Al-Hashimi' }, contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: '+964 770 000 1234' }] });
  // The earlier session is the caller's to end; a replay of the request gets the same widened session.
  expect((await t.me(named)).status).toBe(200);
  expect((await t.post(t.wallet.issueCode('c7'), 'c', ['auth_base'], undefined, 'not a session id')).body.scopes).toEqual(['auth_base']);

  // Another customer's session, a signed-out one, or a made-up id: the code's scopes only.
  const other = (await t.post(t.wallet.issueCode('c8'), 'd', ['USER_AVATAR'])).body.sessionId;
  expect((await t.post(t.wallet.issueCode('c7'), 'e', ['auth_base'], undefined, other)).body.scopes).toEqual(['auth_base']);
  await t.auth.logout(named);
  expect((await t.post(t.wallet.issueCode('c7'), 'f', ['auth_base'], undefined, named)).body.scopes).toEqual(['auth_base']);
  expect((await t.post(t.wallet.issueCode('c7'), 'g', ['auth_base'], undefined, 'x'.repeat(43))).body.scopes).toEqual(['auth_base']);
  // exchangeCode takes it too, and checks it.
  const direct = await t.auth.exchangeCode({ authCode: t.wallet.issueCode('c7'), scopes: ['USER_AVATAR'], sessionId: both.body.sessionId });
  expect(direct.scopes).toEqual(['auth_base', 'USER_NAME', 'USER_CONTACTINFO', 'USER_AVATAR']);
  await expect(t.auth.exchangeCode({ authCode: t.wallet.issueCode('c7'), scopes: [], sessionId: 'bad id' })).rejects.toMatchObject({ status: 400 });
  await t.auth.close();
});

it('a wallet client that ignores timeoutMs is still cut off at walletTimeoutMs (the abort signal): a retryable 503, the claim released', async () => {
  const wallet = createFakeWallet();
  const slow = {
    ...wallet.client,
    // Ignores timeoutMs; only the signal ends the call.
    applyToken: (_request: unknown, options?: { signal?: AbortSignal }) =>
      new Promise<never>((_, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true })),
  };
  const t = testAuth({ walletTimeoutMs: 200 }, { ...wallet, client: slow });
  const t0 = Date.now();
  expect(await t.post(wallet.issueCode(), 'k')).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_ERROR', retryable: true } } });
  expect(Date.now() - t0).toBeLessThan(5000);
  await t.auth.close();
});
