/**
 * Every simulator fault and every result code → the contract's `kind` / `action` (CONTRACT.md,
 * "Server"), with the aliases wallets use; retries: transient answers of calls safe to repeat are
 * retried with backoff inside the deadline, applyToken is sent again only when it provably never left.
 */
import { createPrivateKey } from 'node:crypto';
import * as http from 'node:http';
import { createWalletClient, RESULT_CODES, RESULT_CODE_ALIASES } from '../../server';
import type { WalletCallEvent, WalletFetch } from '../../server';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { CLIENT_ID, keys, walletError, world } from './helpers';

const TABLE: Array<[string[], string, string]> = [
  [['INVALID_CODE', 'USED_CODE', 'EXPIRED_CODE'], 'refused', 'NEW_AUTH_CODE'],
  [['INVALID_REFRESH_TOKEN', 'EXPIRED_REFRESH_TOKEN', 'USED_REFRESH_TOKEN'], 'refused', 'REAUTHORIZE'],
  [['INVALID_ACCESS_TOKEN', 'EXPIRED_ACCESS_TOKEN'], 'refused', 'REFRESH'],
  [['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT'], 'transient', 'RETRY_LATER'],
  [['INVALID_SIGNATURE', 'KEY_NOT_FOUND', 'INVALID_AUTH_CLIENT', 'INVALID_API', 'ACCESS_DENIED'], 'config', 'FIX_CONFIG'],
  [['PARAM_ILLEGAL'], 'request', 'FIX_REQUEST'],
  [['PROCESS_FAIL', 'SOMETHING_NEW'], 'refused', 'INVESTIGATE'],
];

describe('result codes → kind and action, signed (verified: true) and unsigned (verified: false)', () => {
  const rows = TABLE.flatMap(([codes, kind, action]) => codes.map((code) => [code, kind, action] as const));
  it.each(rows)('%s → %s / %s', async (code, kind, action) => {
    for (const unsigned of [false, true]) {
      const { exchange, sim } = world({ fault: { resultCode: code, unsigned, ...(kind === 'transient' ? {} : { resultStatus: 'F' }) } });
      const error = await walletError(exchange());
      expect(error).toMatchObject({ kind, action, resultCode: code, walletResultCode: code, verified: !unsigned, retryable: kind === 'transient', httpStatus: 200, api: 'applyToken' });
      expect(sim.calls.at(-1)?.signed).toBe(!unsigned);
    }
  });

  it('the table covers every code of the contract, and nothing else is transient but U', () => {
    expect(Object.keys(RESULT_CODES).sort()).toEqual([...rows.map(([code]) => code).filter((c) => c !== 'SOMETHING_NEW'), 'AUTH_CLIENT_UNSUPPORTED_GRANT_TYPE'].sort());
  });

  it('aliases read as their canonical code; the wallet spelling is kept', async () => {
    for (const [alias, canonical] of Object.entries(RESULT_CODE_ALIASES)) {
      const error = await walletError(world({ fault: { resultCode: alias, resultStatus: 'F' } }).exchange());
      expect({ alias, resultCode: error.resultCode, walletResultCode: error.walletResultCode }).toEqual({ alias, resultCode: canonical, walletResultCode: alias });
    }
    // The v2 simulator answers the v2 spelling itself.
    const v2 = world({}, { profile: 'alipayplus', appId: 'APP' });
    const authCode = v2.code();
    await v2.exchange(authCode);
    expect(await walletError(v2.exchange(authCode))).toMatchObject({ kind: 'refused', action: 'NEW_AUTH_CODE', resultCode: 'USED_CODE', walletResultCode: 'USED_AUTHCODE' });
  });

  it('any U is transient, whatever its code; an F with a transient code is final (INVESTIGATE)', async () => {
    expect(await walletError(world({ fault: { resultCode: 'USED_CODE', resultStatus: 'U' } }).exchange())).toMatchObject({ kind: 'transient', action: 'RETRY_LATER', resultStatus: 'U' });
    expect(await walletError(world({ fault: { resultCode: 'WHATEVER', resultStatus: 'U' } }).exchange())).toMatchObject({ kind: 'transient', resultCode: 'WHATEVER' });
    expect(await walletError(world({ fault: { resultCode: 'UNKNOWN_EXCEPTION', resultStatus: 'F' } }).exchange())).toMatchObject({ kind: 'refused', action: 'INVESTIGATE' });
  });
});

