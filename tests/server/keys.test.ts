/**
 * Every key a merchant actually has loads, and signs or verifies exactly like the reference key, on
 * both engines; every key that cannot be used is a TypeError at creation that names the option and
 * shows no key material; `checkKeys()` finds the damaged key, the mismatched pair, the swapped key and
 * the short key.
 */
import { createHash, createPublicKey, createSign, generateKeyPairSync, createSecretKey, verify as cryptoVerify, webcrypto } from 'node:crypto';
import { createWalletClient, checkKeys } from '../../server';
import { TAG, encode, sequence } from '../../server/openapi/der';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { loadKey } from '../../server/openapi/keys';
import { sign, verify } from '../../server/openapi/signing';
import { CLIENT_ID, keys, makePair, opensslDir, type Pair } from './helpers';

const engines = [cryptoEngine('node')!, cryptoEngine('webcrypto')!];
const parts = { method: 'POST', path: '/v1/authorizations/applyToken', clientId: CLIENT_ID, time: '2024-01-01T12:00:00+00:00', body: '{"grantType":"AUTHORIZATION_CODE","authCode":"X"}' };
const reference = (pair: Pair) => createSign('sha256').update(`POST ${parts.path}\n${parts.clientId}.${parts.time}.${parts.body}`).sign(pair.privateKey, 'base64');

const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const b64 = (pem: string) => der(pem).toString('base64');
const oneLineEscaped = (pem: string) => pem.trim().replace(/\n/g, '\\n');

/** Every form of the same private key, as merchants keep it. */
async function privateForms(pair: Pair): Promise<Array<[string, unknown]>> {
  const pkcs8Der = der(pair.privatePem);
  return [
    ['PKCS#8 PEM', pair.privatePem],
    ['PKCS#1 PEM', pair.privatePkcs1],
    ['PKCS#8 PEM with CRLF', pair.privatePem.replace(/\n/g, '\r\n')],
    ['PKCS#1 PEM with trailing newlines and indentation', `  ${pair.privatePkcs1}\n\n\n`],
    ['PKCS#8 PEM on one line with \\n escapes (env)', oneLineEscaped(pair.privatePem)],
    ['PKCS#1 PEM quoted with \\r\\n escapes (.env)', `"${pair.privatePkcs1.trim().replace(/\n/g, '\\r\\n')}"`],
    ['bare base64 PKCS#8 DER', b64(pair.privatePem)],
    ['bare base64 PKCS#1 DER', b64(pair.privatePkcs1)],
    ['bare base64 in 64-character lines', b64(pair.privatePkcs1).replace(/(.{64})/g, '$1\n')],
    ['Buffer of the PEM', Buffer.from(pair.privatePkcs1)],
    ['Buffer of PKCS#8 DER', pkcs8Der],
    ['Uint8Array of PKCS#1 DER', new Uint8Array(der(pair.privatePkcs1))],
    ['ArrayBuffer of PKCS#8 DER', pkcs8Der.buffer.slice(pkcs8Der.byteOffset, pkcs8Der.byteOffset + pkcs8Der.length)],
    ['KeyObject', pair.privateKey],
    ['CryptoKey', await webcrypto.subtle.importKey('pkcs8', pkcs8Der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])],
  ];
}

