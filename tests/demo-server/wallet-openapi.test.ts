/**
 * The simulated wallet OpenAPI over real HTTP: request checks, single-use codes, refresh rotation,
 * signed answers, injectable faults and the loopback-only code issuing route.
 */
import * as http from 'node:http';
import { loadServerModule, makeClock, postJson, signedApplyToken, type SignedCallOptions } from './helpers';
import * as signingHelpers from './signing';

const MINUTE = 60_000;
let signing: any;
let walletModule: any;
let merchant: { publicKeyPem: string; privateKeyPem: string };
let walletKeys: { publicKeyPem: string; privateKeyPem: string };
let stranger: { publicKeyPem: string; privateKeyPem: string };

let clock: ReturnType<typeof makeClock>;
let wallet: any;
let baseUrl: string;

beforeAll(async () => {
  signing = signingHelpers;
  walletModule = await loadServerModule('wallet-openapi.mjs');
  merchant = signing.generateKeyPair();
  walletKeys = signing.generateKeyPair();
  stranger = signing.generateKeyPair();
});

beforeEach(async () => {
  clock = makeClock();
  wallet = walletModule.createWalletOpenApi({
    clientId: 'TEST_CLIENT',
    merchantPublicKeyPem: merchant.publicKeyPem,
    walletPrivateKeyPem: walletKeys.privateKeyPem,
    now: clock.now,
    accessTokenTtlMs: 60 * MINUTE,
    refreshTokenTtlMs: 120 * MINUTE,
  });
  ({ url: baseUrl } = await wallet.listen(0));
});

afterEach(() => wallet.close());

function call(body: unknown, options: Partial<SignedCallOptions> = {}) {
  return signedApplyToken(signing, { baseUrl, privateKeyPem: merchant.privateKeyPem, now: clock.now, body, ...options });
}

const exchange = (authCode: string) => call({ grantType: 'AUTHORIZATION_CODE', authCode });
const refresh = (refreshToken: string) => call({ grantType: 'REFRESH_TOKEN', refreshToken });

function expectFailure(answer: { status: number; json: any }, resultCode: string) {
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ result: { resultCode, resultStatus: 'F', resultMessage: expect.any(String) } });
}

/** The answer's Signature verifies with the wallet public key over Client-Id.Response-Time.body. */
function answerSignatureValid(answer: { headers: Headers; text: string }, clientId = 'TEST_CLIENT') {
  return signing.verifySignatureHeader({
    method: 'POST',
    path: '/v1/authorizations/applyToken',
    clientId,
    time: answer.headers.get('response-time'),
    body: answer.text,
    header: answer.headers.get('signature'),
    publicKey: walletKeys.publicKeyPem,
  });
}

describe('applyToken success', () => {
  it('answers exactly like seed 000, signed by the wallet', async () => {
    const { authCode } = wallet.issueCode({ scopes: ['auth_base', 'USER_NAME'], customerId: '10000011193988041234' });
    const answer = await exchange(authCode);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(answer.json).sort()).toEqual(
      ['accessToken', 'accessTokenExpiryTime', 'customerId', 'extendInfo', 'refreshToken', 'refreshTokenExpiryTime', 'result'].sort(),
    );
    expect(answer.json).toEqual({
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      accessToken: expect.stringMatching(/^[0-9A-F]{40,}$/),
      accessTokenExpiryTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/),
      refreshToken: expect.stringMatching(/^[0-9A-F]{40,}$/),
      refreshTokenExpiryTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/),
      customerId: '10000011193988041234',
      extendInfo: null,
    });
    expect(answer.json.refreshToken).not.toBe(answer.json.accessToken);
    expect(signing.parseIsoTime(answer.json.accessTokenExpiryTime)).toBe(Math.floor((clock.now() + 60 * MINUTE) / 1000) * 1000);
    expect(answer.headers.get('client-id')).toBe('TEST_CLIENT');
    expect(Math.abs(signing.parseIsoTime(answer.headers.get('response-time')) - clock.now())).toBeLessThan(1000);
    expect(answerSignatureValid(answer)).toBe(true);
    expect(answerSignatureValid({ ...answer, text: answer.text.replace('SUCCESS', 'SUCCES5') })).toBe(false);
    expect(wallet.inspectAccessToken(answer.json.accessToken)).toEqual({
      customerId: '10000011193988041234',
      scopes: ['auth_base', 'USER_NAME'],
      expiresAt: clock.now() + 60 * MINUTE,
    });
  });

  it('defaults access tokens to 10 years, as on SuperQi', async () => {
    const plain = walletModule.createWalletOpenApi({ clientId: 'TEST_CLIENT', merchantPublicKeyPem: merchant.publicKeyPem, walletPrivateKeyPem: walletKeys.privateKeyPem });
    const { url } = await plain.listen(0);
    try {
      const answer = await signedApplyToken(signing, { baseUrl: url, privateKeyPem: merchant.privateKeyPem, body: { grantType: 'AUTHORIZATION_CODE', authCode: plain.issueCode({ scopes: ['auth_base'] }).authCode } });
      const years = (signing.parseIsoTime(answer.json.accessTokenExpiryTime) - Date.now()) / (365.25 * 24 * 60 * MINUTE);
      expect(years).toBeGreaterThan(9.99);
      expect(years).toBeLessThan(10.01);
      expect(signing.parseIsoTime(answer.json.refreshTokenExpiryTime)).toBeGreaterThan(signing.parseIsoTime(answer.json.accessTokenExpiryTime));
    } finally {
      await plain.close();
    }
  });

  it('issues unguessable, distinct codes shaped like the documented ones', () => {
    const codes = new Set(Array.from({ length: 200 }, () => wallet.issueCode({ scopes: ['auth_base'] }).authCode as string));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^0000000001[A-Za-z0-9_-]{22}$/);
  });
});

