/**
 * Nothing secret anywhere: across every scenario of the other server tests (each fault on each API,
 * each result code, signed and unsigned, bad keys, timeouts, aborts, dropped connections), no auth
 * code, access or refresh token, piece of key material or user data from an answer's body appears in
 * an error (message, stack, every field, its causes), an onCall event, a checkKeys report, or
 * anything written to the console.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createWalletClient, WalletError } from '../../server';
import type { WalletCallEvent, WalletFetch } from '../../server';
import { FAULT_TYPES, createWalletOpenApiSimulator, simulatedUser } from '../../server/testing';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { loadKey } from '../../server/openapi/keys';
import { formatSignatureHeader, sign } from '../../server/openapi/signing';
import { formatRequestTime } from '../../server/openapi/time';
import { CLIENT_ID, keys } from './helpers';

const seen: unknown[] = [];
const events: WalletCallEvent[] = [];
const secrets = new Set<string>();
const consoleLines: string[] = [];

/** Every string reachable from a value: own properties (enumerable or not), message, stack, causes. */
function strings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6 || value === null || value === undefined) return out;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'object' || typeof value === 'function') {
    for (const name of Object.getOwnPropertyNames(value)) {
      try {
        strings((value as Record<string, unknown>)[name], out, depth + 1);
      } catch {
        // A getter that throws holds nothing to leak.
      }
    }
  } else out.push(String(value));
  return out;
}

/** Key material: every 16-character piece of each key's base64 body. */
function keyPieces(): string[] {
  const { merchant, wallet, stranger } = keys();
  return [merchant.privatePem, merchant.privatePkcs1, merchant.publicPem, wallet.privatePem, wallet.publicPem, stranger.privatePem].flatMap((pem) => {
    const body = pem.replace(/-----[^-]+-----|\s/g, '');
    return Array.from({ length: Math.floor(body.length / 16) }, (_, i) => body.slice(i * 16, i * 16 + 16));
  });
}

/** A simulator whose traffic is watched for tokens and codes, and a client that reports every event. */
function watchedWorld(clientOptions: Record<string, unknown> = {}) {
  const { merchant, wallet } = keys();
  const sim = createWalletOpenApiSimulator({ clientId: CLIENT_ID, merchantPublicKey: merchant.publicPem, walletPrivateKey: wallet.privatePem });
  const fetch: WalletFetch = async (url, init) => {
    for (const m of init.body.matchAll(/"(?:authCode|accessToken|refreshToken)":"([^"]+)"/g)) secrets.add(m[1] as string);
    const answer = await sim.fetch(url, init);
    const text = await answer.clone().text();
    for (const m of text.matchAll(/"(?:accessToken|refreshToken)":"([^"]+)"/g)) secrets.add(m[1] as string);
    return answer;
  };
  const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch, onCall: (e) => void events.push(e), ...clientOptions });
  return { sim, client };
}

/** Keeps the failure (a success holds tokens by design: it is what the caller asked for). */
const keep = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => void seen.push(error));

let consoleSpies: jest.SpyInstance[];
beforeAll(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' '))),
  );
});
afterAll(() => consoleSpies.forEach((spy) => spy.mockRestore()));

test('every fault on every API, every result code, signed or not', async () => {
  for (const api of ['applyToken', 'inquiryUserInfo', 'cancelToken'] as const) {
    for (const type of FAULT_TYPES) {
      const { sim, client } = watchedWorld({ timeoutMs: 400 });
      const grant = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode({ scopes: ['USER_NAME', 'USER_CONTACTINFO'] }).authCode });
      sim.setFault({ type, api, ...(type === 'SLOW' ? { delayMs: 600 } : {}) });
      await keep(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode }));
      await keep(client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: grant.refreshToken as string }));
      await keep(client.inquiryUserInfo(grant.accessToken));
      await keep(client.cancelToken(grant.accessToken));
      await keep(client.call('/v1/payments/inquiryPayment', { paymentId: grant.accessToken }));
    }
  }
  for (const resultCode of ['INVALID_CODE', 'USED_REFRESH_TOKEN', 'EXPIRED_ACCESS_TOKEN', 'UNKNOWN_EXCEPTION', 'ACCESS_DENIED', 'PARAM_ILLEGAL', 'NEW_CODE']) {
    for (const unsigned of [false, true]) {
      const { sim, client } = watchedWorld();
      const grant = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode });
      sim.setFault({ resultCode, unsigned });
      await keep(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode }));
      await keep(client.inquiryUserInfo(grant.accessToken));
    }
  }
  expect(seen.filter((e) => e instanceof WalletError).length).toBeGreaterThan(120);
  expect(secrets.size).toBeGreaterThan(100);
}, 60_000);

