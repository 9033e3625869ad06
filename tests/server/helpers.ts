/**
 * Shared by the server tests: RSA key pairs made once per file (node:crypto, every export form),
 * a simulator with a client on its in-process fetch, openssl in a temp folder, and the error matcher.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWalletClient, WalletError } from '../../server';
import type { WalletClientOptions } from '../../server';
import { createWalletOpenApiSimulator, type WalletOpenApiSimulatorOptions } from '../../server/testing';

export interface Pair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM. */
  privatePem: string;
  /** PKCS#1 PEM (`RSA PRIVATE KEY`). */
  privatePkcs1: string;
  /** SPKI PEM. */
  publicPem: string;
  /** PKCS#1 PEM (`RSA PUBLIC KEY`). */
  publicPkcs1: string;
}

export function makePair(modulusLength = 2048): Pair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    privatePkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    publicPkcs1: publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
  };
}

let pairs: { merchant: Pair; wallet: Pair; stranger: Pair } | null = null;

/** One merchant, one wallet and one stranger key pair per test file. */
export function keys(): { merchant: Pair; wallet: Pair; stranger: Pair } {
  pairs ??= { merchant: makePair(), wallet: makePair(), stranger: makePair() };
  return pairs;
}

export const CLIENT_ID = 'TEST_CLIENT_ID';

/** A settable clock. */
export function makeClock(start = Date.now()) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) };
}

/** A simulator and a client that reaches it through `sim.fetch` (no socket). */
export function world(simOptions: Partial<WalletOpenApiSimulatorOptions> = {}, clientOptions: Partial<WalletClientOptions> = {}) {
  const { merchant, wallet } = keys();
  const sim = createWalletOpenApiSimulator({ clientId: CLIENT_ID, merchantPublicKey: merchant.publicPem, walletPrivateKey: wallet.privatePem, ...simOptions });
  const base = `https://wallet.test${simOptions.basePath ?? ''}`;
  const client = createWalletClient({ baseUrl: base, clientId: CLIENT_ID, privateKey: merchant.privatePem, walletPublicKey: wallet.publicPem, fetch: sim.fetch, ...clientOptions });
  const code = (scopes: string[] = ['auth_base'], customerId?: string) => sim.issueCode({ scopes, ...(customerId ? { customerId } : {}) }).authCode;
  const exchange = (authCode = code()) => client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode });
  return { sim, client, code, exchange };
}

/** The rejection of `promise`, which must be a WalletError. */
export async function walletError(promise: Promise<unknown>): Promise<WalletError> {
  const outcome = await promise.then(
    () => new Error('expected a WalletError, the call succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof WalletError)) throw outcome instanceof Error ? outcome : new Error(String(outcome));
  return outcome;
}

/** A temp folder with `openssl` run in it; `done()` removes it. */
export function opensslDir() {
  const dir = mkdtempSync(join(tmpdir(), 'mak-openssl-'));
  const file = (name: string, content?: string | Uint8Array) => {
    const path = join(dir, name);
    if (content !== undefined) writeFileSync(path, content);
    return path;
  };
  const openssl = (args: string[], input?: string | Uint8Array) =>
    execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] });
  return { dir, file, openssl, done: () => rmSync(dir, { recursive: true, force: true }) };
}
