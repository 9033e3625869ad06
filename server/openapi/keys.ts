/**
 * Every key form a merchant holds, read into one shape: PEM (PKCS#1, PKCS#8, SPKI, `RSA PUBLIC KEY`,
 * an X.509 certificate's key), bare base64 DER, `\n`-escaped or CRLF text from an environment
 * variable, bytes, a Node `KeyObject` or a WebCrypto `CryptoKey`. Reading is synchronous and pure
 * (DER, no crypto), so a bad key is a TypeError when the client is created. What a refusal says
 * names the form and the reason, never the key.
 */
import { fromBase64, decodeUtf8 } from './bytes';
import { OID, TAG, bitLength, children, hexOf, pkcs8Of, readOne, sequence, spkiOf, unsigned, type Node } from './der';

export type KeyType = 'private' | 'public';

/** A Node `KeyObject`, as far as the kit uses one (typed structurally: no `node:` import here). */
export interface KeyObjectLike {
  type: string;
  asymmetricKeyType?: string;
  export(options: { format: 'der'; type: 'pkcs8' | 'spki' }): Uint8Array;
}

export interface RsaKey {
  type: KeyType;
  /** How it was given, in words: `PKCS#8 PEM`, `SPKI base64 DER`, `KeyObject`… */
  form: string;
  /** PKCS#8 (private) or SPKI (public) DER, what the engines import; null for a CryptoKey. */
  der: Uint8Array | null;
  /** The SPKI of its public half, where known (not for a CryptoKey). */
  publicSpki: Uint8Array | null;
  bits: number | null;
  keyObject: KeyObjectLike | null;
  cryptoKey: CryptoKey | null;
}

/** Why a value is not a key, in words that name no key material. */
export class KeyReadError extends Error {}

const fail = (reason: string): never => {
  throw new KeyReadError(reason);
};

/** Under this a modulus can be factored (768 bits was in 2009); checkKeys still asks for 2048. */
export const MIN_RSA_BITS = 1024;

/**
 * Refuses RSA numbers no answer should be trusted with: a small modulus can be factored, and with
 * an exponent of 1 the signature is the padded digest itself (anyone can write it, and OpenSSL and
 * WebCrypto verify it); an even exponent is no RSA key at all. Returns the modulus size.
 */
function soundBits(bits: number, exponent: Uint8Array): number {
  if (bits < MIN_RSA_BITS) fail(`is a ${bits}-bit RSA key: keys under ${MIN_RSA_BITS} bits can be factored (use 2048 bits or more)`);
  const e = exponent.subarray(Math.max(0, exponent.findIndex((b) => b !== 0)));
  const last = e[e.length - 1] ?? 0;
  if ((last & 1) === 0 || (e.length === 1 && last < 3)) fail('has an RSA public exponent that is even or below 3: no signature checked with it can be trusted');
  return bits;
}

/** RSAPrivateKey (PKCS#1): version, n, e, d, p, q, dp, dq, qi. */
function rsaPrivate(pkcs1: Uint8Array, form: string): RsaKey {
  const ints = sequence(pkcs1);
  if (!ints || ints.length < 9 || ints.some((n) => n.tag !== TAG.INTEGER)) return fail('holds no readable RSA private key');
  const [, n, e] = ints as [Node, Node, Node];
  const bits = soundBits(bitLength(unsigned(n)), unsigned(e));
  return { type: 'private', form, der: pkcs8Of(pkcs1), publicSpki: spkiOf(unsigned(n), unsigned(e)), bits, keyObject: null, cryptoKey: null };
}

/** RSAPublicKey (PKCS#1): n, e. */
function rsaPublic(pkcs1: Uint8Array, form: string): RsaKey {
  const ints = sequence(pkcs1);
  if (!ints || ints.length !== 2 || ints.some((n) => n.tag !== TAG.INTEGER)) return fail('holds no readable RSA public key');
  const [n, e] = ints as [Node, Node];
  const bits = soundBits(bitLength(unsigned(n)), unsigned(e));
  const spki = spkiOf(unsigned(n), unsigned(e));
  return { type: 'public', form, der: spki, publicSpki: spki, bits, keyObject: null, cryptoKey: null };
}

/** The algorithm OID of an AlgorithmIdentifier, refused unless it is rsaEncryption. */
function requireRsa(algorithm: Node | undefined): void {
  const oid = algorithm && algorithm.tag === TAG.SEQUENCE ? children(algorithm)?.[0] : undefined;
  const hex = oid && oid.tag === TAG.OID ? hexOf(oid.body) : '';
  if (hex === OID.rsaEncryption) return;
  if (hex === OID.pbes2) fail('is an encrypted private key: decrypt it first (openssl pkey -in key.pem -out plain.pem)');
  if (hex === OID.rsassaPss) fail('is an RSA-PSS key: the wallet OpenAPI signs with RSA PKCS#1 v1.5 (RSA256); use a plain RSA key');
  if (hex === OID.ecPublicKey || hex === OID.ed25519) fail('is not an RSA key (elliptic curve): the wallet OpenAPI signs with RSA (RSA256)');
  fail('is not an RSA key');
}