test('an unsigned answer that echoes a token in its message, aborts, and bad keys', async () => {
  const echo = 'SECRET-TOKEN-ECHOED-0123456789';
  secrets.add(echo);
  const { merchant, wallet } = keys();
  const base = { baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, onCall: (e: WalletCallEvent) => void events.push(e) };
  const echoing: WalletFetch = async () => new Response(JSON.stringify({ result: { resultStatus: 'F', resultCode: 'INVALID_ACCESS_TOKEN', resultMessage: `token ${echo} is invalid` } }));
  await keep(createWalletClient({ ...base, fetch: echoing }).inquiryUserInfo(echo));
  const notJson: WalletFetch = async () => new Response(`{"accessToken":"${echo}"`, { headers: { Signature: 'algorithm=RSA256, signature=AAAA', 'Client-Id': CLIENT_ID, 'Response-Time': new Date().toISOString() } });
  await keep(createWalletClient({ ...base, fetch: notJson }).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: echo }));
  const controller = new AbortController();
  // A fetch that never answers and ignores its signal: the deadline and the abort still end the call.
  const hanging: WalletFetch = () => new Promise(() => undefined);
  const aborted = createWalletClient({ ...base, fetch: hanging }).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: echo }, { signal: controller.signal });
  controller.abort();
  await keep(aborted);
  await keep(createWalletClient({ ...base, fetch: hanging, timeoutMs: 20 }).applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: echo }));
  await keep(createWalletClient({ ...base, baseUrl: 'http://127.0.0.1:1' }).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: echo }));
  for (const privateKey of [merchant.privatePem.slice(0, 300), merchant.publicPem, merchant.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }), `${merchant.privatePem}\n${merchant.privatePem}`]) {
    try {
      createWalletClient({ ...base, privateKey: privateKey as string });
    } catch (error) {
      seen.push(error);
    }
  }
  // A key that reads but cannot sign (q = 0): most of its text is the merchant's key.
  const damaged = createPrivateKey({ key: { ...merchant.privateKey.export({ format: 'jwk' }), q: 'AA' }, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }) as string;
  for (const cryptoEngine of ['node', 'webcrypto'] as const) await keep(createWalletClient({ ...base, privateKey: damaged, cryptoEngine, fetch: echoing }).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: echo }));
  // The wallet's modulus with exponent 1 (refused: anyone could forge for it).
  const exponentOne = createPublicKey({ key: { ...wallet.publicKey.export({ format: 'jwk' }), e: 'AQ' }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
  for (const walletPublicKey of [merchant.publicPem, [wallet.publicPem, merchant.privatePem], exponentOne]) {
    try {
      seen.push(await createWalletClient({ ...base, walletPublicKey: walletPublicKey as string }).checkKeys());
    } catch (error) {
      seen.push(error);
    }
  }
  expect(seen.filter((e) => e instanceof TypeError).length).toBeGreaterThanOrEqual(4);
});

test('an answer whose resultCode echoes the auth code or token sent (whole or cut), signed or not: the code is not reported', async () => {
  const { merchant, wallet } = keys();
  const walletKey = loadKey(wallet.privatePem, 'private', 'walletPrivateKey');
  const authCode = '0000000001EchoedBackAsTheResult_Code';
  const accessToken = `2810100${'AB12'.repeat(20)}`;
  secrets.add(authCode);
  secrets.add(accessToken.slice(0, 40));
  const answering = (resultStatus: 'F' | 'U', resultCode: string, signed: boolean, path: string): WalletFetch => async () => {
    const body = JSON.stringify({ result: { resultStatus, resultCode, resultMessage: 'x' } });
    const time = formatRequestTime(Date.now());
    const signature = await sign(cryptoEngine()!, walletKey, { method: 'POST', path, clientId: CLIENT_ID, time, body });
    return new Response(body, { headers: signed ? { 'Client-Id': CLIENT_ID, 'Response-Time': time, Signature: formatSignatureHeader(signature, 1) } : {} });
  };
  const own: WalletCallEvent[] = [];
  const client = (fetch: WalletFetch) => createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch, retries: 0, onCall: (e) => void own.push(e) });
  const errors: unknown[] = [];
  for (const signed of [false, true]) {
    for (const status of ['F', 'U'] as const) {
      await client(answering(status, authCode, signed, '/v1/authorizations/applyToken')).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode }).catch((e: unknown) => void errors.push(e));
      await client(answering(status, accessToken.slice(0, 40), signed, '/v1/users/inquiryUserInfo')).inquiryUserInfo(accessToken).catch((e: unknown) => void errors.push(e));
    }
  }
  expect(errors).toHaveLength(8);
  for (const error of errors) expect(error).toMatchObject({ name: 'WalletError', resultCode: 'UNKNOWN', walletResultCode: 'UNKNOWN' });
  const texts = [...errors.flatMap((e) => strings(e)), ...own.map((e) => JSON.stringify(e))];
  expect(texts.filter((text) => text.includes(authCode) || text.includes(accessToken.slice(0, 40)))).toEqual([]);
  seen.push(...errors);
  events.push(...own);
  // A short code or token that happens to be in a real result code is no echo: the code stands.
  const short = await client(answering('F', 'EXPIRED_CODE', true, '/v1/authorizations/applyToken')).applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: 'X' }).catch((e: unknown) => e);
  expect(short).toMatchObject({ resultCode: 'EXPIRED_CODE', action: 'NEW_AUTH_CODE' });
});

test('…and none of it holds a code, a token, key material or user data', () => {
  const user = simulatedUser('x');
  expect(user.fullName).toBeTruthy();
  const texts = [...seen.flatMap((value) => strings(value)), ...events.map((e) => JSON.stringify(e)), ...consoleLines];
  const needles = [...secrets, ...keyPieces()];
  const leaks = texts.flatMap((text) => needles.filter((needle) => text.includes(needle)).map((needle) => `${needle.slice(0, 8)}… in ${text.slice(0, 80)}`));
  expect(leaks).toEqual([]);
  // User data from answers (names, masked numbers) never lands in errors or events either.
  expect(texts.filter((text) => /Al-[A-Z][a-z]+|\+964|•••/.test(text))).toEqual([]);
  expect(consoleLines).toEqual([]);
  expect(texts.length).toBeGreaterThan(1000);
});