describe('the simulator faults → the contract', () => {
  const cases: Array<[string, object]> = [
    ['HTTP_500', { kind: 'transient', action: 'RETRY_LATER', httpStatus: 500 }],
    ['HTTP_503', { kind: 'transient', action: 'RETRY_LATER', httpStatus: 503 }],
    ['HTTP_429', { kind: 'transient', action: 'RETRY_LATER', httpStatus: 429 }],
    ['UNKNOWN_EXCEPTION', { kind: 'transient', resultStatus: 'U', resultCode: 'UNKNOWN_EXCEPTION', verified: true }],
    ['REQUEST_TRAFFIC_EXCEED_LIMIT', { kind: 'transient', resultStatus: 'U', resultCode: 'REQUEST_TRAFFIC_EXCEED_LIMIT' }],
    ['DROP', { kind: 'network', action: 'RETRY_LATER', retryable: true }],
    ['DROP_AFTER', { kind: 'network', action: 'RETRY_LATER' }],
    ['NO_SIGNATURE', { kind: 'untrusted', action: 'FIX_CONFIG' }],
    ['BAD_SIGNATURE', { kind: 'untrusted', action: 'FIX_CONFIG' }],
    ['TAMPERED', { kind: 'untrusted', action: 'FIX_CONFIG' }],
    ['STALE_TIME', { kind: 'untrusted', action: 'FIX_CONFIG' }],
    ['EARLY_TIME', { kind: 'untrusted', action: 'FIX_CONFIG' }],
    ['OTHER_CLIENT_ID', { kind: 'untrusted', action: 'FIX_CONFIG' }],
    ['NOT_JSON', { kind: 'untrusted', action: 'FIX_CONFIG' }],
  ];
  it.each(cases)('%s', async (type, expected) => {
    const { exchange } = world({ fault: { type: type as 'DROP' } });
    expect(await walletError(exchange())).toMatchObject({ api: 'applyToken', ...expected });
  });

  it('SLOW past the deadline: timeout; within it: the answer', async () => {
    const slow = world({ fault: { type: 'SLOW', delayMs: 300 } }, { timeoutMs: 100 });
    expect(await walletError(slow.exchange())).toMatchObject({ kind: 'timeout', action: 'RETRY_LATER', retryable: true, httpStatus: null });
    await expect(world({ fault: { type: 'SLOW', delayMs: 30 } }, { timeoutMs: 1000 }).exchange()).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('a per-call timeout and the caller\'s AbortSignal', async () => {
    const { exchange, client, sim } = world({ latencyMs: 200 });
    const grant = await exchange();
    expect(await walletError(client.inquiryUserInfo(grant.accessToken, { timeoutMs: 50 }))).toMatchObject({ kind: 'timeout', api: 'inquiryUserInfo' });
    const controller = new AbortController();
    const pending = client.inquiryUserInfo(grant.accessToken, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user went away')), 20);
    await expect(pending).rejects.toThrow('user went away');
    sim.setLatency(0);
    await expect(client.inquiryUserInfo(grant.accessToken, { timeoutMs: 1000 })).resolves.toMatchObject({ userId: grant.customerId });
  });
});

describe('retries', () => {
  const events = () => {
    const seen: WalletCallEvent[] = [];
    return { seen, onCall: (e: WalletCallEvent) => void seen.push(e) };
  };

  it('inquiryUserInfo and cancelToken: a U or 5xx answer is retried with backoff, then answered', async () => {
    for (const type of ['UNKNOWN_EXCEPTION', 'HTTP_503', 'DROP'] as const) {
      const { seen, onCall } = events();
      const { exchange, client, sim } = world({}, { onCall });
      const grant = await exchange();
      sim.setFault({ type, api: 'inquiryUserInfo', times: 2 });
      await expect(client.inquiryUserInfo(grant.accessToken)).resolves.toMatchObject({ userId: grant.customerId });
      expect(seen.filter((e) => e.api === 'inquiryUserInfo').map((e) => [e.attempt, e.errorKind])).toEqual([[1, type === 'DROP' ? 'network' : 'transient'], [2, type === 'DROP' ? 'network' : 'transient'], [3, null]]);
      sim.setFault({ type, api: 'cancelToken', times: 1 });
      await expect(client.cancelToken(grant.accessToken)).resolves.toBeUndefined();
      expect(sim.stats.cancelToken).toBe(2);
    }
  });

  it('retries stop at `retries`, and never outlive the deadline', async () => {
    const { exchange, client, sim } = world({}, { retries: 1 });
    const grant = await exchange();
    sim.setFault({ type: 'UNKNOWN_EXCEPTION', api: 'inquiryUserInfo' });
    expect(await walletError(client.inquiryUserInfo(grant.accessToken))).toMatchObject({ kind: 'transient' });
    expect(sim.stats.inquiryUserInfo).toBe(2);
    const started = Date.now();
    expect(await walletError(client.inquiryUserInfo(grant.accessToken, { timeoutMs: 60 }))).toMatchObject({ kind: expect.stringMatching(/^(transient|timeout)$/) });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('applyToken is not retried blindly: a U, a 5xx or a lost answer is left to the caller (the code may be spent)', async () => {
    for (const type of ['UNKNOWN_EXCEPTION', 'HTTP_500', 'DROP', 'DROP_AFTER'] as const) {
      const { exchange, sim } = world({ fault: { type, times: 1 } });
      expect(await walletError(exchange())).toMatchObject({ retryable: true });
      expect(sim.stats.applyToken).toBe(1);
    }
    // The refresh grant neither: a second send of a rotated refresh token would end the grant.
    const { exchange, client, sim } = world();
    const grant = await exchange();
    sim.setFault({ type: 'DROP_AFTER', times: 1 });
    expect(await walletError(client.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: grant.refreshToken! }))).toMatchObject({ kind: 'network' });
    expect(sim.stats.refreshToken).toBe(1);
  });

  it('a connection lost after the request left is not "never sent", whatever its code (EHOSTUNREACH on read)', async () => {
    // What a kept-alive connection reports when its route dies mid-call: the wallet already has the request.
    const systemError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
    const fetchFailed = (cause: Error) => Object.defineProperty(new TypeError('fetch failed'), 'cause', { value: cause });
    const lost = (code: string, syscall: string) => fetchFailed(systemError(code, syscall));
    for (const [code, syscall] of [['EHOSTUNREACH', 'read'], ['ENETUNREACH', 'write'], ['ECONNREFUSED', 'read']] as const) {
      const { sim } = world();
      const { merchant, wallet } = keys();
      const fetch = async (url: string, init: Parameters<typeof sim.fetch>[1]) => {
        await (await sim.fetch(url, init)).arrayBuffer();
        throw lost(code, syscall);
      };
      const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch, retries: 3 });
      expect(await walletError(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode }))).toMatchObject({ kind: 'network', action: 'RETRY_LATER' });
      expect({ code, sent: sim.stats.applyToken }).toEqual({ code, sent: 1 });
    }
    // While connecting it is still "never sent": retried, and the retry lands (also Node's AggregateError of several addresses).
    const aggregate = () => fetchFailed(Object.assign(new Error('connect ECONNREFUSED'), { name: 'AggregateError', code: 'ECONNREFUSED', errors: [systemError('ECONNREFUSED', 'connect'), systemError('EHOSTUNREACH', 'connect')] }));
    for (const refusal of [() => lost('EHOSTUNREACH', 'connect'), () => lost('ENOTFOUND', 'getaddrinfo'), aggregate]) {
      const { sim } = world();
      let failures = 1;
      const fetch = async (url: string, init: Parameters<typeof sim.fetch>[1]) => {
        if (failures-- > 0) throw refusal();
        return sim.fetch(url, init);
      };
      const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: keys().merchant.privatePem, walletPublicKey: keys().wallet.publicPem, fetch });
      await expect(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode })).resolves.toMatchObject({ customerId: sim.defaultCustomerId });
    }
  });

  it('applyToken is sent again when the connection was refused (the request never left)', async () => {
    // A port that refuses, then a wallet there: the first attempt is refused, a later one lands.
    const { merchant, wallet } = keys();
    const { sim } = world();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const seen: WalletCallEvent[] = [];
    const client = createWalletClient({ baseUrl: `http://127.0.0.1:${port}`, clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, retries: 5, onCall: (e) => void seen.push(e) });
    const later = setTimeout(() => void sim.listen({ port }), 30);
    try {
      const grant = await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode });
      expect(grant.customerId).toBe(sim.defaultCustomerId);
      expect(seen[0]).toMatchObject({ attempt: 1, errorKind: 'network' });
      expect(sim.stats.applyToken).toBe(1);
    } finally {
      clearTimeout(later);
      client.close();
      await sim.close();
    }
  });
});