/** SPKI: { AlgorithmIdentifier, BIT STRING { 0, RSAPublicKey } }. */
function fromSpki(parts: Node[], form: string): RsaKey {
  requireRsa(parts[0]);
  const bits = parts[1] as Node;
  if (bits.tag !== TAG.BIT_STRING || bits.body[0] !== 0) return fail('holds no readable public key');
  return rsaPublic(bits.body.subarray(1), form);
}

/** An X.509 certificate: the key is its tbsCertificate's SPKI (after an optional [0] version). */
function fromCertificate(parts: Node[], form: string): RsaKey {
  const tbs = children(parts[0] as Node) ?? [];
  const spki = (tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs)[5];
  const spkiParts = spki && spki.tag === TAG.SEQUENCE ? children(spki) : null;
  if (!spkiParts || spkiParts.length !== 2) return fail('is a certificate without a readable public key');
  return fromSpki(spkiParts, form);
}

/** DER of any of the four containers (or a certificate), told apart by shape. */
export function fromDer(der: Uint8Array, encoding: string): RsaKey {
  const parts = sequence(der);
  if (!parts || parts.length === 0) return fail(`is not ${encoding === 'PEM' ? 'a readable PEM body' : 'a key (neither PEM nor base64/DER)'}`);
  const tags = parts.map((p) => p.tag);
  const form = (name: string) => `${name} ${encoding}`;
  if (tags[0] === TAG.INTEGER && tags[1] === TAG.SEQUENCE && tags[2] === TAG.OCTET_STRING) {
    requireRsa(parts[1]);
    return rsaPrivate((parts[2] as Node).body, form('PKCS#8'));
  }
  if (tags.length >= 9 && tags.every((t) => t === TAG.INTEGER)) return rsaPrivate(der, form('PKCS#1'));
  if (tags.length === 2 && tags.every((t) => t === TAG.INTEGER)) return rsaPublic(der, form('PKCS#1 (RSA PUBLIC KEY)'));
  if (tags.length === 2 && tags[0] === TAG.SEQUENCE && tags[1] === TAG.BIT_STRING) return fromSpki(parts, form('SPKI'));
  if (tags.length === 2 && tags[0] === TAG.SEQUENCE && tags[1] === TAG.OCTET_STRING) {
    return fail('is an encrypted private key: decrypt it first (openssl pkey -in key.pem -out plain.pem)');
  }
  if (tags.length === 3 && tags[0] === TAG.SEQUENCE && tags[2] === TAG.BIT_STRING) return fromCertificate(parts, form('X.509 certificate'));
  return fail('is DER but not a key the kit knows (PKCS#1, PKCS#8, SPKI or a certificate)');
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const KNOWN_LABELS = ['RSA PRIVATE KEY', 'PRIVATE KEY', 'PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE'];

/**
 * The text as a merchant's configuration hands it over: quotes around it, literal `\n` (an
 * environment variable holding a PEM on one line), CRLF, stray whitespace.
 */
export function normalizeKeyText(text: string): string {
  let t = text.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) t = t.slice(1, -1).trim();
  return t.replace(/\\r/g, '').replace(/\\n/g, '\n').replace(/\r\n?/g, '\n');
}

function fromPem(label: string, body: string): RsaKey {
  if (label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,\s*ENCRYPTED/im.test(body)) {
    return fail('is an encrypted PEM: decrypt it first (openssl pkey -in key.pem -out plain.pem) and keep the plain key in your secret store');
  }
  if (!KNOWN_LABELS.includes(label)) {
    const hint = label === 'OPENSSH PRIVATE KEY' ? ' (convert it: ssh-keygen -p -m PEM -f key)' : label.startsWith('EC ') ? ': the wallet OpenAPI signs with RSA' : '';
    return fail(`is a PEM labelled "${label}", not an RSA key${hint}`);
  }
  const der = fromBase64(body.replace(/\s+/g, ''));
  if (!der) return fail(`is a PEM ("${label}") whose body is not base64`);
  return fromDer(der, 'PEM');
}

