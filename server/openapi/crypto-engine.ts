/**
 * RSA-SHA256 (PKCS#1 v1.5) and SHA-256 on two engines that give the same bytes: Node's `crypto`
 * (the fast path: RSA on libuv's thread pool) and WebCrypto (edge runtimes, browsers, Deno, Bun).
 * Node's module is reached through `process.getBuiltinModule`, never an `import`, so a bundle of
 * `miniapp-auth-kit/server` for an edge target holds no `node:` import.
 */
import { ownBuffer } from './bytes';
import type { RsaKey } from './keys';

export type EngineName = 'node' | 'webcrypto';
export type EngineChoice = EngineName | 'auto';

export interface CryptoEngine {
  readonly name: EngineName;
  sign(key: RsaKey, data: Uint8Array): Promise<Uint8Array>;
  verify(key: RsaKey, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  sha256(data: Uint8Array): Promise<Uint8Array>;
}

/** What the kit uses of Node's `crypto`, typed here so that no `node:` type is needed to build it. */
interface NodeCrypto {
  sign(algorithm: string, data: Uint8Array, key: { key: unknown; padding: number }, done: (error: Error | null, signature: Uint8Array) => void): void;
  verify(algorithm: string, data: Uint8Array, key: { key: unknown; padding: number }, signature: Uint8Array, done: (error: Error | null, ok: boolean) => void): void;
  createPrivateKey(input: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): unknown;
  createPublicKey(input: { key: Uint8Array; format: 'der'; type: 'spki' }): unknown;
  createHash(algorithm: string): { update(data: Uint8Array): { digest(): Uint8Array } };
  KeyObject: { from(key: CryptoKey): unknown };
  constants: { RSA_PKCS1_PADDING: number };
  webcrypto?: { subtle?: SubtleCrypto };
}
type KeyHandle = unknown;

/** A Node built-in by name where the runtime offers one (Node ≥ 20.16, Bun, Deno, workerd with nodejs_compat). */
export function nodeBuiltin<T>(name: string): T | null {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return (process?.getBuiltinModule?.(name) as T | undefined) ?? null;
  } catch {
    return null;
  }
}

const nodeCrypto = (): NodeCrypto | null => nodeBuiltin<NodeCrypto>('node:crypto');

function webSubtle(): SubtleCrypto | null {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c?.subtle ?? nodeCrypto()?.webcrypto?.subtle ?? null;
}

/** Imported keys, once per key and engine. */
function keyCache<H>(load: (key: RsaKey) => Promise<H> | H): (key: RsaKey) => Promise<H> {
  const cache = new WeakMap<RsaKey, Promise<H>>();
  return (key) => {
    let handle = cache.get(key);
    if (!handle) {
      handle = Promise.resolve().then(() => load(key));
      cache.set(key, handle);
    }
    return handle;
  };
}

function createNodeEngine(c: NodeCrypto): CryptoEngine {
  const handleOf = keyCache<KeyHandle>((key) => {
    if (key.keyObject) return key.keyObject;
    if (key.cryptoKey) return c.KeyObject.from(key.cryptoKey);
    const der = key.der as Uint8Array;
    return key.type === 'private' ? c.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) : c.createPublicKey({ key: der, format: 'der', type: 'spki' });
  });
  const padding = c.constants.RSA_PKCS1_PADDING;
  return {
    name: 'node',
    async sign(key, data) {
      const handle = await handleOf(key);
      return new Promise((resolve, reject) =>
        c.sign('sha256', data, { key: handle, padding }, (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature)))),
      );
    },
    async verify(key, data, signature) {
      const handle = await handleOf(key);
      return new Promise((resolve) => c.verify('sha256', data, { key: handle, padding }, signature, (error, ok) => resolve(!error && ok)));
    },
    sha256: async (data) => new Uint8Array(c.createHash('sha256').update(data).digest()),
  };
}

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

function createWebEngine(subtle: SubtleCrypto): CryptoEngine {
  const handleOf = keyCache<CryptoKey>((key) => {
    if (key.cryptoKey) return key.cryptoKey;
    const isPrivate = key.type === 'private';
    // A PKCS#1 private key was wrapped into PKCS#8 when it was read: WebCrypto imports only that.
    return subtle.importKey(isPrivate ? 'pkcs8' : 'spki', ownBuffer(key.der as Uint8Array), RSA_SHA256, false, [isPrivate ? 'sign' : 'verify']);
  });
  return {
    name: 'webcrypto',
    sign: async (key, data) => new Uint8Array(await subtle.sign(RSA_SHA256.name, await handleOf(key), ownBuffer(data))),
    async verify(key, data, signature) {
      try {
        return await subtle.verify(RSA_SHA256.name, await handleOf(key), ownBuffer(signature), ownBuffer(data));
      } catch {
        return false;
      }
    },
    sha256: async (data) => new Uint8Array(await subtle.digest('SHA-256', ownBuffer(data))),
  };
}

let engines: Partial<Record<EngineName, CryptoEngine>> = {};

/** The engine for `choice` (`auto`: Node's crypto where there is one, else WebCrypto), or null when the runtime has none. */
export function cryptoEngine(choice: EngineChoice = 'auto'): CryptoEngine | null {
  if (choice !== 'webcrypto') {
    const c = nodeCrypto();
    if (c) return (engines.node ??= createNodeEngine(c));
    if (choice === 'node') return null;
  }
  const subtle = webSubtle();
  return subtle ? (engines.webcrypto ??= createWebEngine(subtle)) : null;
}

/** For tests: forget the engines (and their imported keys). */
export function resetEngines(): void {
  engines = {};
}
