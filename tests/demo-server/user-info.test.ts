/**
 * User info over real loopback servers: the wallet simulator's `POST /v1/users/inquiryUserInfo` (request
 * checks, signed answers, scope-dependent fields, deterministic fake users), its `/sim/avatars/<n>.svg`,
 * and the demo backend's `GET /api/auth/me` (the kit's auth server: the wallet's user info narrowed to
 * the session's scopes).
 */
import { loadServerModule, makeClock, postJson, readAnswer, removeDir, signedApplyToken, signedInquiryUserInfo, tempDir, type RawAnswer } from './helpers';
import { MINUTE, serverModules, startWallet as startWalletServer } from './world';

const USER_INFO_PATH = '/v1/users/inquiryUserInfo';
const NAME_RE = /^[A-Z][a-z]+ Al-[A-Z][a-z]+$/;
const AVATAR_RE = /^\/sim\/avatars\/\d+\.svg$/;
const PHONE_RE = /^\+964 7\d\d ••• \d{4}$/;

let signing: any;
let walletModule: any;
let runner: any;
let merchant: { publicKeyPem: string; privateKeyPem: string };
let walletKeys: { publicKeyPem: string; privateKeyPem: string };
let stranger: { publicKeyPem: string; privateKeyPem: string };

beforeAll(async () => {
  ({ signing, walletModule, merchant, walletKeys } = await serverModules());
  runner = await loadServerModule('start-servers.mjs');
  stranger = signing.generateKeyPair();
});

/** Everything started by a test, closed after it. */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The wallet's token lifetimes in these tests. */
const TOKEN_TTLS = { accessTokenTtlMs: 60 * MINUTE, refreshTokenTtlMs: 120 * MINUTE };

/** A wallet simulator of its own, closed after the test. */
async function startWallet() {
  const started = await startWalletServer(TOKEN_TTLS);
  cleanups.push(() => started.wallet.close());
  return started;
}

/** The answer's Signature verifies with the wallet public key over `POST <path>\n<Client-Id>.<Response-Time>.<body>`. */
function signedBy(answer: RawAnswer, apiPath = USER_INFO_PATH, clientId = 'TEST_CLIENT') {
  return signing.verifySignatureHeader({
    method: 'POST',
    path: apiPath,
    clientId,
    time: answer.headers.get('response-time'),
    body: answer.text,
    header: answer.headers.get('signature'),
    publicKey: walletKeys.publicKeyPem,
  });
}

function expectFailure(answer: RawAnswer, resultCode: string, clientId = 'TEST_CLIENT') {
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ result: { resultCode, resultStatus: 'F', resultMessage: expect.any(String) } });
  expect(signedBy(answer, USER_INFO_PATH, clientId)).toBe(true);
}