describe('applyToken request checks', () => {
  let code: string;
  beforeEach(() => {
    code = wallet.issueCode({ scopes: ['auth_base'] }).authCode;
  });
  const body = () => ({ grantType: 'AUTHORIZATION_CODE', authCode: code });

  it('Client-Id: missing → PARAM_ILLEGAL, unknown → INVALID_AUTH_CLIENT; answers stay signed', async () => {
    expectFailure(await call(body(), { clientId: null }), 'PARAM_ILLEGAL');
    const unknown = await call(body(), { clientId: 'SOMEONE_ELSE' });
    expectFailure(unknown, 'INVALID_AUTH_CLIENT');
    expect(answerSignatureValid(unknown, 'SOMEONE_ELSE')).toBe(true);
    expect((await exchange(code)).json.result.resultCode).toBe('SUCCESS'); // the code was not consumed
  });

  it('Request-Time: missing or unparseable → PARAM_ILLEGAL; outside ±5 min → ACCESS_DENIED', async () => {
    expectFailure(await call(body(), { time: null }), 'PARAM_ILLEGAL');
    expectFailure(await call(body(), { time: 'yesterday' }), 'PARAM_ILLEGAL');
    expectFailure(await call(body(), { time: '2024-01-01T12:00:00' }), 'PARAM_ILLEGAL');
    expectFailure(await call(body(), { time: signing.requestTime(clock.now() - 6 * MINUTE) }), 'ACCESS_DENIED');
    expectFailure(await call(body(), { time: signing.requestTime(clock.now() + 6 * MINUTE) }), 'ACCESS_DENIED');
    const offsetTime = signing.requestTime(clock.now() - 4 * MINUTE, -7 * 60);
    expect(offsetTime).toMatch(/-07:00$/);
    expect((await call(body(), { time: offsetTime })).json.result.resultCode).toBe('SUCCESS');
  });

  it('Signature: another key, other content, missing, not RSA256, another keyVersion → INVALID_SIGNATURE', async () => {
    expectFailure(await call(body(), { privateKeyPem: stranger.privateKeyPem }), 'INVALID_SIGNATURE');
    expectFailure(await call(body(), { signBody: JSON.stringify({ grantType: 'AUTHORIZATION_CODE', authCode: 'other' }) }), 'INVALID_SIGNATURE');
    expectFailure(await call(body(), { signature: null }), 'INVALID_SIGNATURE');
    const content = signing.signedContent({ method: 'POST', path: '/v1/authorizations/applyToken', clientId: 'TEST_CLIENT', time: signing.requestTime(clock.now()), body: JSON.stringify(body()) });
    const good = signing.sign(content, merchant.privateKeyPem);
    const time = signing.requestTime(clock.now());
    expectFailure(await call(body(), { time, signature: `algorithm=RSA, keyVersion=1, signature=${good}` }), 'INVALID_SIGNATURE');
    expectFailure(await call(body(), { time, signature: `algorithm=RSA256, keyVersion=2, signature=${good}` }), 'INVALID_SIGNATURE');
    // The same signature in a well-formed header is accepted: the failures above were the header's.
    expect((await call(body(), { time, signature: `signature=${encodeURIComponent(good)}, algorithm=RSA256` })).json.result.resultCode).toBe('SUCCESS');
  });

  it('malformed bodies → PARAM_ILLEGAL', async () => {
    for (const bad of ['not json', '[1,2]', 'null', { grantType: 'PASSWORD' }, { grantType: 'AUTHORIZATION_CODE' }, { grantType: 'AUTHORIZATION_CODE', authCode: 42 }, { grantType: 'REFRESH_TOKEN' }, {}]) {
      expectFailure(await call(bad), 'PARAM_ILLEGAL');
    }
  });

  it('other methods → INVALID_API with HTTP 405', async () => {
    const response = await fetch(`${baseUrl}/v1/authorizations/applyToken`, { method: 'GET', headers: { 'Client-Id': 'TEST_CLIENT' } });
    expect(response.status).toBe(405);
    expect((await response.json()).result.resultCode).toBe('INVALID_API');
  });
});