/** A key given as text: PEM, or bare base64 DER. */
export function fromText(text: string): RsaKey {
  const t = normalizeKeyText(text);
  if (!t) return fail('is empty');
  const blocks = [...t.matchAll(PEM_RE)];
  if (blocks.length > 1) return fail(`holds ${blocks.length} PEM blocks: give one key`);
  if (blocks.length === 1) return fromPem((blocks[0] as RegExpMatchArray)[1] as string, (blocks[0] as RegExpMatchArray)[2] as string);
  if (t.includes('-----BEGIN')) return fail('is a PEM without its matching END line (cut short?)');
  const compact = t.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const der = fromBase64(compact.padEnd(Math.ceil(compact.length / 4) * 4, '='));
  if (der) return fromDer(der, 'base64 DER');
  if (/^(\.{0,2}\/|~\/|[A-Za-z]:\\)|\.(pem|key|der|pub|crt)$/i.test(t)) return fail('looks like a file path, not a key: read the file and pass its contents');
  return fail('is not a key (neither PEM nor base64 DER)');
}

const isKeyObject = (value: object): value is KeyObjectLike =>
  typeof (value as KeyObjectLike).export === 'function' && typeof (value as KeyObjectLike).type === 'string' && !('algorithm' in value);

const isCryptoKey = (value: object): value is CryptoKey =>
  typeof (value as CryptoKey).type === 'string' && typeof (value as CryptoKey).algorithm === 'object' && Array.isArray((value as CryptoKey).usages);

function fromKeyObject(key: KeyObjectLike): RsaKey {
  if (key.type === 'secret') return fail('is a secret (symmetric) KeyObject, not an RSA key');
  if (key.asymmetricKeyType !== 'rsa') return fail(`is a KeyObject of type ${String(key.asymmetricKeyType)}, not RSA (RSA256)`);
  const der = key.export({ format: 'der', type: key.type === 'private' ? 'pkcs8' : 'spki' });
  return { ...fromDer(new Uint8Array(der), 'DER'), form: `${key.type} KeyObject`, keyObject: key };
}

function fromCryptoKey(key: CryptoKey): RsaKey {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm;
  if (algorithm.name !== 'RSASSA-PKCS1-v1_5' || algorithm.hash?.name !== 'SHA-256') {
    return fail(`is a CryptoKey for ${algorithm.name}${algorithm.hash ? ` / ${algorithm.hash.name}` : ''}: import it as RSASSA-PKCS1-v1_5 with SHA-256`);
  }
  const usage = key.type === 'private' ? 'sign' : 'verify';
  if (!key.usages.includes(usage)) return fail(`is a CryptoKey without the "${usage}" usage`);
  if (key.type !== 'private' && key.type !== 'public') return fail('is not an RSA key pair half');
  const bits = soundBits(algorithm.modulusLength, algorithm.publicExponent);
  return { type: key.type, form: `${key.type} CryptoKey`, der: null, publicSpki: null, bits, keyObject: null, cryptoKey: key };
}

/** Bytes: PEM text when they read as such, else DER. */
function fromBytes(bytes: Uint8Array): RsaKey {
  const text = bytes.length < 64 * 1024 ? decodeUtf8(bytes) : null;
  if (text !== null && /^\s*["']?-----BEGIN /.test(text)) return fromText(text);
  return fromDer(bytes, 'DER');
}

/** Reads any supported key form; throws `KeyReadError` (a reason without key material). */
export function readKey(input: unknown): RsaKey {
  if (typeof input === 'string') return fromText(input);
  if (input instanceof Uint8Array) return fromBytes(input);
  if (input instanceof ArrayBuffer) return fromBytes(new Uint8Array(input));
  if (input !== null && typeof input === 'object') {
    if (isCryptoKey(input)) return fromCryptoKey(input);
    if (isKeyObject(input)) return fromKeyObject(input);
  }
  return fail('must be a PEM or base64 string, bytes, a KeyObject or a CryptoKey');
}

/** The key for `option`, of the `type` it must be; a TypeError naming the option (never the key) otherwise. */
export function loadKey(input: unknown, type: KeyType, option: string, who = 'createWalletClient'): RsaKey {
  let key: RsaKey;
  try {
    key = readKey(input);
  } catch (error) {
    if (error instanceof KeyReadError) throw new TypeError(`${who}: ${option} ${error.message}.`);
    throw new TypeError(`${who}: ${option} could not be read as a key.`);
  }
  if (key.type !== type) throw new TypeError(`${who}: ${option} ${wrongType(key.type, option)}.`);
  return key;
}

/** What a key of the wrong half means, for the option it was given as. */
export function wrongType(got: KeyType, option: string): string {
  return got === 'private'
    ? `is a private key: it must be a public key${/wallet/i.test(option) ? " (the wallet's, from its developer portal)" : ''}`
    : 'is a public key: it must be your private key (the one whose public half you registered with the wallet)';
}