async function publicForms(pair: Pair, certificate: string): Promise<Array<[string, unknown]>> {
  return [
    ['SPKI PEM', pair.publicPem],
    ['RSA PUBLIC KEY PEM', pair.publicPkcs1],
    ['SPKI PEM with CRLF', pair.publicPem.replace(/\n/g, '\r\n')],
    ['RSA PUBLIC KEY on one line with \\n escapes', oneLineEscaped(pair.publicPkcs1)],
    ['bare base64 SPKI DER', b64(pair.publicPem)],
    ['bare base64 PKCS#1 DER', b64(pair.publicPkcs1)],
    ['Buffer of SPKI DER', der(pair.publicPem)],
    ['X.509 certificate PEM', certificate],
    ['KeyObject', pair.publicKey],
    ['CryptoKey', await webcrypto.subtle.importKey('spki', der(pair.publicPem), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify'])],
  ];
}

let certificate: string;
beforeAll(() => {
  const ssl = opensslDir();
  try {
    const key = ssl.file('wallet.pem', keys().wallet.privatePkcs1);
    certificate = ssl.openssl(['req', '-new', '-x509', '-key', key, '-subj', '/CN=wallet', '-days', '1']).toString();
  } finally {
    ssl.done();
  }
});

test('every private key form signs exactly like the key itself, on both engines, and makes a client', async () => {
  const { merchant, wallet } = keys();
  const expected = reference(merchant);
  for (const [form, input] of await privateForms(merchant)) {
    const key = loadKey(input, 'private', 'privateKey');
    for (const engine of engines) expect({ form, engine: engine.name, signature: await sign(engine, key, parts) }).toEqual({ form, engine: engine.name, signature: expected });
    expect(() => createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: input as string, walletPublicKey: wallet.publicPem })).not.toThrow();
  }
});

test('every public key form verifies the wallet signature, on both engines', async () => {
  const { wallet, stranger } = keys();
  const signature = reference(wallet);
  for (const [form, input] of await publicForms(wallet, certificate)) {
    const key = loadKey(input, 'public', 'walletPublicKey');
    for (const engine of engines) {
      expect({ form, engine: engine.name, ok: await verify(engine, [key], parts, signature) }).toEqual({ form, engine: engine.name, ok: true });
      expect(await verify(engine, [key], parts, reference(stranger))).toBe(false);
    }
  }
});

