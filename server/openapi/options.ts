/**
 * `createWalletClient`'s options, checked at creation: a wrong one is a TypeError that names it (a
 * key's never shows its material). Unknown options are refused too: a typo (`maxClockSkew`) or a
 * switch this client does not have (`rejectUnauthorized`) must not pass silently.
 */
import { cryptoEngine, type CryptoEngine } from './crypto-engine';
import { loadKey, type RsaKey } from './keys';
import { PROFILES, type Profile, type ProfileContext } from './profiles';
import type { KeyInput, WalletCallEvent, WalletClientOptions, WalletFetch } from './types';

export interface ResolvedOptions {
  baseUrl: string;
  clientId: string;
  privateKey: RsaKey;
  walletKeys: RsaKey[];
  merchantPublicKey: RsaKey | null;
  keyVersion: number;
  profile: Profile;
  context: ProfileContext;
  fetch: WalletFetch | null;
  timeoutMs: number;
  maxClockSkewMs: number;
  retries: number;
  onCall: ((event: WalletCallEvent) => void) | null;
  engine: CryptoEngine;
  now: () => number;
}

const WHO = 'createWalletClient';
/** The widest `maxClockSkewMs` a client may allow (an hour). */
export const MAX_CLOCK_SKEW_MS = 3_600_000;
const KNOWN = new Set([
  'baseUrl', 'clientId', 'privateKey', 'walletPublicKey', 'keyVersion', 'profile', 'fetch', 'timeoutMs', 'maxClockSkewMs',
  'appId', 'authClientId', 'customerBelongsTo', 'onCall', 'retries', 'merchantPublicKey', 'cryptoEngine', 'now',
]);

const refuse = (message: string): never => {
  throw new TypeError(`${WHO}: ${message}`);
};

/** Loopback names: a wallet there may be reached over plain http (a simulator, a tunnel's end). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function baseUrlOf(value: unknown): string {
  let url: URL | null = null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url) return refuse('baseUrl must be the wallet OpenAPI base URL (https://…).');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return refuse('baseUrl must be https (plain http only on a loopback host): TLS cannot be turned off.');
  }
  if (url.username || url.password || url.search || url.hash) return refuse('baseUrl must not carry credentials, a query or a fragment.');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function text(name: string, value: unknown, required: boolean): string | null {
  if (value === undefined && !required) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) {
    return refuse(`${name} must be a non-empty string without control characters.`);
  }
  return value;
}

function number(name: string, value: unknown, fallback: number, min: number, max: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    return refuse(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`);
  }
  return value;
}

function fn<T>(name: string, value: unknown): T | null {
  if (value === undefined) return null;
  return typeof value === 'function' ? (value as T) : refuse(`${name} must be a function.`);
}

function walletKeysOf(value: unknown): RsaKey[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) return refuse('walletPublicKey must be a key or a non-empty array of keys.');
  return list.map((key, i) => loadKey(key, 'public', Array.isArray(value) ? `walletPublicKey[${i}]` : 'walletPublicKey'));
}

function engineOf(value: unknown): CryptoEngine {
  if (value !== undefined && value !== 'auto' && value !== 'node' && value !== 'webcrypto') return refuse("cryptoEngine must be 'auto', 'node' or 'webcrypto'.");
  const engine = cryptoEngine((value ?? 'auto') as 'auto');
  return engine ?? refuse(value === 'node' ? "cryptoEngine 'node' needs Node's crypto (process.getBuiltinModule), which this runtime lacks." : 'this runtime has neither Node crypto nor WebCrypto.');
}

function profileOf(options: WalletClientOptions, clientId: string): { profile: Profile; context: ProfileContext } {
  const name = options.profile ?? 'superqi';
  if (name !== 'superqi' && name !== 'alipayplus') return refuse("profile must be 'superqi' or 'alipayplus'.");
  const context = {
    appId: text('appId', options.appId, name === 'alipayplus'),
    authClientId: text('authClientId', options.authClientId, false) ?? clientId,
    customerBelongsTo: text('customerBelongsTo', options.customerBelongsTo, false),
  };
  return { profile: PROFILES[name], context };
}

export function resolveOptions(options: WalletClientOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') return refuse('options must be an object.');
  const unknown = Object.keys(options).filter((key) => !KNOWN.has(key));
  if (unknown.length) refuse(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}.`);
  const clientId = text('clientId', options.clientId, true) as string;
  return {
    baseUrl: baseUrlOf(options.baseUrl),
    clientId,
    privateKey: loadKey(options.privateKey, 'private', 'privateKey'),
    walletKeys: walletKeysOf(options.walletPublicKey),
    merchantPublicKey: options.merchantPublicKey === undefined ? null : loadKey(options.merchantPublicKey as KeyInput, 'public', 'merchantPublicKey'),
    keyVersion: number('keyVersion', options.keyVersion, 1, 0, 999_999_999, true),
    ...profileOf(options, clientId),
    fetch: fn<WalletFetch>('fetch', options.fetch),
    timeoutMs: number('timeoutMs', options.timeoutMs, 10_000, 1, 600_000),
    maxClockSkewMs: number('maxClockSkewMs', options.maxClockSkewMs, 300_000, 1_000, MAX_CLOCK_SKEW_MS),
    retries: number('retries', options.retries, 2, 0, 5, true),
    onCall: fn('onCall', options.onCall),
    engine: engineOf(options.cryptoEngine),
    now: fn<() => number>('now', options.now) ?? Date.now,
  };
}