describe('codes and refresh tokens', () => {
  it('codes: unknown → INVALID_CODE, second use → USED_CODE, after 10 minutes → EXPIRED_CODE', async () => {
    expectFailure(await exchange('0000000001doesnotexist000000000'), 'INVALID_CODE');
    const { authCode } = wallet.issueCode({ scopes: ['auth_base'] });
    expect((await exchange(authCode)).json.result.resultCode).toBe('SUCCESS');
    expectFailure(await exchange(authCode), 'USED_CODE');

    const late = wallet.issueCode({ scopes: ['auth_base'] }).authCode;
    clock.advance(10 * MINUTE - 1);
    const justInTime = wallet.issueCode({ scopes: ['auth_base'] }).authCode;
    clock.advance(1);
    expectFailure(await exchange(late), 'EXPIRED_CODE');
    expect((await exchange(justInTime)).json.result.resultCode).toBe('SUCCESS');
  });

  it('refresh tokens rotate on use: the old one → USED_REFRESH_TOKEN, unknown → INVALID_REFRESH_TOKEN', async () => {
    const first = (await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode)).json;
    const second = await refresh(first.refreshToken);
    expect(second.json.result.resultCode).toBe('SUCCESS');
    expect(answerSignatureValid(second)).toBe(true);
    expect(second.json.refreshToken).not.toBe(first.refreshToken);
    expect(second.json.accessToken).not.toBe(first.accessToken);
    expect(second.json.customerId).toBe(first.customerId);
    expectFailure(await refresh(first.refreshToken), 'USED_REFRESH_TOKEN');
    expectFailure(await refresh('2810100NOSUCHTOKEN'), 'INVALID_REFRESH_TOKEN');
    expect((await refresh(second.json.refreshToken)).json.result.resultCode).toBe('SUCCESS');
  });

  it('refresh tokens expire → EXPIRED_REFRESH_TOKEN; access tokens expire with their time', async () => {
    const first = (await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode)).json;
    clock.advance(61 * MINUTE);
    expect(wallet.inspectAccessToken(first.accessToken)).toBeNull();
    const renewed = (await refresh(first.refreshToken)).json;
    expect(renewed.result.resultCode).toBe('SUCCESS');
    expect(wallet.inspectAccessToken(renewed.accessToken)).not.toBeNull();
    clock.advance(120 * MINUTE);
    expectFailure(await refresh(renewed.refreshToken), 'EXPIRED_REFRESH_TOKEN');
  });

  it('a token carries every scope the customer granted so far', async () => {
    await exchange(wallet.issueCode({ scopes: ['auth_base'], customerId: 'C1' }).authCode);
    const later = (await exchange(wallet.issueCode({ scopes: ['USER_NAME'], customerId: 'C1' }).authCode)).json;
    expect(wallet.inspectAccessToken(later.accessToken).scopes.sort()).toEqual(['USER_NAME', 'auth_base']);
    const other = (await exchange(wallet.issueCode({ scopes: ['USER_AVATAR'], customerId: 'C2' }).authCode)).json;
    expect(wallet.inspectAccessToken(other.accessToken).scopes).toEqual(['USER_AVATAR']);
  });
});