describe('wallet POST /v1/users/inquiryUserInfo', () => {
  let wallet: any;
  let baseUrl: string;
  let clock: ReturnType<typeof makeClock>;
  beforeEach(async () => {
    ({ wallet, url: baseUrl, clock } = await startWallet());
  });

  /** A fresh access token for `customerId` with `scopes` (the scopes granted so far add up per customer). */
  async function tokenFor(scopes: string[], customerId = 'C1'): Promise<string> {
    const { authCode } = wallet.issueCode({ scopes, customerId });
    const answer = await signedApplyToken(signing, { baseUrl, clientId: 'TEST_CLIENT', privateKeyPem: merchant.privateKeyPem, now: clock.now, body: { grantType: 'AUTHORIZATION_CODE', authCode } });
    expect(answer.json.result.resultCode).toBe('SUCCESS');
    return answer.json.accessToken;
  }

  const inquire = (options: Partial<Parameters<typeof signedInquiryUserInfo>[1]>) =>
    signedInquiryUserInfo(signing, { baseUrl, clientId: 'TEST_CLIENT', privateKeyPem: merchant.privateKeyPem, now: clock.now, ...options });

  it('answers userId only for auth_base, signed over the inquiryUserInfo path', async () => {
    const accessToken = await tokenFor(['auth_base'], '10000011193988041234');
    const answer = await inquire({ accessToken });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toEqual({
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      userInfo: { userId: '10000011193988041234' },
    });
    expect(answer.headers.get('client-id')).toBe('TEST_CLIENT');
    expect(signedBy(answer)).toBe(true);
    expect(signedBy(answer, '/v1/authorizations/applyToken')).toBe(false);
    expect(signedBy({ ...answer, text: answer.text.replace('SUCCESS', 'SUCCES5') })).toBe(false);
    expect(wallet.stats.inquiryUserInfo).toBe(1);
  });

  it('adds userName, avatar, contactInfos and loginIdInfos only with USER_NAME, USER_AVATAR, USER_CONTACTINFO, USER_LOGIN_ID', async () => {
    const cases: Array<[string[], string[]]> = [
      [['auth_base', 'USER_NAME'], ['userId', 'userName']],
      [['USER_AVATAR'], ['avatar', 'userId']],
      [['USER_CONTACTINFO'], ['contactInfos', 'userId']],
      [['USER_LOGIN_ID'], ['loginIdInfos', 'userId']],
      [['auth_base', 'USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO'], ['avatar', 'contactInfos', 'userId', 'userName']],
    ];
    for (const [i, [scopes, keys]] of cases.entries()) {
      const answer = await inquire({ accessToken: await tokenFor(scopes, `SCOPE_CASE_${i}`) });
      expect(signedBy(answer)).toBe(true);
      expect(Object.keys(answer.json.userInfo).sort()).toEqual(keys);
    }
    const full = (await inquire({ accessToken: await tokenFor(['USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO', 'USER_LOGIN_ID'], 'C9') })).json.userInfo;
    expect(full).toEqual({
      userId: 'C9',
      userName: { fullName: expect.stringMatching(NAME_RE) },
      avatar: expect.stringMatching(AVATAR_RE),
      contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: expect.stringMatching(PHONE_RE) }],
      loginIdInfos: [{ loginIdType: 'MOBILE_PHONE', maskLoginId: full.contactInfos[0].contactNo, hashLoginId: expect.stringMatching(/^[0-9a-f]{64}$/) }],
    });
  });

  it('a token reaches the scopes its customer granted so far', async () => {
    const before = await tokenFor(['auth_base'], 'C2');
    expect(Object.keys((await inquire({ accessToken: before })).json.userInfo)).toEqual(['userId']);
    const after = await tokenFor(['USER_NAME'], 'C2');
    expect((await inquire({ accessToken: after })).json.userInfo.userName.fullName).toMatch(NAME_RE);
  });

  it('derives the fake user from the customer id: the same on every wallet, different across customers', async () => {
    const scopes = ['USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO'];
    const first = (await inquire({ accessToken: await tokenFor(scopes, 'SAME') })).json.userInfo;
    const other = await startWallet();
    const { authCode } = other.wallet.issueCode({ scopes, customerId: 'SAME' });
    const exchanged = await signedApplyToken(signing, { baseUrl: other.url, clientId: 'TEST_CLIENT', privateKeyPem: merchant.privateKeyPem, body: { grantType: 'AUTHORIZATION_CODE', authCode } });
    const second = (await signedInquiryUserInfo(signing, { baseUrl: other.url, clientId: 'TEST_CLIENT', privateKeyPem: merchant.privateKeyPem, accessToken: exchanged.json.accessToken })).json.userInfo;
    expect(second).toEqual(first);
    expect(walletModule.simulatedUser('SAME')).toMatchObject({ fullName: first.userName.fullName, avatar: first.avatar, maskedMobile: first.contactInfos[0].contactNo });

    const names = new Set(Array.from({ length: 30 }, (_, i) => walletModule.simulatedUser(`customer-${i}`).fullName));
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(name).toMatch(NAME_RE);
  });

  it('Client-Id, Request-Time and Signature are checked as for applyToken', async () => {
    const accessToken = await tokenFor(['USER_NAME']);
    expectFailure(await inquire({ accessToken, clientId: null }), 'PARAM_ILLEGAL', '');
    expectFailure(await inquire({ accessToken, clientId: 'SOMEONE_ELSE' }), 'INVALID_AUTH_CLIENT', 'SOMEONE_ELSE');
    expectFailure(await inquire({ accessToken, time: null }), 'PARAM_ILLEGAL');
    expectFailure(await inquire({ accessToken, time: '2024-01-01T12:00:00' }), 'PARAM_ILLEGAL');
    expectFailure(await inquire({ accessToken, time: signing.requestTime(clock.now() - 6 * MINUTE) }), 'ACCESS_DENIED');
    expectFailure(await inquire({ accessToken, time: signing.requestTime(clock.now() + 6 * MINUTE) }), 'ACCESS_DENIED');
    expectFailure(await inquire({ accessToken, privateKeyPem: stranger.privateKeyPem }), 'INVALID_SIGNATURE');
    expectFailure(await inquire({ accessToken, signature: null }), 'INVALID_SIGNATURE');
    expectFailure(await inquire({ accessToken, signBody: JSON.stringify({ accessToken: 'other' }) }), 'INVALID_SIGNATURE');
    // A signature over the applyToken path does not sign an inquiryUserInfo request.
    expectFailure(await inquire({ accessToken, signPath: '/v1/authorizations/applyToken' }), 'INVALID_SIGNATURE');
    const time = signing.requestTime(clock.now());
    const good = signing.sign(signing.signedContent({ method: 'POST', path: USER_INFO_PATH, clientId: 'TEST_CLIENT', time, body: JSON.stringify({ accessToken }) }), merchant.privateKeyPem);
    expectFailure(await inquire({ accessToken, time, signature: `algorithm=RSA, keyVersion=1, signature=${good}` }), 'INVALID_SIGNATURE');
    expectFailure(await inquire({ accessToken, time, signature: `algorithm=RSA256, keyVersion=2, signature=${good}` }), 'INVALID_SIGNATURE');
    expect((await inquire({ accessToken, time, signature: `signature=${encodeURIComponent(good)}, algorithm=RSA256` })).json.result.resultCode).toBe('SUCCESS');
  });

  it('bad bodies → PARAM_ILLEGAL; unknown token → INVALID_ACCESS_TOKEN; expired → EXPIRED_ACCESS_TOKEN; GET → 405 INVALID_API', async () => {
    for (const body of ['not json', '[]', 'null', {}, { accessToken: '' }, { accessToken: 42 }, { accessToken: 'x'.repeat(600) }]) {
      expectFailure(await inquire({ body }), 'PARAM_ILLEGAL');
    }
    expectFailure(await inquire({ accessToken: '2810100NOSUCHTOKEN' }), 'INVALID_ACCESS_TOKEN');
    const accessToken = await tokenFor(['USER_NAME']);
    clock.advance(60 * MINUTE - 1000);
    expect((await inquire({ accessToken })).json.result.resultCode).toBe('SUCCESS');
    clock.advance(1000);
    expectFailure(await inquire({ accessToken }), 'EXPIRED_ACCESS_TOKEN');
    const get = await fetch(`${baseUrl}${USER_INFO_PATH}`, { headers: { 'Client-Id': 'TEST_CLIENT' } }).then(readAnswer);
    expect(get.status).toBe(405);
    expect(get.json.result.resultCode).toBe('INVALID_API');
  });

  it('faults hit the API they name: applyToken by default, inquiryUserInfo when asked', async () => {
    const accessToken = await tokenFor(['USER_NAME']);
    wallet.setFault({ type: 'UNKNOWN_EXCEPTION' }); // applyToken's
    expect((await inquire({ accessToken })).json.result.resultCode).toBe('SUCCESS');
    wallet.setFault({ type: 'BAD_SIGNATURE', api: 'inquiryUserInfo', times: 1 });
    const forged = await inquire({ accessToken });
    expect(forged.json.result.resultCode).toBe('SUCCESS');
    expect(signedBy(forged)).toBe(false);
    expect(signedBy(await inquire({ accessToken }))).toBe(true);
    expect(wallet.stats.faults).toBe(1);
  });
});