describe('keys that cannot be used: a TypeError naming the option, never the key', () => {
  const { merchant } = keys();
  const passphrase = 'correct horse';
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['an encrypted PKCS#8 PEM', () => merchant.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }), /encrypted/],
    ['a legacy encrypted PKCS#1 PEM (Proc-Type)', () => merchant.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase }), /encrypted/],
    ['an encrypted PKCS#8 as base64 DER', () => (merchant.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase }) as Buffer).toString('base64'), /encrypted/],
    ['garbage text', () => 'this is not a key', /not a key/],
    ['random base64', () => Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('base64'), /not (a key|.*DER)|DER but not/],
    ['a PEM with a garbage body', () => '-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----', /not a readable PEM body/],
    ['a PEM cut short', () => merchant.privatePem.slice(0, 200), /without its matching END/],
    ['two PEM blocks', () => merchant.privatePem + merchant.privatePkcs1, /2 PEM blocks/],
    ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), /not an RSA key/],
    ['an EC key (SEC1 PEM)', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }), /EC PRIVATE KEY/],
    ['an Ed25519 KeyObject', () => generateKeyPairSync('ed25519').privateKey, /not RSA/],
    ['an RSA-PSS key', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), /RSA-PSS/],
    ['an OpenSSH key', () => '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', /ssh-keygen/],
    ['a file path instead of the key', () => './keys/merchant-private.pem', /file path/],
    ['an empty string', () => '  \n ', /empty/],
    ['a number', () => 42, /must be a PEM/],
    ['nothing', () => undefined, /must be a PEM/],
    ['a secret KeyObject', () => createSecretKey(Buffer.alloc(32, 7)), /secret/],
    ['the public key', () => merchant.publicPem, /is a public key/],
  ];

  it.each(cases)('%s', (_, make, reason) => {
    const input = make();
    const error = (() => {
      try {
        createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: input as string, walletPublicKey: keys().wallet.publicPem });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toMatch(/^createWalletClient: privateKey /);
    expect(error!.message).toMatch(reason);
    const material = typeof input === 'string' ? input.replace(/-----[^-]+-----|\\[nr]|\s|"/g, '') : '';
    for (let i = 0; i + 12 <= material.length; i += 6) expect(error!.message).not.toContain(material.slice(i, i + 12));
  });

  it('a private key given as the wallet key, and CryptoKeys for other algorithms', async () => {
    const base = { baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem };
    expect(() => createWalletClient({ ...base, walletPublicKey: keys().wallet.privatePem })).toThrow(/^createWalletClient: walletPublicKey is a private key: it must be a public key \(the wallet's/);
    expect(() => createWalletClient({ ...base, walletPublicKey: [keys().wallet.publicPem, 'junk'] })).toThrow(/^createWalletClient: walletPublicKey\[1\] is not a key/);
    const sha1 = await webcrypto.subtle.importKey('spki', der(keys().wallet.publicPem), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, false, ['verify']);
    expect(() => createWalletClient({ ...base, walletPublicKey: sha1 })).toThrow(/walletPublicKey is a CryptoKey for RSASSA-PKCS1-v1_5 \/ SHA-1/);
    const pss = await webcrypto.subtle.importKey('spki', der(keys().wallet.publicPem), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
    expect(() => createWalletClient({ ...base, walletPublicKey: pss })).toThrow(/walletPublicKey is a CryptoKey for RSA-PSS/);
  });
});

test('degenerate RSA keys are refused at creation: an exponent of 1 (any signature verifies) or even, a modulus under 1024 bits', async () => {
  const { merchant, wallet } = keys();
  const base = { baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem };
  const jwk = wallet.publicKey.export({ format: 'jwk' });
  const withExponent = (e: string) => createPublicKey({ key: { ...jwk, e }, format: 'jwk' });
  const exponentOne = withExponent('AQ');
  // Why it matters: with e = 1 the signature is the padded digest itself, which anyone can write.
  const content = Buffer.from('POST /v1/authorizations/applyToken\nTEST_CLIENT_ID.2024-01-01T12:00:00+00:00.{"result":{"resultStatus":"S"}}');
  const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(content).digest()]);
  const forged = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo]);
  expect(cryptoVerify('sha256', content, exponentOne, forged)).toBe(true);
  const spki = exponentOne.export({ type: 'spki', format: 'der' });
  const small = generateKeyPairSync('rsa', { modulusLength: 512 });
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['e = 1, SPKI PEM', { walletPublicKey: exponentOne.export({ type: 'spki', format: 'pem' }) as string }, /^createWalletClient: walletPublicKey has an RSA public exponent that is even or below 3/],
    ['e = 1, RSA PUBLIC KEY PEM', { walletPublicKey: exponentOne.export({ type: 'pkcs1', format: 'pem' }) as string }, /walletPublicKey has an RSA public exponent/],
    ['e = 1, KeyObject', { walletPublicKey: exponentOne }, /walletPublicKey has an RSA public exponent/],
    ['e = 1, CryptoKey', { walletPublicKey: await webcrypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']) }, /walletPublicKey has an RSA public exponent/],
    ['e = 65536 (even)', { walletPublicKey: withExponent('AQAA') }, /walletPublicKey has an RSA public exponent/],
    ['a 512-bit wallet key', { walletPublicKey: small.publicKey.export({ type: 'spki', format: 'pem' }) as string }, /^createWalletClient: walletPublicKey is a 512-bit RSA key: keys under 1024 bits can be factored/],
    ['a 512-bit private key', { privateKey: small.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string }, /^createWalletClient: privateKey is a 512-bit RSA key/],
  ];
  for (const [name, options, message] of cases) expect({ name, error: (() => { try { createWalletClient({ ...base, ...options } as never); return null; } catch (e) { return (e as Error).message; } })() }).toEqual({ name, error: expect.stringMatching(message) });
});

