/**
 * The little ASN.1 DER the keys need: reading RSA keys in their four containers (PKCS#1 private and
 * public, PKCS#8, SPKI; an X.509 certificate's SPKI) and writing the two WebCrypto imports (PKCS#8,
 * SPKI). Hand-written because the kit has no runtime dependency; it reads only these shapes.
 */

export interface Node {
  tag: number;
  /** Content bytes. */
  body: Uint8Array;
  /** The whole element (header and content). */
  whole: Uint8Array;
}

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

/** The OIDs a key may name, DER-encoded (content bytes only). */
export const OID = {
  rsaEncryption: '2a864886f70d010101',
  rsassaPss: '2a864886f70d01010a',
  ecPublicKey: '2a8648ce3d0201',
  ed25519: '2b6570',
  pbes2: '2a864886f70d01050d',
} as const;

/** One element at `at`, or null when the bytes are not DER there. */
function readAt(bytes: Uint8Array, at: number): Node | null {
  if (at + 2 > bytes.length) return null;
  const tag = bytes[at] as number;
  let length = bytes[at + 1] as number;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || at + 2 + count > bytes.length) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[at + 2 + i] as number);
    header += count;
  }
  const end = at + header + length;
  if (end > bytes.length) return null;
  return { tag, body: bytes.subarray(at + header, end), whole: bytes.subarray(at, end) };
}

/** `bytes` as exactly one element (nothing after it), or null. */
export function readOne(bytes: Uint8Array): Node | null {
  const node = readAt(bytes, 0);
  return node && node.whole.length === bytes.length ? node : null;
}

/** The elements of a constructed element's content, or null when they do not parse. */
export function children(node: Node): Node[] | null {
  const out: Node[] = [];
  for (let at = 0; at < node.body.length; ) {
    const child = readAt(node.body, at);
    if (!child) return null;
    out.push(child);
    at += child.whole.length;
  }
  return out;
}

/** The children of `bytes` read as one SEQUENCE, or null. */
export function sequence(bytes: Uint8Array): Node[] | null {
  const node = readOne(bytes);
  return node && node.tag === TAG.SEQUENCE ? children(node) : null;
}

export const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');

/** An INTEGER's magnitude without its sign byte. */
export function unsigned(node: Node): Uint8Array {
  let start = 0;
  while (start < node.body.length - 1 && node.body[start] === 0) start++;
  return node.body.subarray(start);
}

export function bitLength(magnitude: Uint8Array): number {
  const first = magnitude[0] ?? 0;
  return first === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(first));
}

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  return [0x80 | out.length, ...out];
}

export function encode(tag: number, ...content: Uint8Array[]): Uint8Array {
  const size = content.reduce((n, c) => n + c.length, 0);
  const head = [tag, ...lengthBytes(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (const c of content) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A non-negative INTEGER from its magnitude (a zero byte in front when the top bit is set). */
export const integer = (magnitude: Uint8Array): Uint8Array =>
  encode(TAG.INTEGER, (magnitude[0] ?? 0) & 0x80 ? new Uint8Array([0, ...magnitude]) : magnitude);

const fromHex = (hex: string) => new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));

/** `AlgorithmIdentifier { rsaEncryption, NULL }`. */
const RSA_ALGORITHM = encode(TAG.SEQUENCE, encode(TAG.OID, fromHex(OID.rsaEncryption)), encode(TAG.NULL));

/** SPKI of an RSA public key (modulus, exponent magnitudes). */
export const spkiOf = (n: Uint8Array, e: Uint8Array): Uint8Array =>
  encode(TAG.SEQUENCE, RSA_ALGORITHM, encode(TAG.BIT_STRING, new Uint8Array([0]), encode(TAG.SEQUENCE, integer(n), integer(e))));

/** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey: what WebCrypto imports. */
export const pkcs8Of = (pkcs1: Uint8Array): Uint8Array =>
  encode(TAG.SEQUENCE, integer(new Uint8Array([0])), RSA_ALGORITHM, encode(TAG.OCTET_STRING, pkcs1));
