/**
 * OpenAPI signing: interoperability with OpenSSL in both directions, header parsing, times; and an
 * OpenSSL-signed request accepted by the wallet simulator over HTTP.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadServerModule, removeDir, signedApplyToken, tempDir } from './helpers';

let signing: any;
let walletModule: any;
let dir: string;
let merchant: { publicKeyPem: string; privateKeyPem: string };
let walletKeys: { publicKeyPem: string; privateKeyPem: string };

beforeAll(async () => {
  signing = await loadServerModule('signing.mjs');
  walletModule = await loadServerModule('wallet-openapi.mjs');
  dir = tempDir('signing-');
  merchant = signing.generateKeyPair();
  walletKeys = signing.generateKeyPair();
  fs.writeFileSync(path.join(dir, 'merchant-public.pem'), merchant.publicKeyPem);
  fs.writeFileSync(path.join(dir, 'merchant-private.pem'), merchant.privateKeyPem);
  fs.writeFileSync(path.join(dir, 'wallet-public.pem'), walletKeys.publicKeyPem);
});

afterAll(() => removeDir(dir));

const file = (name: string) => path.join(dir, name);

/** `openssl dgst -sha256 -verify` on the exact bytes; true when OpenSSL says "Verified OK". */
function opensslVerifies(publicKeyFile: string, content: string, base64Signature: string): boolean {
  fs.writeFileSync(file('content.txt'), content, 'utf8');
  fs.writeFileSync(file('sig.bin'), Buffer.from(base64Signature, 'base64'));
  const run = spawnSync('openssl', ['dgst', '-sha256', '-verify', publicKeyFile, '-signature', file('sig.bin'), file('content.txt')], { encoding: 'utf8' });
  return run.status === 0 && run.stdout.includes('Verified OK');
}

/** `openssl dgst -sha256 -sign` (RSA PKCS#1 v1.5) over the exact bytes, as base64. */
function opensslSign(privateKeyFile: string, content: string): string {
  fs.writeFileSync(file('content.txt'), content, 'utf8');
  execFileSync('openssl', ['dgst', '-sha256', '-sign', privateKeyFile, '-out', file('sig.bin'), file('content.txt')]);
  return fs.readFileSync(file('sig.bin')).toString('base64');
}

describe('signed content', () => {
  it('is "<METHOD> <PATH>\\n<Client-Id>.<Request-Time>.<body>"', () => {
    expect(
      signing.signedContent({ method: 'post', path: '/v1/authorizations/applyToken', clientId: 'C1', time: '2024-01-01T12:00:00-07:00', body: '{"a":1}' }),
    ).toBe('POST /v1/authorizations/applyToken\nC1.2024-01-01T12:00:00-07:00.{"a":1}');
  });
});

describe('asynchronous signing (crypto.sign / crypto.verify with a callback: the work runs off the main thread)', () => {
  const content = 'POST /v1/authorizations/applyToken\nTEST_CLIENT.2024-01-01T12:00:00+00:00.{"a":1}';

  it('signAsync gives the signature sign gives (PKCS#1 v1.5 is deterministic), and OpenSSL verifies it', async () => {
    const pending = signing.signAsync(content, merchant.privateKeyPem);
    expect(typeof pending.then).toBe('function'); // a promise (of Node's own context)
    const signature = await pending;
    expect(signature).toBe(signing.sign(content, merchant.privateKeyPem));
    expect(opensslVerifies(file('merchant-public.pem'), content, signature)).toBe(true);
  });

  it('verifyAsync accepts the signature, refuses another content, key or a malformed value, and never rejects', async () => {
    const signature = signing.sign(content, merchant.privateKeyPem);
    expect(await signing.verifyAsync(content, signature, merchant.publicKeyPem)).toBe(true);
    expect(await signing.verifyAsync(`${content} `, signature, merchant.publicKeyPem)).toBe(false);
    expect(await signing.verifyAsync(content, signature, walletKeys.publicKeyPem)).toBe(false);
    expect(await signing.verifyAsync(content, encodeURIComponent(signature), merchant.publicKeyPem)).toBe(true);
    for (const bad of ['', 'not base64!', 'AAAA', 42, null]) expect(await signing.verifyAsync(content, bad, merchant.publicKeyPem)).toBe(false);
    expect(await signing.verifyAsync(content, signature, 'not a key')).toBe(false);
  });
});

