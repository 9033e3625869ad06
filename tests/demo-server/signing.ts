/**
 * The signing helpers the demo-server tests use to probe the wallet simulator by hand (hand-made
 * requests, checks of raw answers), on the kit's own signing modules (one source) and node:crypto's
 * synchronous calls (a test may block).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { PROFILES } from '../../server/openapi/profiles';
import { formatSignatureHeader as format, normalizeSignature, parseSignatureHeader, signedContent as contentBytes, type SignedParts } from '../../server/openapi/signing';
import { formatRequestTime, parseIsoTime } from '../../server/openapi/time';

export { parseIsoTime, parseSignatureHeader };
export const APPLY_TOKEN_PATH = PROFILES.superqi.paths.applyToken;
export const INQUIRY_USER_INFO_PATH = PROFILES.superqi.paths.inquiryUserInfo;

/** The signed content as text. */
export const signedContent = (parts: SignedParts): string => new TextDecoder().decode(contentBytes(parts));

/** `Request-Time` / `Response-Time` as the kit writes it. */
export const requestTime = (at: Date | number = Date.now(), offsetMinutes = 0): string => formatRequestTime(typeof at === 'number' ? at : at.getTime(), offsetMinutes);

export const formatSignatureHeader = (signature: string, keyVersion = 1, { urlEncode = false } = {}): string =>
  format(signature, keyVersion, urlEncode ? PROFILES.alipayplus.headerStyle : PROFILES.superqi.headerStyle);

type KeyInput = string | KeyObject;

export const sign = (content: string, privateKey: KeyInput): string => nodeSign('sha256', Buffer.from(content, 'utf8'), createPrivateKey(privateKey as string)).toString('base64');

export function verify(content: string, signature: unknown, publicKey: KeyInput): boolean {
  const base64 = normalizeSignature(signature);
  try {
    return base64 !== null && nodeVerify('sha256', Buffer.from(content, 'utf8'), createPublicKey(publicKey as string), Buffer.from(base64, 'base64'));
  } catch {
    return false;
  }
}

/** A `Signature` header against the message it claims to sign (a missing keyVersion is the current key). */
export function verifySignatureHeader({ header, publicKey, keyVersion = 1, ...parts }: SignedParts & { header: unknown; publicKey: KeyInput; keyVersion?: number }): boolean {
  const parsed = parseSignatureHeader(header);
  return !!parsed && (parsed.keyVersion === null || parsed.keyVersion === keyVersion) && verify(signedContent(parts), parsed.signature, publicKey);
}

/** A fresh RSA 2048 pair as PEM (SPKI, PKCS#8). */
export function generateKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
