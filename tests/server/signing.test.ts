/**
 * The signature itself: the exact bytes signed, interoperability with `openssl dgst -sha256` both
 * ways, the node:crypto and WebCrypto engines giving the same bytes, the header of each dialect, and
 * the times.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromBase64, toBase64 } from '../../server/openapi/bytes';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { loadKey } from '../../server/openapi/keys';
import { PROFILES } from '../../server/openapi/profiles';
import { formatSignatureHeader, parseSignatureHeader, sign, signedContent, verify, type SignedParts } from '../../server/openapi/signing';
import { formatRequestTime, parseIsoTime, parseResponseTime } from '../../server/openapi/time';
import { createWalletOpenApiSimulator } from '../../server/testing';
import { keys, opensslDir } from './helpers';

const node = cryptoEngine('node')!;
const web = cryptoEngine('webcrypto')!;
const parts = (body: string, time = '2024-01-01T12:00:00-07:00'): SignedParts => ({ method: 'post', path: '/v1/authorizations/applyToken', clientId: 'C1', time, body });

test('the signed content is "<METHOD> <path>\\n<Client-Id>.<time>.<body>", the body as raw bytes', () => {
  const text = new TextDecoder().decode(signedContent(parts('{"a":1}')));
  expect(text).toBe('POST /v1/authorizations/applyToken\nC1.2024-01-01T12:00:00-07:00.{"a":1}');
  // Bytes that are not valid UTF-8 are signed as they are (an answer is verified over its raw bytes).
  const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
  expect([...signedContent({ ...parts(''), body: raw }).slice(-4)]).toEqual([...raw]);
});

describe('against openssl dgst -sha256', () => {
  const ssl = opensslDir();
  afterAll(() => ssl.done());
  const { merchant } = keys();
  const privateKey = loadKey(merchant.privatePkcs1, 'private', 'privateKey');
  const publicKey = loadKey(merchant.publicPem, 'public', 'walletPublicKey');
  const bodies = ['{"grantType":"AUTHORIZATION_CODE","authCode":"0000000001abc"}', '{"name":"زينب الهاشمي","emoji":"🙂"}', ''];

  it.each(bodies)('the kit signs (both engines), openssl verifies: %j', async (body) => {
    const content = ssl.file('content.bin', signedContent(parts(body)));
    const pub = ssl.file('pub.pem', merchant.publicPem);
    for (const engine of [node, web]) {
      ssl.file('sig.bin', fromBase64(await sign(engine, privateKey, parts(body)))!);
      expect(ssl.openssl(['dgst', '-sha256', '-verify', pub, '-signature', 'sig.bin', content]).toString()).toMatch(/Verified OK/);
    }
  });

  it.each(bodies)('openssl signs, the kit verifies (both engines): %j', async (body) => {
    const content = ssl.file('content.bin', signedContent(parts(body)));
    ssl.openssl(['dgst', '-sha256', '-sign', ssl.file('priv.pem', merchant.privatePkcs1), '-out', 'sig.bin', content]);
    const signature = toBase64(readFileSync(ssl.file('sig.bin')));
    for (const engine of [node, web]) {
      expect(await verify(engine, [publicKey], parts(body), signature)).toBe(true);
      expect(await verify(engine, [publicKey], parts(`${body} `), signature)).toBe(false);
    }
  });
});

test('node:crypto and WebCrypto give the same signature, equal to crypto.sign, and each verifies the other', async () => {
  const { merchant, wallet } = keys();
  // PKCS#1 on purpose: WebCrypto can import it only as the PKCS#8 the kit wraps it into.
  const privateKey = loadKey(merchant.privatePkcs1, 'private', 'privateKey');
  const publicKey = loadKey(merchant.publicPkcs1, 'public', 'walletPublicKey');
  for (let i = 0; i < 20; i++) {
    const p = parts(JSON.stringify({ i, text: 'x'.repeat(i * 37) }), formatRequestTime(Date.now() + i * 1000, i * 30 - 300));
    const [fromNode, fromWeb] = [await sign(node, privateKey, p), await sign(web, privateKey, p)];
    expect(fromWeb).toBe(fromNode);
    expect(fromNode).toBe(createSign('sha256').update(signedContent(p)).sign(merchant.privateKey, 'base64'));
    expect(await verify(web, [publicKey], p, fromNode)).toBe(true);
    expect(await verify(node, [publicKey], p, fromWeb)).toBe(true);
    expect(await verify(node, [loadKey(wallet.publicPem, 'public', 'w')], p, fromWeb)).toBe(false);
  }
});

test('verify tries every wallet key (rotation) and never throws on garbage', async () => {
  const { merchant, wallet, stranger } = keys();
  const p = parts('{}');
  const signature = await sign(node, loadKey(wallet.privatePem, 'private', 'privateKey'), p);
  const rotated = [stranger.publicPem, wallet.publicPem].map((k) => loadKey(k, 'public', 'walletPublicKey'));
  for (const engine of [node, web]) {
    expect(await verify(engine, rotated, p, signature)).toBe(true);
    expect(await verify(engine, rotated, p, encodeURIComponent(signature))).toBe(true);
    expect(await verify(engine, [loadKey(merchant.publicPem, 'public', 'w')], p, signature)).toBe(false);
    for (const bad of ['', 'not base64!', 'AAAA', '%%', 'A'.repeat(5000)]) expect(await verify(engine, rotated, p, bad)).toBe(false);
  }
});

test('the Signature header of each dialect', () => {
  const sig = 'ab+c/Q==';
  expect(formatSignatureHeader(sig, 1, PROFILES.superqi.headerStyle)).toBe('algorithm=RSA256, keyVersion=1, signature=ab+c/Q==');
  expect(formatSignatureHeader(sig, 2, PROFILES.alipayplus.headerStyle)).toBe('algorithm=RSA256,keyVersion=2,signature=ab%2Bc%2FQ%3D%3D');
  const expected = { algorithm: 'RSA256', keyVersion: 2, signature: sig };
  expect(parseSignatureHeader(formatSignatureHeader(sig, 2, PROFILES.superqi.headerStyle))).toEqual(expected);
  expect(parseSignatureHeader(formatSignatureHeader(sig, 2, PROFILES.alipayplus.headerStyle))).toEqual(expected);
  // Other spellings of the same bytes (ignored padding bits) read as the one canonical value.
  expect(parseSignatureHeader('algorithm=RSA256, keyVersion=2, signature=ab+c/d==')).toEqual(expected);
});

describe('times', () => {
  const at = Date.UTC(2024, 0, 1, 12, 0, 0, 640);

  it('Request-Time: ISO 8601 at second precision with a numeric offset', () => {
    expect(formatRequestTime(at)).toBe('2024-01-01T12:00:00+00:00');
    expect(formatRequestTime(at, -7 * 60)).toBe('2024-01-01T05:00:00-07:00');
    expect(formatRequestTime(at, 5 * 60 + 30)).toBe('2024-01-01T17:30:00+05:30');
    expect(parseIsoTime(formatRequestTime(at, 180))).toBe(Date.UTC(2024, 0, 1, 12));
  });

  it('Response-Time: ISO 8601 with an offset (fractions too), or epoch milliseconds; nothing ambiguous', () => {
    const noon = Date.UTC(2024, 0, 1, 19);
    expect(parseResponseTime('2024-01-01T12:00:00-07:00')).toBe(noon);
    expect(parseResponseTime('2024-01-01T19:00:00Z')).toBe(noon);
    expect(parseResponseTime('2024-01-01T19:00:00.25Z')).toBe(noon + 250);
    expect(parseResponseTime('2024-01-02T03:00:00+0800')).toBe(noon);
    expect(parseResponseTime(String(noon))).toBe(noon);
    for (const bad of ['2024-01-01T12:00:00', '2024-02-30T00:00:00Z', '2024-01-01 12:00:00Z', 'yesterday', '', '12e3', null, 42]) {
      expect(parseResponseTime(bad)).toBeNull();
    }
  });
});

test('an openssl-signed request is accepted by the simulator over HTTP, and its signed answer verifies with openssl', async () => {
  const { merchant, wallet } = keys();
  const ssl = opensslDir();
  const sim = createWalletOpenApiSimulator({ clientId: 'TEST_CLIENT', merchantPublicKey: merchant.publicPem, walletPrivateKey: wallet.privatePem });
  const { url } = await sim.listen();
  try {
    for (const encode of [false, true]) {
      const body = JSON.stringify({ grantType: 'AUTHORIZATION_CODE', authCode: sim.issueCode().authCode });
      const time = formatRequestTime(Date.now());
      const content = ssl.file('request.bin', signedContent({ method: 'POST', path: '/v1/authorizations/applyToken', clientId: 'TEST_CLIENT', time, body }));
      const signature = toBase64(ssl.openssl(['dgst', '-sha256', '-sign', ssl.file('merchant.pem', merchant.privatePkcs1), content]));
      const answer = await fetch(`${url}/v1/authorizations/applyToken`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Client-Id': 'TEST_CLIENT', 'Request-Time': time, Signature: `algorithm=RSA256, keyVersion=1, signature=${encode ? encodeURIComponent(signature) : signature}` },
        body,
      });
      const text = await answer.text();
      expect(JSON.parse(text).result).toEqual({ resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' });
      const answered = ssl.file('answer.bin', signedContent({ method: 'POST', path: '/v1/authorizations/applyToken', clientId: 'TEST_CLIENT', time: answer.headers.get('response-time')!, body: text }));
      ssl.file('answer.sig', fromBase64(parseSignatureHeader(answer.headers.get('signature'))!.signature)!);
      expect(ssl.openssl(['dgst', '-sha256', '-verify', ssl.file('wallet.pem', wallet.publicPem), '-signature', 'answer.sig', answered]).toString()).toMatch(/Verified OK/);
    }
  } finally {
    await sim.close();
    ssl.done();
  }
});
