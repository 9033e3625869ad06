// The wallet client's speed for `npm run bench`: signatures per second on its two engines (the kit's
// node:crypto and WebCrypto paths, from the sources, beside the raw calls they wrap), and the cost of
// one `applyToken` call through `createWalletClient` (built dist/) beside the raw RSA it cannot avoid
// (one sign, one verify). Every figure of one run, as ratios.
import { sign as nodeSign, verify as nodeVerify, generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;
const signAsync = promisify(nodeSign);
const verifyAsync = promisify(nodeVerify);

/** The kit's signing modules, bundled from source (they are internal to the package). */
async function kitSigning() {
  const dir = mkdtempSync(join(tmpdir(), 'mak-bench-sign-'));
  try {
    const out = join(dir, 'signing.mjs');
    await build({
      stdin: {
        contents: "export { cryptoEngine } from './server/openapi/crypto-engine'; export { loadKey } from './server/openapi/keys'; export { sign } from './server/openapi/signing';",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      outfile: out,
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Operations per second of each variant (`fn` awaited one after another), measured in alternating
 * rounds so that the load of a shared machine falls on all of them alike; the best round of each.
 */
async function compare(variants, ms = 400, rounds = 5) {
  const best = Object.fromEntries(Object.keys(variants).map((name) => [name, 0]));
  for (const fn of Object.values(variants)) for (let i = 0; i < 20; i++) await fn(i);
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < ms) await fn(n++);
      best[name] = Math.max(best[name], n / ((performance.now() - t0) / 1000));
    }
  }
  return best;
}

const PATH = '/v1/authorizations/applyToken';
const CLIENT_ID = 'BENCH_CLIENT';
const content = (time, body) => `POST ${PATH}\n${CLIENT_ID}.${time}.${body}`;

/** A fetch answering from answers signed in advance (each unique, timed a minute ahead: within the skew window). */
function presignedFetch(walletKey, count) {
  const time = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000).toISOString().replace('.000Z', '+00:00');
  const answers = Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify({ result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' }, accessToken: `2810100BENCH${i}`, accessTokenExpiryTime: time, refreshToken: `2810100REFRESH${i}`, refreshTokenExpiryTime: time, customerId: '1000001119398804' });
    const signature = nodeSign('sha256', Buffer.from(content(time, body)), walletKey).toString('base64');
    return { body, headers: { 'Client-Id': CLIENT_ID, 'Response-Time': time, Signature: `algorithm=RSA256, keyVersion=1, signature=${signature}` } };
  });
  let next = 0;
  return async () => {
    // An answer sent twice for two requests would be refused as a replay: never reuse one.
    if (next >= answers.length) throw new Error('the benchmark ran out of answers signed in advance');
    const answer = answers[next++];
    return new Response(answer.body, { status: 200, headers: answer.headers });
  };
}

export async function measureWalletClient() {
  const kit = await kitSigning();
  const { createWalletClient } = await import('../dist/server.js');
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wallet = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchantPem = merchant.privateKey.export({ type: 'pkcs1', format: 'pem' });
  const parts = (i) => ({ method: 'POST', path: PATH, clientId: CLIENT_ID, time: '2026-01-01T00:00:00+00:00', body: `{"grantType":"AUTHORIZATION_CODE","authCode":"0000000001${i}"}` });
  const key = kit.loadKey(merchantPem, 'private', 'privateKey');
  const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const webKey = await webcrypto.subtle.importKey('pkcs8', merchant.privateKey.export({ type: 'pkcs8', format: 'der' }), RSA, false, ['sign']);
  const webPublic = await webcrypto.subtle.importKey('spki', merchant.publicKey.export({ type: 'spki', format: 'der' }), RSA, false, ['verify']);
  const raw = (i) => Buffer.from(content(parts(i).time, parts(i).body));

  const signatures = await compare({
    node: (i) => kit.sign(kit.cryptoEngine('node'), key, parts(i)),
    webcrypto: (i) => kit.sign(kit.cryptoEngine('webcrypto'), key, parts(i)),
    rawNode: (i) => signAsync('sha256', raw(i), merchant.privateKey),
    rawWebcrypto: (i) => webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', webKey, raw(i)),
  });

  // One call = the RSA the merchant cannot avoid (sign the request, verify the answer) + the client's own work.
  const client = (cryptoEngine) => createWalletClient({ baseUrl: 'https://wallet.bench', clientId: CLIENT_ID, privateKey: merchantPem, walletPublicKey: wallet.publicKey, fetch: presignedFetch(wallet.privateKey, 6000), cryptoEngine });
  const [viaNode, viaWeb] = [client('node'), client('webcrypto')];
  const timed = await compare({
    rawPair: async (i) => {
      const signature = await signAsync('sha256', raw(i), merchant.privateKey);
      if (!(await verifyAsync('sha256', raw(i), merchant.publicKey, signature))) throw new Error('verify failed');
    },
    rawWebPair: async (i) => {
      const signature = await webcrypto.subtle.sign(RSA.name, webKey, raw(i));
      if (!(await webcrypto.subtle.verify(RSA.name, webPublic, signature, raw(i)))) throw new Error('verify failed');
    },
    node: (i) => viaNode.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: `0000000001${i}` }),
    webcrypto: (i) => viaWeb.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: `0000000001${i}` }),
  });
  const { rawPair, rawWebPair, ...calls } = timed;
  return { signatures, rawPair: { node: rawPair, webcrypto: rawWebPair }, calls };
}