test('a private key that reads but cannot sign is a configuration to fix, not a network failure to retry', async () => {
  const { merchant, wallet } = keys();
  // A damaged key: well-formed DER of 2048 bits whose prime q is 0; OpenSSL and WebCrypto refuse to sign with it.
  const damaged = createPrivateKey({ key: { ...merchant.privateKey.export({ format: 'jwk' }), q: 'AA' }, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }) as string;
  for (const cryptoEngine of ['node', 'webcrypto'] as const) {
    const seen: WalletCallEvent[] = [];
    const { sim } = world();
    const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: damaged, walletPublicKey: wallet.publicPem, fetch: sim.fetch, cryptoEngine, onCall: (e) => void seen.push(e) });
    expect(await walletError(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode }))).toMatchObject({ kind: 'config', action: 'FIX_CONFIG', retryable: false, message: expect.stringMatching(/privateKey cannot sign/) });
    expect(await walletError(client.inquiryUserInfo('2810100TOKEN'))).toMatchObject({ kind: 'config', retryable: false });
    expect(seen.map((e) => [e.api, e.attempt, e.errorKind])).toEqual([['applyToken', 1, 'config'], ['inquiryUserInfo', 1, 'config']]);
    expect(sim.stats.applyToken + sim.stats.inquiryUserInfo).toBe(0);
  }
});

