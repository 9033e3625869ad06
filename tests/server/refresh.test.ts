/** Tokens kept fresh lazily: one REFRESH_TOKEN call per rotation, whoever asks; reauthorization when the wallet ends the grant. */
import { testAuth, tokenKeys } from './support/auth';
import { createFakeWallet, refused } from './support/fake-wallet';
import { memoryStore } from '../../server/store/memory';

it('an access token near its expiry is refreshed before use, once for 5 concurrent callers on 3 instances', async () => {
  const store = memoryStore();
  const keys = tokenKeys();
  // The wallet's access tokens expire in 30 s: inside the 60 s margin, so every use is due for a refresh.
  const wallet = createFakeWallet({ accessTtlMs: 30_000 });
  const [a, b, c] = [0, 1, 2].map(() => testAuth({ store, tokenKeys: keys }, wallet));
  const session = (await a!.post(wallet.issueCode(), 'k', ['USER_NAME'])).body.sessionId;
  wallet.setLatency(50);
  const answers = await Promise.all([a, b, c, a, b].map((t) => t!.me(session)));
  expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200, 200]);
  expect(wallet.count('applyToken', 'REFRESH_TOKEN')).toBe(1);
  await Promise.all([a, b, c].map((t) => t!.auth.close()));
});

it('withAccessToken: a REFRESH refusal refreshes once and calls again with the new token', async () => {
  const t = testAuth();
  const session = (await t.post(t.wallet.issueCode(), 'k')).body.sessionId;
  const seen: string[] = [];
  const result = await t.auth.withAccessToken(session, async (token) => {
    seen.push(token);
    if (seen.length === 1) throw refused('inquiryUserInfo', 'EXPIRED_ACCESS_TOKEN');
    return 'ok';
  });
  expect(result).toBe('ok');
  expect(seen).toHaveLength(2);
  expect(seen[1]).not.toBe(seen[0]);
  expect(t.wallet.count('applyToken', 'REFRESH_TOKEN')).toBe(1);
  // /me after the wallet expired the token: refreshed, answered.
  t.wallet.expireAccessTokens();
  expect((await t.me(session)).status).toBe(200);
  expect(t.wallet.count('applyToken', 'REFRESH_TOKEN')).toBe(2);
  await t.auth.close();
});

it('a refresh token the wallet no longer honours: 401 REAUTH_REQUIRED, for every session of the grant, without asking again', async () => {
  const t = testAuth();
  const session = (await t.post(t.wallet.issueCode('c1'), 'k')).body.sessionId;
  t.wallet.expireAccessTokens();
  t.wallet.failNext('applyToken', () => refused('applyToken', 'EXPIRED_REFRESH_TOKEN'));
  expect(await t.me(session)).toMatchObject({ status: 401, body: { error: { code: 'REAUTH_REQUIRED' } } });
  expect(await t.me(session)).toMatchObject({ status: 401, body: { error: { code: 'REAUTH_REQUIRED' } } });
  expect(t.wallet.count('applyToken', 'REFRESH_TOKEN')).toBe(1);
  // A new authorization of the customer brings the grant back.
  const fresh = (await t.post(t.wallet.issueCode('c1'), 'k2')).body.sessionId;
  expect((await t.me(fresh)).status).toBe(200);
  expect((await t.me(session)).status).toBe(200);
  await t.auth.close();
});
