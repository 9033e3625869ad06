/**
 * An answer the wallet client could not verify is not the wallet's word: an unsigned `F` (what a
 * gateway, a wrong key or anyone on the path may send) settles no code and refreshes, ends or drops
 * no grant. The signed path throughout: the kit's client against its simulator, faults unsigned.
 */
import { createAuthServer } from '../../server/auth/server';
import { createWalletClient } from '../../server/openapi/client';
import { createTestWallet, type TestWallet } from '../../server/testing';
import { memoryStore } from '../../server/store/memory';
import { tokenKeys } from './support/auth';

let tw: TestWallet;
beforeAll(async () => {
  tw = await createTestWallet({ clientId: 'UNVERIFIED_CLIENT' });
});

function server(wallet: TestWallet = tw) {
  const warnings: string[] = [];
  const auth = createAuthServer({ wallet: wallet.clientOptions, store: memoryStore(), tokenKeys: tokenKeys(), logger: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } });
  const post = async (authCode: string, key: string) => {
    const answer = await auth.handler(new Request('http://localhost/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ authCode, scopes: ['auth_base', 'USER_NAME'] }) }), { clientAddress: '127.0.0.1' });
    return { status: answer.status, body: await answer.json() };
  };
  const me = async (sessionId: string) => {
    const answer = await auth.handler(new Request('http://localhost/api/auth/me', { headers: { authorization: `Bearer ${sessionId}` } }));
    return { status: answer.status, body: await answer.json() };
  };
  return { auth, post, me, warnings };
}

const applyTokenCalls = (wallet: TestWallet) => wallet.simulator.calls.filter((c) => c.api === 'applyToken').length;

it('an unsigned F USED_CODE is not remembered: the page is told to get a fresh code, but the same code with the same key still opens its session', async () => {
  const t = server();
  const { authCode } = tw.simulator.issueCode({ scopes: ['auth_base', 'USER_NAME'] });
  tw.simulator.setFault({ api: 'applyToken', resultCode: 'USED_CODE', unsigned: true, times: 1 });
  expect(await t.post(authCode, 'k')).toMatchObject({ status: 409, body: { error: { code: 'USED_CODE' } } });
  // Not remembered as a refusal (a verified USED_CODE would answer 409 here again without calling the wallet).
  expect(await t.post(authCode, 'k')).toMatchObject({ status: 200, body: { sessionId: expect.any(String) } });
  await t.auth.close();
});

it('an unsigned F INVALID_ACCESS_TOKEN from inquiryUserInfo refreshes nothing: a retryable 503 (logged), and the grant keeps its token', async () => {
  const t = server();
  const { sessionId } = (await t.post(tw.simulator.issueCode({ scopes: ['auth_base', 'USER_NAME'] }).authCode, 'k')).body;
  const before = applyTokenCalls(tw);
  tw.simulator.setFault({ api: 'inquiryUserInfo', resultCode: 'INVALID_ACCESS_TOKEN', unsigned: true, times: 1 });
  expect(await t.me(sessionId)).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_ERROR', retryable: true } } });
  expect(t.warnings.join('\n')).toMatch(/could not be verified/);
  expect(applyTokenCalls(tw)).toBe(before);
  expect(await t.me(sessionId)).toMatchObject({ status: 200, body: { user: expect.any(Object) } });
  expect(applyTokenCalls(tw)).toBe(before);
  // withAccessToken: the same rule (fn is not called again, nothing is refreshed).
  const seen: string[] = [];
  tw.simulator.setFault({ api: 'inquiryUserInfo', resultCode: 'EXPIRED_ACCESS_TOKEN', unsigned: true, times: 1 });
  const client = createWalletClient(tw.clientOptions);
  await expect(t.auth.withAccessToken(sessionId, (token) => (seen.push(token), client.inquiryUserInfo(token)))).rejects.toMatchObject({ action: 'REFRESH', verified: false });
  expect(seen).toHaveLength(1);
  expect(applyTokenCalls(tw)).toBe(before);
  await t.auth.close();
});

it('an unsigned F EXPIRED_REFRESH_TOKEN ends no grant: a retryable 503, and the next use refreshes and answers', async () => {
  // Access tokens of 30 s, inside the refresh margin: every use refreshes.
  const short = await createTestWallet({ clientId: 'UNVERIFIED_SHORT', accessTokenTtlMs: 30_000, merchantKeys: tw.merchantKeys, walletKeys: tw.walletKeys });
  const t = server(short);
  const { sessionId } = (await t.post(short.simulator.issueCode({ scopes: ['auth_base', 'USER_NAME'] }).authCode, 'k')).body;
  short.simulator.setFault({ api: 'applyToken', resultCode: 'EXPIRED_REFRESH_TOKEN', unsigned: true, times: 1 });
  expect(await t.me(sessionId)).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_ERROR', retryable: true } } });
  // Not marked for reauthorization (that would be 401 REAUTH_REQUIRED from now on).
  expect(await t.me(sessionId)).toMatchObject({ status: 200, body: { user: expect.any(Object) } });
  // A verified refusal still ends it.
  short.simulator.setFault({ api: 'applyToken', resultCode: 'EXPIRED_REFRESH_TOKEN', times: 1 });
  expect(await t.me(sessionId)).toMatchObject({ status: 401, body: { error: { code: 'REAUTH_REQUIRED' } } });
  await t.auth.close();
});

it('a signed refusal seen before (the same EXPIRED_ACCESS_TOKEN for two sessions in one second) is still the wallet’s word: both grants refresh', async () => {
  // Access tokens of 2 minutes; then the wallet's clock jumps past them and stands still (within the
  // client's 5 minutes of skew): both refusals are byte for byte one answer, the second "seen before".
  let frozen: number | null = null;
  const still = await createTestWallet({ clientId: 'UNVERIFIED_STILL', accessTokenTtlMs: 120_000, now: () => frozen ?? Date.now(), merchantKeys: tw.merchantKeys, walletKeys: tw.walletKeys });
  const t = server(still);
  const sessions: string[] = [];
  for (const customerId of ['s1', 's2']) sessions.push((await t.post(still.simulator.issueCode({ scopes: ['auth_base', 'USER_NAME'], customerId }).authCode, customerId)).body.sessionId);
  const before = applyTokenCalls(still);
  frozen = Date.now() + 125_000;
  const answers = [];
  for (const sessionId of sessions) answers.push(await t.me(sessionId));
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  expect(still.simulator.calls.filter((c) => c.resultCode === 'EXPIRED_ACCESS_TOKEN' && c.signed)).toHaveLength(2);
  expect(applyTokenCalls(still) - before).toBe(2);
  expect(t.warnings).toEqual([]);
  await t.auth.close();
});