test('the deadline holds even when the injected fetch ignores its signal and never answers', async () => {
  const { merchant, wallet } = keys();
  const never = () => new Promise<never>(() => undefined);
  const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch: never, timeoutMs: 50 });
  expect(await walletError(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: 'X' }))).toMatchObject({ kind: 'timeout', action: 'RETRY_LATER' });
  const controller = new AbortController();
  const pending = client.inquiryUserInfo('T', { signal: controller.signal, timeoutMs: 60_000 });
  controller.abort(new Error('stop'));
  await expect(pending).rejects.toThrow('stop');
});

test('nothing is sent once the call is over: aborted by the caller or past its deadline while the request was being signed', async () => {
  const { merchant, wallet } = keys();
  let sent = 0;
  // A fetch that ignores its signal (the client must not rely on it to stay silent).
  const deaf: WalletFetch = async () => (sent++, new Response('{}', { status: 503 }));
  const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch: deaf });
  // Signing that takes 50 ms (a busy thread pool).
  const engine = cryptoEngine('node')!;
  const original = engine.sign.bind(engine);
  const slowSign = jest.spyOn(engine, 'sign').mockImplementation(async (key, data) => (await new Promise((resolve) => setTimeout(resolve, 50)), original(key, data)));
  try {
    const controller = new AbortController();
    const pending = client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: '0000000001AbortedWhileSigning' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('the user left')), 10);
    await expect(pending).rejects.toThrow('the user left');
    expect(await walletError(client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: '0000000001LateAfterSigning' }, { timeoutMs: 10 }))).toMatchObject({ kind: 'timeout' });
    // Let both signings finish: a request the client would still send goes out now.
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    slowSign.mockRestore();
  }
  expect(sent).toBe(0);
});

test('call(): another API is retried only when told it is idempotent (a payment is never sent twice blindly)', async () => {
  const { merchant, wallet } = keys();
  let sent = 0;
  const busy = async () => (sent++, new Response('busy', { status: 503 }));
  const client = createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch: busy });
  expect(await walletError(client.call('/v1/payments/pay', { paymentRequestId: 'P1' }))).toMatchObject({ kind: 'transient', api: 'pay', httpStatus: 503 });
  expect(sent).toBe(1);
  sent = 0;
  expect(await walletError(client.call('/v1/payments/inquiryPayment', { paymentRequestId: 'P1' }, { idempotent: true }))).toMatchObject({ kind: 'transient', api: 'inquiryPayment' });
  expect(sent).toBe(3);
});
