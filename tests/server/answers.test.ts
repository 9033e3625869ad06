/**
 * Fail closed: an answer that is unsigned, tampered, badly signed, stale, early, replayed for another
 * request, from another Client-Id or not JSON is refused whatever it says, and its body is never
 * parsed (JSON.parse is watched: it never sees the body of a refused answer, and does see a trusted
 * one's). Unsigned F/U answers are classified by their code with `verified: false`. Both signature
 * encodings and both time formats are accepted.
 */
import { createWalletClient, WalletError } from '../../server';
import type { WalletFetch } from '../../server';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { loadKey } from '../../server/openapi/keys';
import { PROFILES } from '../../server/openapi/profiles';
import { formatSignatureHeader, sign } from '../../server/openapi/signing';
import { formatRequestTime } from '../../server/openapi/time';
import { CLIENT_ID, keys, makeClock, walletError, world } from './helpers';

/** JSON.parse watched for the duration of `run`: the texts it was given that contain `marker`. */
async function parsedTexts<T>(marker: string, run: () => Promise<T>): Promise<{ result: T | unknown; parsed: string[] }> {
  const spy = jest.spyOn(JSON, 'parse');
  try {
    const result = await run().catch((error: unknown) => error);
    return { result, parsed: spy.mock.calls.map(([text]) => String(text)).filter((text) => text.includes(marker)) };
  } finally {
    spy.mockRestore();
  }
}

test('a trusted answer is parsed (the watch sees it): the control for the refusals below', async () => {
  const { exchange } = world();
  const { result, parsed } = await parsedTexts('"accessToken"', () => exchange());
  expect(result).toMatchObject({ accessToken: expect.any(String) });
  expect(parsed).toHaveLength(1);
});

describe('an S answer that cannot be trusted is refused, its body never parsed', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['NO_SIGNATURE', 'unsigned', /an unsigned success/],
    ['TAMPERED', 'tampered after signing (same JSON meaning, other bytes)', /does not verify/],
    ['BAD_SIGNATURE', 'signed over other content', /does not verify/],
    ['STALE_TIME', 'older than maxClockSkewMs', /older than maxClockSkewMs/],
    ['EARLY_TIME', 'timed before the request was sent', /earlier than the request/],
    ['OTHER_CLIENT_ID', 'for another Client-Id (genuinely signed)', /another Client-Id/],
    ['NOT_JSON', 'signed but not JSON', /not a JSON object/],
  ];

  it.each(cases)('%s: %s', async (type, _, detail) => {
    const { sim, exchange } = world({ fault: { type: type as 'TAMPERED' } });
    const { result, parsed } = await parsedTexts('resultStatus', () => exchange());
    expect(result).toBeInstanceOf(WalletError);
    expect(result).toMatchObject({ kind: 'untrusted', action: 'FIX_CONFIG', retryable: false, verified: false, resultStatus: null, resultCode: null, api: 'applyToken' });
    expect((result as Error).message).toMatch(detail);
    expect(parsed).toEqual([]);
    // The wallet did answer S: the refusal is the client's.
    expect(sim.calls.at(-1)).toMatchObject({ api: 'applyToken', fault: type });
  });

  it('STALE_TIME is stale for every client, whatever maxClockSkewMs it allows (up to its hour)', async () => {
    for (const maxClockSkewMs of [300_000, 600_000, 3_600_000]) {
      const { exchange } = world({ fault: { type: 'STALE_TIME' } }, { maxClockSkewMs });
      expect({ maxClockSkewMs, message: (await walletError(exchange())).message }).toEqual({ maxClockSkewMs, message: expect.stringMatching(/older than maxClockSkewMs/) });
    }
  });

  it('REPLAY: the answer to one request, sent again for another in the same second', async () => {
    const clock = makeClock();
    const { sim, exchange } = world({ now: clock.now }, { now: clock.now });
    await exchange();
    sim.setFault({ type: 'REPLAY', times: 1 });
    const { result, parsed } = await parsedTexts('resultStatus', () => exchange());
    expect(result).toMatchObject({ kind: 'transient', action: 'RETRY_LATER', verified: false, message: expect.stringMatching(/seen before, for another request/) });
    expect(parsed).toEqual([]);
    // A second later the same replay fails the time check instead.
    sim.setFault({ type: 'REPLAY', times: 1 });
    clock.advance(1000);
    expect((await walletError(exchange())).message).toMatch(/earlier than the request/);
  });

  it('a refusal seen before, for another request: classified from its code, verified: false, never parsed', async () => {
    // Two made-up codes in one second: the wallet's two INVALID_CODE answers are the same bytes.
    const clock = makeClock();
    const { exchange } = world({ now: clock.now }, { now: clock.now });
    expect(await walletError(exchange('0000000001madeUpOne'))).toMatchObject({ resultCode: 'INVALID_CODE', verified: true });
    const { result, parsed } = await parsedTexts('resultStatus', () => exchange('0000000001madeUpTwo'));
    expect(result).toMatchObject({ kind: 'refused', action: 'NEW_AUTH_CODE', resultCode: 'INVALID_CODE', verified: false, message: expect.stringMatching(/seen before/) });
    expect(parsed).toEqual([]);
  });

  it('the same answer to the same request twice in one second is accepted (RSA PKCS#1 v1.5 signatures are deterministic)', async () => {
    const clock = makeClock();
    const { client, exchange } = world({ now: clock.now }, { now: clock.now });
    const grant = await exchange();
    const [a, b] = [await client.inquiryUserInfo(grant.accessToken), await client.inquiryUserInfo(grant.accessToken)];
    expect(b).toEqual(a);
  });
});