describe('wallet GET /sim/avatars/<n>.svg', () => {
  it('serves the avatar of a user as an SVG with the initials, and nothing else under the prefix', async () => {
    const { url } = await startWallet();
    const user = walletModule.simulatedUser('10000011193988041234');
    const response = await fetch(`${url}${user.avatar}`);
    const svg = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>\n$/s);
    const [first, last] = user.fullName.split(' ');
    expect(svg).toContain(`>${first[0]}${last.replace(/^Al-/, '')[0]}</text>`);
    expect(svg).not.toMatch(/<script|on\w+=|href|style/i);

    const head = await fetch(`${url}${user.avatar}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/svg+xml');
    for (const bad of ['/sim/avatars/99999.svg', '/sim/avatars/007.svg', '/sim/avatars/1.png', '/sim/avatars/', '/sim/avatars/1.svg/x', '/sim/avatars/x.svg']) {
      expect((await fetch(`${url}${bad}`)).status).toBe(404);
    }
    expect((await fetch(`${url}${user.avatar}`, { method: 'POST' })).status).toBe(405);
  });
});

describe('the demo backend\'s GET /api/auth/me', () => {
  /** The demo's servers on a data directory of their own (wallet tokens of `TOKEN_TTLS`), closed after the test. */
  async function startDemo() {
    const dataDir = tempDir('user-info-demo-');
    cleanups.push(() => removeDir(dataDir));
    const demo = await runner.startServers({ dataDir, env: {}, logger: null, walletOptions: TOKEN_TTLS });
    cleanups.push(() => demo.close());
    return Object.assign(demo, {
      async open(scopes: string[], customerId = 'C1', bearer?: string) {
        const { authCode } = (await postJson(`${demo.url}/sim/codes`, { scopes, customerId })).json;
        const opened = await postJson(`${demo.url}/api/auth/session`, { authCode, scopes }, bearer ? { Authorization: `Bearer ${bearer}` } : {});
        expect(opened.status).toBe(200);
        return opened.json.sessionId as string;
      },
      me: (sessionId: string) => fetch(`${demo.url}/api/auth/me`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(readAnswer),
    });
  }

  it('answers each field of the wallet\'s user info only when the session covers its scope: userId for any, name and avatar with USER_NAME / USER_AVATAR, the phone with USER_CONTACTINFO', async () => {
    const demo = await startDemo();
    const user = walletModule.simulatedUser('C1');
    const base = await demo.open(['auth_base']);
    expect((await demo.me(base)).json).toEqual({ customerId: 'C1', scopes: ['auth_base'], user: { userId: 'C1' } });

    const named = await demo.open(['USER_NAME', 'USER_AVATAR']);
    const profile = await demo.me(named);
    expect(profile.status).toBe(200);
    expect(profile.json).toEqual({ customerId: 'C1', scopes: ['USER_NAME', 'USER_AVATAR'], user: { userId: 'C1', userName: { fullName: user.fullName }, avatar: user.avatar } });
    expect(profile.json.user.userName.fullName).toMatch(NAME_RE);
    expect(profile.json.user.avatar).toMatch(AVATAR_RE);
    // The older session still covers auth_base only: it gets no more than before, although the token could.
    expect((await demo.me(base)).json.user).toEqual({ userId: 'C1' });

    // A session for the contact details alone gets the phone alone; sent with the earlier session's
    // bearer, the new session covers both (incremental authorization), as the demo's pages send it.
    expect((await demo.me(await demo.open(['USER_CONTACTINFO']))).json.user).toEqual({ userId: 'C1', contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: expect.stringMatching(PHONE_RE) }] });
    const both = await demo.me(await demo.open(['USER_CONTACTINFO'], 'C1', named));
    expect(both.json).toEqual({ customerId: 'C1', scopes: ['USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO'], user: { userId: 'C1', userName: { fullName: user.fullName }, avatar: user.avatar, contactInfos: [{ contactType: 'MOBILE_PHONE', contactNo: expect.stringMatching(PHONE_RE) }] } });

    // The avatar is the wallet simulator's, served on the same server: an SVG.
    const avatar = await fetch(`${demo.url}${profile.json.user.avatar}`);
    expect(avatar.status).toBe(200);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toMatch(/^<svg /);
  });

  it('a user info the wallet fails or cannot be trusted: the error the kit reads (503 retryable, 502 not), the session kept; an access token the wallet refuses: one refresh, then the answer', async () => {
    const demo = await startDemo();
    const sessionId = await demo.open(['auth_base', 'USER_NAME', 'USER_AVATAR']);
    expect((await demo.me(sessionId)).status).toBe(200);
    for (const [type, status, retryable] of [['BAD_SIGNATURE', 502, false], ['NO_SIGNATURE', 502, false], ['HTTP_500', 503, true], ['UNKNOWN_EXCEPTION', 503, true]] as const) {
      // Until cleared: the kit's client retries a transient answer of inquiryUserInfo (safe to repeat).
      demo.wallet.setFault({ type, api: 'inquiryUserInfo' });
      const answer = await demo.me(sessionId);
      demo.wallet.setFault(null);
      expect({ status: answer.status, error: answer.json.error }).toEqual({ status, error: { code: 'BACKEND_ERROR', message: expect.any(String), retryable } });
      expect((await demo.me(sessionId)).status).toBe(200);
    }
    // The wallet refuses the access token once (EXPIRED_ACCESS_TOKEN): the grant is refreshed (one
    // REFRESH_TOKEN call) and the call made again with the new token.
    const before = demo.wallet.stats.refreshToken;
    demo.wallet.setFault({ resultCode: 'EXPIRED_ACCESS_TOKEN', api: 'inquiryUserInfo', times: 1 });
    const refreshed = await demo.me(sessionId);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.user.userName.fullName).toMatch(NAME_RE);
    expect(demo.wallet.stats.refreshToken - before).toBe(1);
  });
});
