/**
 * The check a merchant runs before going live (and `client.checkKeys()`): each key's kind, size and
 * public fingerprint, and every problem in plain words. Problems: a key that cannot be read, the
 * wrong half in an option, a private key that does not match its own public half (or the public key
 * the merchant registered), the wallet key set to the merchant's own public key (the most common
 * "signature verify fail"), keys under 2048 bits. Never prints key material.
 */
import { equalBytes, toHex, utf8 } from './bytes';
import { cryptoEngine, type CryptoEngine, type EngineChoice } from './crypto-engine';
import { KeyReadError, fromDer, readKey, wrongType, type KeyType, type RsaKey } from './keys';
import type { KeyCheck, KeyReport } from './types';

export interface CheckKeysInput {
  privateKey: unknown;
  walletPublicKey: unknown;
  /** The public key registered with the wallet, when you have it at hand. */
  merchantPublicKey?: unknown;
  cryptoEngine?: EngineChoice;
}

interface Entry {
  option: string;
  key: RsaKey | null;
}

const PROBE = utf8('miniapp-auth-kit check-keys: a probe, signed and verified locally');

/** The SPKI of a key's public half, exported from a CryptoKey when it allows. */
async function spkiOf(key: RsaKey): Promise<Uint8Array | null> {
  if (key.publicSpki) return key.publicSpki;
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!key.cryptoKey || key.type !== 'public' || !key.cryptoKey.extractable || !subtle) return null;
  return new Uint8Array(await subtle.exportKey('spki', key.cryptoKey));
}

async function reportOf(entry: Entry, engine: CryptoEngine): Promise<KeyReport> {
  const { key } = entry;
  const spki = key ? await spkiOf(key).catch(() => null) : null;
  return {
    option: entry.option,
    type: key?.type ?? null,
    form: key?.form ?? null,
    bits: key?.bits ?? null,
    fingerprint: spki ? toHex(await engine.sha256(spki)) : null,
  };
}

/** Reads one option's key, adding a problem (not throwing) when it cannot be used as `type`. */
function entryOf(option: string, input: unknown, type: KeyType, problems: string[]): Entry {
  try {
    const key = readKey(input);
    if (key.type !== type) problems.push(`${option} ${wrongType(key.type, option)}.`);
    return { option, key: key.type === type ? key : null };
  } catch (error) {
    problems.push(`${option} ${error instanceof KeyReadError ? error.message : 'could not be read as a key'}.`);
    return { option, key: null };
  }
}

const verifies = (engine: CryptoEngine, key: RsaKey, signature: Uint8Array) => engine.verify(key, PROBE, signature).catch(() => false);

/** The pair checks, on keys already read. */
async function pairProblems(engine: CryptoEngine, privateKey: RsaKey, walletKeys: Entry[], merchantPublicKey: RsaKey | null): Promise<string[]> {
  const problems: string[] = [];
  let signature: Uint8Array;
  try {
    signature = await engine.sign(privateKey, PROBE);
  } catch {
    return ['privateKey cannot sign (the key is damaged or not usable for RSA signatures).'];
  }
  const ownPublic = privateKey.publicSpki ? fromDer(privateKey.publicSpki, 'DER') : null;
  if (ownPublic && !(await verifies(engine, ownPublic, signature))) problems.push('privateKey does not match its own public half: the key is damaged; generate a new pair.');
  if (merchantPublicKey && !(await verifies(engine, merchantPublicKey, signature))) {
    problems.push('merchantPublicKey is not the public half of privateKey: the wallet checks your requests with the key you registered, so every request would fail with INVALID_SIGNATURE.');
  }
  for (const { option, key } of walletKeys) {
    if (!key) continue;
    const same = ownPublic?.publicSpki && key.publicSpki ? equalBytes(ownPublic.publicSpki, key.publicSpki) : await verifies(engine, key, signature);
    if (same) problems.push(`${option} is your own public key (the public half of privateKey), not the wallet's: set the wallet's public key from its developer portal.`);
  }
  return problems;
}

function sizeProblems(entries: Entry[]): string[] {
  return entries.filter((e) => e.key?.bits && e.key.bits < 2048).map((e) => `${e.option} is a ${e.key?.bits}-bit RSA key: use 2048 bits or more.`);
}

/** Checks keys given in any supported form (the CLI's check). */
export async function checkKeys(input: CheckKeysInput): Promise<KeyCheck> {
  if (input === null || typeof input !== 'object') throw new TypeError('checkKeys: pass { privateKey, walletPublicKey, merchantPublicKey?, cryptoEngine? }.');
  const choice = input.cryptoEngine ?? 'auto';
  if (choice !== 'auto' && choice !== 'node' && choice !== 'webcrypto') throw new TypeError("checkKeys: cryptoEngine must be 'auto', 'node' or 'webcrypto'.");
  const engine = cryptoEngine(choice);
  if (!engine) throw new TypeError('checkKeys: this runtime has neither Node crypto nor WebCrypto.');
  const problems: string[] = [];
  const privateEntry = entryOf('privateKey', input.privateKey, 'private', problems);
  const list = Array.isArray(input.walletPublicKey) ? (input.walletPublicKey as unknown[]) : [input.walletPublicKey];
  // An empty list checks nothing: "ok" would send a merchant live with no wallet key at all.
  if (list.length === 0) problems.push('walletPublicKey must be a key or a non-empty array of keys (the wallet\'s public key, from its developer portal).');
  const walletEntries = list.map((key, i) => entryOf(list.length > 1 ? `walletPublicKey[${i}]` : 'walletPublicKey', key, 'public', problems));
  const merchantEntry = input.merchantPublicKey === undefined ? null : entryOf('merchantPublicKey', input.merchantPublicKey, 'public', problems);
  return checkEntries(engine, privateEntry, walletEntries, merchantEntry, problems);
}

/** The client's `checkKeys()`: its keys were read (and typed) at creation. */
export function checkClientKeys(engine: CryptoEngine, privateKey: RsaKey, walletKeys: RsaKey[], merchantPublicKey: RsaKey | null): Promise<KeyCheck> {
  const walletEntries = walletKeys.map((key, i) => ({ option: walletKeys.length > 1 ? `walletPublicKey[${i}]` : 'walletPublicKey', key }));
  const merchantEntry = merchantPublicKey ? { option: 'merchantPublicKey', key: merchantPublicKey } : null;
  return checkEntries(engine, { option: 'privateKey', key: privateKey }, walletEntries, merchantEntry, []);
}

async function checkEntries(engine: CryptoEngine, privateEntry: Entry, walletEntries: Entry[], merchantEntry: Entry | null, problems: string[]): Promise<KeyCheck> {
  const entries = [privateEntry, ...walletEntries, ...(merchantEntry ? [merchantEntry] : [])];
  if (privateEntry.key) problems.push(...(await pairProblems(engine, privateEntry.key, walletEntries, merchantEntry?.key ?? null)));
  problems.push(...sizeProblems(entries));
  const keys = await Promise.all(entries.map((entry) => reportOf(entry, engine)));
  return { ok: problems.length === 0, problems, keys };
}
