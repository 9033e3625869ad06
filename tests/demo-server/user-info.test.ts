/**
 * User info over real loopback servers: the wallet simulator's `POST /v1/users/inquiryUserInfo` (request
 * checks, signed answers, scope-dependent fields, deterministic fake users), its `/sim/avatars/<n>.svg`,
 * and the merchant backend's `profile` in `GET /api/me`.
 */
import { filesContain, loadServerModule, makeClock, postJson, readAnswer, removeDir, signedApplyToken, signedInquiryUserInfo, tempDir, type RawAnswer } from './helpers';
import { MINUTE, closeWorlds, makeWorld, serverModules, startWallet as startWalletServer } from './world';

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
afterEach(closeWorlds);

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

describe('merchant GET /api/me profile', () => {
  /** A world (wallet, backend over a temp database, recorded wallet calls and log lines) that keeps every answer of the backend. */
  async function startWorld() {
    const world = await makeWorld(TOKEN_TTLS);
    const { url, wallet } = world;
    const answers: RawAnswer[] = [];
    const keep = (answer: RawAnswer) => {
      answers.push(answer);
      return answer;
    };
    return Object.assign(world, {
      /** Every token the wallet issued so far (in the requests and answers of the backend's wallet calls). */
      tokens: () => world.calls.flatMap((c) => [JSON.stringify(c.request), c.text]).flatMap((t) => [...t.matchAll(/"(?:accessToken|refreshToken)":"([^"]+)"/g)].map((m) => m[1] as string)),
      answers,
      async open(scopes: string[], customerId = 'C1') {
        const { authCode } = wallet.issueCode({ scopes, customerId });
        const opened = keep(await postJson(`${url}/api/auth/session`, { authCode, scopes }));
        expect(opened.status).toBe(200);
        return opened.json.sessionId as string;
      },
      me: async (sessionId: string) => keep(await fetch(`${url}/api/me`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(readAnswer)),
    });
  }

  it('answers name and avatar only once the session covers USER_NAME / USER_AVATAR, phone with USER_CONTACTINFO; never a token', async () => {
    const world = await startWorld();
    const user = walletModule.simulatedUser('C1');

    const base = await world.open(['auth_base']);
    const first = await world.me(base);
    expect(first.status).toBe(200);
    expect(first.json.profile).toEqual({});
    expect(world.wallet.stats.inquiryUserInfo).toBe(0); // nothing to ask for

    const named = await world.open(['USER_NAME', 'USER_AVATAR']);
    const profile = await world.me(named);
    expect(profile.status).toBe(200);
    expect(profile.json).toEqual({
      customerId: 'C1',
      scopes: ['auth_base', 'USER_NAME', 'USER_AVATAR'],
      expiresAt: expect.any(Number),
      accessTokenExpiresAt: expect.any(Number),
      refreshTokenExpiresAt: expect.any(Number),
      refreshed: false,
      profile: { name: user.fullName, avatar: user.avatar },
    });
    expect(profile.json.profile.name).toMatch(NAME_RE);
    expect(profile.json.profile.avatar).toMatch(AVATAR_RE);
    expect(world.wallet.stats.inquiryUserInfo).toBe(1); // signed, and the signed answer verified (else profile: null)
    // The older session still covers auth_base only: it gets no more than before, although the token could.
    expect((await world.me(base)).json.profile).toEqual({});

    const full = await world.me(await world.open(['USER_CONTACTINFO']));
    expect(full.json.profile).toEqual({ name: user.fullName, avatar: user.avatar, phone: expect.stringMatching(PHONE_RE) });

    // The avatar path is the wallet simulator's: an SVG.
    const avatar = await fetch(`${world.walletUrl}${profile.json.profile.avatar}`);
    expect(avatar.status).toBe(200);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toMatch(/^<svg /);

    // POST /api/auth/refresh answers the session without the profile.
    const refreshed = await postJson(`${world.url}/api/auth/refresh`, {}, { Authorization: `Bearer ${named}` });
    expect(refreshed.json.refreshed).toBe(true);
    expect(refreshed.json).not.toHaveProperty('profile');
    world.answers.push(refreshed, await world.me(named));

    const tokens = world.tokens();
    expect(tokens.length).toBeGreaterThanOrEqual(8);
    for (const token of tokens) {
      for (const answer of world.answers) expect(answer.text).not.toContain(token);
      expect(world.logs.join('\n')).not.toContain(token);
      expect(filesContain([world.dbPath, `${world.dbPath}-wal`], token)).toBe(false);
    }
  });

  it('answers profile: null, and the rest, when inquiryUserInfo fails or cannot be trusted', async () => {
    const world = await startWorld();
    const sessionId = await world.open(['auth_base', 'USER_NAME', 'USER_AVATAR']);
    const fine = await world.me(sessionId);
    expect(fine.json.profile).toEqual({ name: expect.stringMatching(NAME_RE), avatar: expect.stringMatching(AVATAR_RE) });
    for (const type of ['BAD_SIGNATURE', 'NO_SIGNATURE', 'HTTP_500', 'UNKNOWN_EXCEPTION']) {
      // Until cleared: the kit's client retries a transient answer of inquiryUserInfo (safe to repeat).
      world.wallet.setFault({ type, api: 'inquiryUserInfo' });
      const answer = await world.me(sessionId);
      world.wallet.setFault(null);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ ...fine.json, profile: null });
    }
    expect(world.logs.filter((line) => /inquiryUserInfo failed/.test(line))).toHaveLength(4);

    // A wallet that no longer knows the token (restarted on the same port): INVALID_ACCESS_TOKEN → null.
    await world.wallet.close();
    const port = Number(new URL(world.walletUrl).port);
    const amnesiac = walletModule.createWalletOpenApi({ clientId: 'TEST_CLIENT', merchantPublicKeyPem: merchant.publicKeyPem, walletPrivateKeyPem: walletKeys.privateKeyPem, now: world.clock.now });
    await amnesiac.listen(port);
    cleanups.push(() => amnesiac.close());
    const forgotten = await world.me(sessionId);
    expect(forgotten.json).toEqual({ ...fine.json, profile: null });
    expect(amnesiac.stats.inquiryUserInfo).toBe(1);
    expect(world.logs.join('\n')).toMatch(/inquiryUserInfo failed.*INVALID_ACCESS_TOKEN/);

    // The wallet unreachable.
    await amnesiac.close();
    const down = await world.me(sessionId);
    expect(down.status).toBe(200);
    expect(down.json).toEqual({ ...fine.json, profile: null });
  });

  it('the demo runner serves the avatar and the profile on one server', async () => {
    const dataDir = tempDir('user-info-demo-');
    cleanups.push(() => removeDir(dataDir));
    const demo = await runner.startServers({ dataDir, env: {}, logger: null });
    cleanups.push(() => demo.close());
    const scopes = ['auth_base', 'USER_NAME', 'USER_AVATAR'];
    const { authCode } = (await postJson(`${demo.url}/sim/codes`, { scopes })).json;
    const { sessionId } = (await postJson(`${demo.url}/api/auth/session`, { authCode, scopes })).json;
    const me = await fetch(`${demo.url}/api/me`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(readAnswer);
    expect(me.json.profile).toEqual(expect.objectContaining({ name: expect.stringMatching(NAME_RE), avatar: expect.stringMatching(AVATAR_RE) }));
    const avatar = await fetch(`${demo.url}${me.json.profile.avatar}`);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toContain('</svg>');
  });
});