describe('answers the client builds by hand', () => {
  const { wallet } = keys();
  const walletKey = loadKey(wallet.privatePem, 'private', 'walletPrivateKey');
  const path = '/v1/authorizations/applyToken';
  /** A fetch that answers `body` with the headers `make` returns (signed over `sign.time` / `sign.clientId` unless null). */
  const answering = (body: string, headers: (time: string) => Promise<Record<string, string>>, status = 200): WalletFetch => async () => new Response(body, { status, headers: await headers(formatRequestTime(Date.now())) });
  const signedHeaders = (body: string, clientId: string | null) => async (time: string) => ({
    ...(clientId === null ? {} : { 'Client-Id': clientId }),
    'Response-Time': time,
    Signature: formatSignatureHeader(await sign(cryptoEngine()!, walletKey, { method: 'POST', path, clientId: clientId ?? CLIENT_ID, time, body }), 1, PROFILES.superqi.headerStyle),
  });
  const clientWith = (fetch: WalletFetch) => createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: keys().merchant.privatePem, walletPublicKey: wallet.publicPem, fetch });
  const exchange = (fetch: WalletFetch) => walletError(clientWith(fetch).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: 'X' }));
  const success = JSON.stringify({ result: { resultStatus: 'S', resultCode: 'SUCCESS' }, accessToken: 'A', customerId: 'C' });

  it('a signed answer without Client-Id, or with a malformed Signature header, is refused', async () => {
    expect(await exchange(answering(success, signedHeaders(success, null)))).toMatchObject({ kind: 'untrusted', message: expect.stringMatching(/no Client-Id on a signed answer/) });
    const malformed = answering(success, async (time) => ({ 'Client-Id': CLIENT_ID, 'Response-Time': time, Signature: 'algorithm=RSA256, signature=%%%' }));
    expect(await exchange(malformed)).toMatchObject({ kind: 'untrusted', message: expect.stringMatching(/malformed Signature/) });
    const noTime = answering(success, async () => ({ 'Client-Id': CLIENT_ID, Signature: 'algorithm=RSA256, signature=AAAA' }));
    expect(await exchange(noTime)).toMatchObject({ kind: 'untrusted', message: expect.stringMatching(/Response-Time missing/) });
  });

  it('unsigned: F/U classified by code (verified: false) without parsing; no result, two results or S: untrusted', async () => {
    const unsigned = (body: string, status = 200) => answering(body, async () => ({}), status);
    const { result, parsed } = await parsedTexts('resultStatus', () => exchange(unsigned('{"result":{"resultStatus":"F","resultCode":"INVALID_SIGNATURE","resultMessage":"x"}}')));
    expect(result).toMatchObject({ kind: 'config', action: 'FIX_CONFIG', resultStatus: 'F', resultCode: 'INVALID_SIGNATURE', verified: false });
    expect(parsed).toEqual([]);
    expect(await exchange(unsigned('{"result":{"resultCode":"SOMETHING_ELSE","resultStatus":"U"}}'))).toMatchObject({ kind: 'transient', resultCode: 'SOMETHING_ELSE', verified: false });
    expect(await exchange(unsigned('{"result":{"resultStatus":"F","resultCode":"USED_CODE"},"x":{"resultStatus":"S"}}'))).toMatchObject({ kind: 'untrusted', message: expect.stringMatching(/without a result/) });
    expect(await exchange(unsigned('{"hello":"world"}'))).toMatchObject({ kind: 'untrusted' });
    expect(await exchange(unsigned('<html>404</html>', 404))).toMatchObject({ kind: 'config', action: 'FIX_CONFIG', httpStatus: 404 });
    expect(await exchange(unsigned('bad request', 400))).toMatchObject({ kind: 'request', action: 'FIX_REQUEST', httpStatus: 400 });
    // An unsigned answer that names another Client-Id is not ours, whatever it says.
    expect(await exchange(answering('{"result":{"resultStatus":"F","resultCode":"USED_CODE"}}', async () => ({ 'Client-Id': 'SOMEONE' })))).toMatchObject({ kind: 'untrusted' });
  });

  it('HTTP 429 and 5xx are transient whatever the body, and the body is not read for them', async () => {
    for (const status of [429, 500, 502, 503, 504]) {
      const { result, parsed } = await parsedTexts('resultStatus', () => exchange(answering(success, signedHeaders(success, CLIENT_ID), status)));
      expect(result).toMatchObject({ kind: 'transient', action: 'RETRY_LATER', retryable: true, httpStatus: status, resultStatus: null });
      expect(parsed).toEqual([]);
    }
  });
});

describe('accepted on answers', () => {
  it('either signature encoding, in either dialect', async () => {
    for (const profile of ['superqi', 'alipayplus'] as const) {
      for (const signatureEncoding of ['raw', 'url'] as const) {
        const { exchange, sim } = world({ signatureEncoding }, { profile, ...(profile === 'alipayplus' ? { appId: 'APP' } : {}) });
        await expect(exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
        expect(sim.calls.at(-1)?.path).toBe(profile === 'superqi' ? '/v1/authorizations/applyToken' : '/v2/authorizations/applyToken');
      }
    }
  });

  it('Response-Time as epoch milliseconds (on demand, or always)', async () => {
    const { exchange } = world({ fault: { type: 'EPOCH_MS_TIME' } });
    await expect(exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
    await expect(world({ responseTimeFormat: 'epoch-ms' }).exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it("answers signed with any of the wallet's keys (rotation)", async () => {
    const { wallet, stranger } = keys();
    const { exchange } = world({}, { walletPublicKey: [stranger.publicPem, wallet.publicPem] });
    await expect(exchange()).resolves.toMatchObject({ customerId: expect.any(String) });
    expect(await walletError(world({}, { walletPublicKey: stranger.publicPem }).exchange())).toMatchObject({ kind: 'untrusted', action: 'FIX_CONFIG' });
  });
});