describe('checkKeys', () => {
  const fingerprint = (pair: Pair) => createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  const client = (privateKey: unknown, walletPublicKey: unknown, more: object = {}) =>
    createWalletClient({ baseUrl: 'https://wallet.test', clientId: CLIENT_ID, privateKey: privateKey as string, walletPublicKey: walletPublicKey as string, ...more });

  it('sound keys: ok, with each key described by its public fingerprint', async () => {
    const { merchant, wallet } = keys();
    const result = await client(merchant.privatePkcs1, wallet.publicPkcs1).checkKeys();
    expect(result).toEqual({
      ok: true,
      problems: [],
      keys: [
        { option: 'privateKey', type: 'private', form: 'PKCS#1 PEM', bits: 2048, fingerprint: fingerprint(merchant) },
        { option: 'walletPublicKey', type: 'public', form: 'PKCS#1 (RSA PUBLIC KEY) PEM', bits: 2048, fingerprint: fingerprint(wallet) },
      ],
    });
  });

  it('the swapped key (your own public key as the wallet key), in any form, also within a rotation', async () => {
    const { merchant, wallet } = keys();
    const ownCryptoKey = await webcrypto.subtle.importKey('spki', der(merchant.publicPem), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    for (const own of [merchant.publicPem, merchant.publicKey, ownCryptoKey, b64(merchant.publicPkcs1)]) {
      const result = await client(merchant.privatePem, own).checkKeys();
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.stringMatching(/^walletPublicKey is your own public key \(the public half of privateKey\), not the wallet's/)]);
    }
    const rotation = await client(merchant.privatePem, [wallet.publicPem, merchant.publicPem]).checkKeys();
    expect(rotation.problems).toEqual([expect.stringMatching(/^walletPublicKey\[1\] is your own public key/)]);
  });

  it('a mismatched pair: the public key registered with the wallet is not the half of privateKey', async () => {
    const { merchant, wallet, stranger } = keys();
    const result = await client(merchant.privatePem, wallet.publicPem, { merchantPublicKey: stranger.publicPem }).checkKeys();
    expect(result.problems).toEqual([expect.stringMatching(/^merchantPublicKey is not the public half of privateKey/)]);
    expect((await client(merchant.privatePem, wallet.publicPem, { merchantPublicKey: merchant.publicPkcs1 }).checkKeys()).ok).toBe(true);
  });

  it('a damaged private key (its modulus is another key\'s) does not match its own public half', async () => {
    const { merchant, wallet, stranger } = keys();
    const ints = sequence(der(merchant.privatePkcs1))!;
    const strangerN = sequence(der(stranger.privatePkcs1))![1]!;
    const damaged = encode(TAG.SEQUENCE, ...ints.map((n, i) => (i === 1 ? strangerN.whole : n.whole)));
    for (const cryptoEngine of ['node', 'webcrypto'] as const) {
      const result = await client(Buffer.from(damaged).toString('base64'), wallet.publicPem, { cryptoEngine }).checkKeys();
      expect(result.problems).toEqual([expect.stringMatching(/^privateKey does not match its own public half/)]);
    }
  });

  it('the standalone check: no wallet key at all is a problem, never "ok"; input that is not options is a TypeError', async () => {
    const { merchant } = keys();
    const none = await checkKeys({ privateKey: merchant.privatePem, walletPublicKey: [] });
    expect(none).toMatchObject({ ok: false, problems: [expect.stringMatching(/^walletPublicKey must be a key or a non-empty array of keys/)] });
    await expect(checkKeys(null as never)).rejects.toThrow(/^checkKeys: pass \{ privateKey, walletPublicKey/);
    await expect(checkKeys({ privateKey: merchant.privatePem, walletPublicKey: keys().wallet.publicPem, cryptoEngine: 'openssl' as never })).rejects.toThrow(/^checkKeys: cryptoEngine must be 'auto', 'node' or 'webcrypto'/);
  });

  it('keys under 2048 bits, and the standalone check that reports unreadable keys instead of throwing', async () => {
    const small = makePair(1024);
    const result = await client(small.privatePem, keys().wallet.publicPem).checkKeys();
    expect(result.problems).toEqual(['privateKey is a 1024-bit RSA key: use 2048 bits or more.']);
    const standalone = await checkKeys({ privateKey: 'garbage here', walletPublicKey: [keys().wallet.publicPem, keys().merchant.privatePem] });
    expect(standalone.ok).toBe(false);
    expect(standalone.problems).toEqual([expect.stringMatching(/^privateKey is not a key/), expect.stringMatching(/^walletPublicKey\[1\] is a private key/)]);
    expect(standalone.keys.map((k) => k.type)).toEqual([null, 'public', null]);
  });
});