describe('injected faults', () => {
  it('U results (UNKNOWN_EXCEPTION, REQUEST_TRAFFIC_EXCEED_LIMIT) are signed and leave the code unused', async () => {
    const { authCode } = wallet.issueCode({ scopes: ['auth_base'] });
    for (const type of ['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT']) {
      wallet.setFault({ type, times: 1 });
      const answer = await exchange(authCode);
      expect(answer.status).toBe(200);
      expect(answer.json.result).toEqual({ resultCode: type, resultStatus: 'U', resultMessage: expect.any(String) });
      expect(answerSignatureValid(answer)).toBe(true);
    }
    expect((await exchange(authCode)).json.result.resultCode).toBe('SUCCESS');
    expect(wallet.stats.faults).toBe(2);
  });

  it('HTTP 500, a bad or missing answer signature, and added latency', async () => {
    wallet.setFault({ type: 'HTTP_500', times: 1 });
    expect((await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode)).status).toBe(500);

    wallet.setFault({ type: 'BAD_SIGNATURE', times: 1 });
    const forged = await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode);
    expect(forged.json.result.resultCode).toBe('SUCCESS');
    expect(signing.parseSignatureHeader(forged.headers.get('signature'))).not.toBeNull();
    expect(answerSignatureValid(forged)).toBe(false);

    wallet.setFault({ type: 'NO_SIGNATURE', times: 1 });
    const unsigned = await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode);
    expect(unsigned.headers.get('signature')).toBeNull();

    wallet.setLatency(150);
    const started = Date.now();
    const slow = await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(answerSignatureValid(slow)).toBe(true);
  });

  it('a fault with a probability hits only some calls', async () => {
    wallet.setFault({ type: 'UNKNOWN_EXCEPTION', probability: 0.5 });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode)).json.result.resultStatus);
    expect(statuses).toContain('U');
    expect(statuses).toContain('S');
    wallet.setFault(null);
    expect((await exchange(wallet.issueCode({ scopes: ['auth_base'] }).authCode)).json.result.resultStatus).toBe('S');
  });
});

describe('POST /sim/codes', () => {
  it('issues codes that applyToken accepts, for the given customer and scopes', async () => {
    const issued = await postJson(`${baseUrl}/sim/codes`, { scopes: ['auth_base', 'USER_NAME'], customerId: 'C42' });
    expect(issued.status).toBe(200);
    expect(Object.keys(issued.json)).toEqual(['authCode']);
    const answer = await exchange(issued.json.authCode);
    expect(answer.json.customerId).toBe('C42');
    expect(wallet.inspectAccessToken(answer.json.accessToken).scopes).toEqual(['auth_base', 'USER_NAME']);
    // Without a customerId: the wallet's one default user, the same every time.
    const a = (await exchange((await postJson(`${baseUrl}/sim/codes`, { scopes: ['auth_base'] })).json.authCode)).json.customerId;
    const b = (await exchange((await postJson(`${baseUrl}/sim/codes`, { scopes: ['auth_base'] })).json.authCode)).json.customerId;
    expect(a).toBe(wallet.defaultCustomerId);
    expect(b).toBe(a);
  });

  it('refuses bad requests', async () => {
    for (const bad of ['nope', {}, { scopes: [] }, { scopes: 'auth_base' }, { scopes: ['has space'] }, { scopes: ['auth_base'], customerId: 'x y' }]) {
      const answer = await postJson(`${baseUrl}/sim/codes`, bad);
      expect(answer.status).toBe(400);
      expect(answer.json.error.code).toBe('PARAM_ILLEGAL');
    }
    expect((await fetch(`${baseUrl}/sim/codes`)).status).toBe(405);
    expect((await fetch(`${baseUrl}/elsewhere`)).status).toBe(404);
  });

  it('serves loopback clients only', async () => {
    // Traffic stays on loopback: the peer is presented as a non-loopback (documentation-range)
    // address on a loopback connection.
    const relabel = http.createServer((req, res) => {
      Object.defineProperty(req.socket, 'remoteAddress', { value: '192.0.2.7', configurable: true });
      wallet.handler(req, res);
    });
    await new Promise<void>((resolve) => relabel.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await postJson(`http://127.0.0.1:${(relabel.address() as { port: number }).port}/sim/codes`, { scopes: ['auth_base'] });
      expect(answer.status).toBe(403);
      expect(answer.json.error.code).toBe('ACCESS_DENIED');
    } finally {
      await new Promise((resolve) => relabel.close(resolve));
    }
  });
});