describe('OpenSSL interoperability', () => {
  const content = () =>
    signing.signedContent({
      method: 'POST',
      path: '/v1/authorizations/applyToken',
      clientId: 'TEST_CLIENT',
      time: '2024-01-01T12:00:00-07:00',
      body: '{"grantType":"AUTHORIZATION_CODE","authCode":"0000000001T1dc0W0tv448DB00007826"}',
    });

  it('a signature made by sign() verifies with openssl dgst -verify, and only over the exact content', () => {
    const signature = signing.sign(content(), merchant.privateKeyPem);
    expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(signature, 'base64')).toHaveLength(256); // RSA 2048
    expect(opensslVerifies(file('merchant-public.pem'), content(), signature)).toBe(true);
    expect(opensslVerifies(file('merchant-public.pem'), content().replace('AUTHORIZATION_CODE', 'AUTHORIZATION_CODF'), signature)).toBe(false);
    expect(opensslVerifies(file('wallet-public.pem'), content(), signature)).toBe(false);
  });

  it('a signature made by openssl dgst -sign verifies with verify(), raw and URL-encoded', () => {
    const signature = opensslSign(file('merchant-private.pem'), content());
    expect(signing.verify(content(), signature, merchant.publicKeyPem)).toBe(true);
    const urlEncoded = encodeURIComponent(signature);
    expect(urlEncoded).not.toBe(signature);
    expect(signing.verify(content(), urlEncoded, merchant.publicKeyPem)).toBe(true);
    expect(signing.verify(`${content()} `, signature, merchant.publicKeyPem)).toBe(false);
    expect(signing.verify(content(), signature, walletKeys.publicKeyPem)).toBe(false);
    expect(signing.verify(content(), 'not base64!', merchant.publicKeyPem)).toBe(false);
  });

  it('non-ASCII bodies are signed as UTF-8 bytes', () => {
    const text = 'POST /x\nC.2024-01-01T00:00:00+00:00.{"name":"علي ئەحمەد"}';
    expect(opensslVerifies(file('merchant-public.pem'), text, signing.sign(text, merchant.privateKeyPem))).toBe(true);
  });

  it('an OpenSSL-signed applyToken request is accepted by the wallet simulator, and its signed answer verifies with OpenSSL', async () => {
    const wallet = walletModule.createWalletOpenApi({
      clientId: 'TEST_CLIENT',
      merchantPublicKeyPem: merchant.publicKeyPem,
      walletPrivateKeyPem: walletKeys.privateKeyPem,
    });
    const { url } = await wallet.listen(0);
    try {
      for (const encode of [false, true]) {
        const { authCode } = wallet.issueCode({ scopes: ['auth_base'] });
        const body = JSON.stringify({ grantType: 'AUTHORIZATION_CODE', authCode });
        const time = signing.requestTime(new Date());
        const signature = opensslSign(
          file('merchant-private.pem'),
          signing.signedContent({ method: 'POST', path: '/v1/authorizations/applyToken', clientId: 'TEST_CLIENT', time, body }),
        );
        const answer = await signedApplyToken(signing, {
          baseUrl: url,
          privateKeyPem: merchant.privateKeyPem,
          body,
          time,
          signature: `algorithm=RSA256, keyVersion=1, signature=${encode ? encodeURIComponent(signature) : signature}`,
        });
        expect(answer.status).toBe(200);
        expect(answer.json.result).toEqual({ resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' });

        const responseTime = answer.headers.get('response-time') as string;
        const parsed = signing.parseSignatureHeader(answer.headers.get('signature'));
        expect(parsed).not.toBeNull();
        expect(answer.headers.get('client-id')).toBe('TEST_CLIENT');
        const signedAnswer = `POST /v1/authorizations/applyToken\nTEST_CLIENT.${responseTime}.${answer.text}`;
        expect(opensslVerifies(file('wallet-public.pem'), signedAnswer, parsed.signature)).toBe(true);
      }
    } finally {
      await wallet.close();
    }
  });
});

describe('Signature header', () => {
  const sig = 'QUJD' + 'REVG'.repeat(10) + 'Rw==';

  it('formats as the SuperQi docs show, optionally URL-encoded', () => {
    expect(signing.formatSignatureHeader(sig)).toBe(`algorithm=RSA256, keyVersion=1, signature=${sig}`);
    expect(signing.formatSignatureHeader('a+b/c=', 2, { urlEncode: true })).toBe('algorithm=RSA256, keyVersion=2, signature=a%2Bb%2Fc%3D');
  });

  it('parses tolerantly: order, spacing, name case, quotes, URL-encoding, missing keyVersion', () => {
    const expected = { algorithm: 'RSA256', keyVersion: 1, signature: sig };
    expect(signing.parseSignatureHeader(`algorithm=RSA256, keyVersion=1, signature=${sig}`)).toEqual(expected);
    expect(signing.parseSignatureHeader(`signature=${sig},keyVersion=1,algorithm=RSA256`)).toEqual(expected);
    expect(signing.parseSignatureHeader(`  Algorithm = RSA256 ,  KEYVERSION=1 ,signature="${sig}" `)).toEqual(expected);
    expect(signing.parseSignatureHeader(`algorithm=RSA256, keyVersion=1, signature=${encodeURIComponent(sig)}`)).toEqual(expected);
    expect(signing.parseSignatureHeader(`algorithm=RSA256, signature=${sig}`)).toEqual({ ...expected, keyVersion: null });
  });

  it('refuses other algorithms, repeated fields, bad keyVersion, bad or missing signatures', () => {
    for (const value of [
      `algorithm=RSA, keyVersion=1, signature=${sig}`,
      `algorithm=rsa256, keyVersion=1, signature=${sig}`,
      `algorithm=RSA2, keyVersion=1, signature=${sig}`,
      `keyVersion=1, signature=${sig}`,
      `algorithm=RSA256, algorithm=RSA256, keyVersion=1, signature=${sig}`,
      `algorithm=RSA256, keyVersion=one, signature=${sig}`,
      'algorithm=RSA256, keyVersion=1',
      'algorithm=RSA256, keyVersion=1, signature=',
      'algorithm=RSA256, keyVersion=1, signature=abc$',
      'algorithm=RSA256, keyVersion=1, signature=%E0%A4%A',
      `algorithm=RSA256, keyVersion=1, signature=${sig}, junk`,
      '',
      undefined,
    ]) {
      expect(signing.parseSignatureHeader(value)).toBeNull();
    }
  });
});

describe('Request-Time', () => {
  it('renders ISO 8601 with a numeric offset, seconds precision', () => {
    const at = Date.UTC(2024, 0, 1, 12, 0, 0, 789);
    expect(signing.requestTime(new Date(at))).toBe('2024-01-01T12:00:00+00:00');
    expect(signing.requestTime(at, -7 * 60)).toBe('2024-01-01T05:00:00-07:00');
    expect(signing.requestTime(at, 5 * 60 + 30)).toBe('2024-01-01T17:30:00+05:30');
  });

  it('parses any ISO offset including Z, and refuses local times and impossible dates', () => {
    const noon = Date.UTC(2024, 0, 1, 19, 0, 0);
    expect(signing.parseIsoTime('2024-01-01T12:00:00-07:00')).toBe(noon);
    expect(signing.parseIsoTime('2024-01-01T19:00:00Z')).toBe(noon);
    expect(signing.parseIsoTime('2024-01-01T19:00:00.250Z')).toBe(noon + 250);
    expect(signing.parseIsoTime('2024-01-02T03:00:00+0800')).toBe(noon);
    expect(signing.parseIsoTime(signing.requestTime(noon))).toBe(noon);
    for (const bad of ['2024-01-01T19:00:00', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01 19:00:00Z', 'yesterday', '', null]) {
      expect(signing.parseIsoTime(bad)).toBeNull();
    }
  });
});

