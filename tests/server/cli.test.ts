/**
 * `miniapp-auth-kit check-keys`, run as a real process (`node dist/cli.js`, the package's bin):
 * keys from files and environment variables in any form, each described by kind, size and the same
 * fingerprint openssl computes, every problem in plain words, exit status 0 / 1 / 2, and never a
 * piece of key material in what it prints.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { keys, opensslDir, type Pair } from './helpers';

const CLI = resolve(__dirname, '../../dist/cli.js');
const ssl = opensslDir();
afterAll(() => ssl.done());

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ssl.dir, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function expectNoKeyMaterial(out: string): void {
  const { merchant, wallet } = keys();
  for (const pem of [merchant.privatePem, merchant.privatePkcs1, merchant.publicPem, wallet.publicPem, wallet.publicPkcs1]) {
    const body = pem.replace(/-----[^-]+-----|\s/g, '');
    for (let i = 0; i + 16 <= body.length; i += 8) expect(out).not.toContain(body.slice(i, i + 16));
  }
}

/** SHA-256 of the public key's SPKI DER, as openssl computes it. */
const fingerprint = (pair: Pair) => {
  const spki = ssl.openssl(['pkey', '-pubin', '-in', ssl.file('fp.pem', pair.publicPem), '-outform', 'DER']);
  return ssl.openssl(['dgst', '-sha256', '-r'], spki).toString().split(' ')[0];
};

test('sound keys from files: each key described, the fingerprints openssl computes, exit 0', () => {
  const { merchant, wallet } = keys();
  const { status, out } = run(['check-keys', '--private-key', ssl.file('merchant.pem', merchant.privatePkcs1), '--wallet-public-key', ssl.file('wallet.pem', wallet.publicPkcs1)]);
  expect(out).toContain('RSA private key, 2048 bits, PKCS#1 PEM');
  expect(out).toContain('RSA public key, 2048 bits, PKCS#1 (RSA PUBLIC KEY) PEM');
  expect(out).toContain(`SHA-256 fingerprint of the public key: ${fingerprint(merchant)}`);
  expect(out).toContain(`SHA-256 fingerprint of the public key: ${fingerprint(wallet)}`);
  expect(out).toMatch(/OK: the keys are sound/);
  expect(status).toBe(0);
  expectNoKeyMaterial(out);
});

test('keys from environment variables: a one-line PEM with \\n escapes, bare base64 DER', () => {
  const { merchant, wallet } = keys();
  const env = { MERCHANT_PRIVATE_KEY: merchant.privatePem.trim().replace(/\n/g, '\\n'), WALLET_PUBLIC_KEY: wallet.publicPem.replace(/-----[^-]+-----|\s/g, '') };
  const { status, out } = run(['check-keys', '--private-key', 'env:MERCHANT_PRIVATE_KEY', '--wallet-public-key=env:WALLET_PUBLIC_KEY'], env);
  expect(out).toContain('--private-key env:MERCHANT_PRIVATE_KEY');
  expect(out).toContain('PKCS#8 PEM');
  expect(out).toContain('SPKI base64 DER');
  expect(status).toBe(0);
  expectNoKeyMaterial(out);
});

test.each([
  ['the swapped key: your own public key as the wallet\'s', () => ['--wallet-public-key', ssl.file('own.pem', keys().merchant.publicPem)], /--wallet-public-key .*own\.pem is your own public key \(the public half of --private-key merchant\.pem\), not the wallet's/],
  ['a mismatched pair: the registered public key is another key\'s', () => ['--wallet-public-key', 'wallet.pem', '--public-key', ssl.file('registered.pem', keys().stranger.publicPem)], /--public-key .*registered\.pem is not the public half of --private-key/],
  ['a private key as the wallet key', () => ['--wallet-public-key', ssl.file('wallet-private.pem', keys().wallet.privatePem)], /is a private key: it must be a public key/],
])('%s → exit 1 with the problem in words', (_, extra, problem) => {
  const { merchant, wallet } = keys();
  ssl.file('merchant.pem', merchant.privatePem);
  ssl.file('wallet.pem', wallet.publicPem);
  const { status, out } = run(['check-keys', '--private-key', 'merchant.pem', ...extra()]);
  expect(out).toMatch(problem);
  expect(out).toMatch(/^1 problem:$/m);
  expect(status).toBe(1);
  expectNoKeyMaterial(out);
});

test('unreadable keys: encrypted, garbage, a missing file, an unset variable → exit 1 with the reason', () => {
  const { merchant, wallet } = keys();
  ssl.file('wallet.pem', wallet.publicPem);
  const encrypted = ssl.file('encrypted.pem', merchant.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string);
  const cases: Array<[string[], RegExp]> = [
    [['--private-key', encrypted], /--private-key .*encrypted\.pem is an encrypted PEM: decrypt it first/],
    [['--private-key', ssl.file('garbage.txt', 'hello, I am not a key')], /is not a key/],
    [['--private-key', join(ssl.dir, 'nope.pem')], /cannot read the file .*nope\.pem \(ENOENT\)/],
    [['--private-key', 'env:NOT_SET_ANYWHERE'], /the environment variable NOT_SET_ANYWHERE is not set/],
  ];
  for (const [args, reason] of cases) {
    const { status, out } = run(['check-keys', ...args, '--wallet-public-key', 'wallet.pem']);
    expect({ out, status }).toEqual({ out: expect.stringMatching(reason), status: 1 });
    expectNoKeyMaterial(out);
  }
});

test('a key given in place of its source (the PEM, its base64, inline with =) is a usage error that never prints it', () => {
  const { merchant, wallet } = keys();
  ssl.file('merchant.pem', merchant.privatePem);
  ssl.file('wallet.pem', wallet.publicPem);
  const base64 = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
  const cases: string[][] = [
    ['--private-key', merchant.privatePem, '--wallet-public-key', 'wallet.pem'],
    ['--private-key', merchant.privatePkcs1.trim().replace(/\n/g, '\\n'), '--wallet-public-key', 'wallet.pem'],
    [`--private-key=${base64(merchant.privatePem)}`, '--wallet-public-key', 'wallet.pem'],
    ['--private-key', 'merchant.pem', '--wallet-public-key', wallet.publicPem],
    ['--private-key', 'merchant.pem', '--wallet-public-key', 'wallet.pem', '--public-key', base64(merchant.publicPem)],
  ];
  for (const args of cases) {
    const { status, out } = run(['check-keys', ...args]);
    expect({ status, out }).toEqual({ status: 2, out: expect.stringMatching(/--(private|wallet-public|public)-key was given a key itself, not where to read it: pass a file path or env:NAME/) });
    expectNoKeyMaterial(out);
  }
});

test('usage: help exits 0; no command, another command, a missing or unknown flag exit 2', () => {
  expect(run(['--help'])).toEqual({ status: 0, out: expect.stringMatching(/^Usage: miniapp-auth-kit check-keys/) });
  expect(run([]).status).toBe(2);
  expect(run(['make-keys'])).toEqual({ status: 2, out: expect.stringMatching(/Unknown command "make-keys"/) });
  expect(run(['check-keys', '--private-key', 'a.pem'])).toEqual({ status: 2, out: expect.stringMatching(/give --wallet-public-key/) });
  expect(run(['check-keys', '--private-key'])).toEqual({ status: 2, out: expect.stringMatching(/--private-key needs a file path or env:NAME/) });
  expect(run(['check-keys', '--priv', 'a'])).toEqual({ status: 2, out: expect.stringMatching(/unknown argument "--priv"/) });
});
