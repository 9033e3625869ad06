/**
 * Fail closed: an answer is trusted only when its `Client-Id` is ours, its `Response-Time` is within
 * `maxClockSkewMs` and not earlier than the second the request was sent, its `Signature` verifies
 * over the raw body bytes and the request's path with a wallet key, and it was not accepted before as
 * the answer to another request (replay.ts); only then is the body parsed. An unsigned (or replayed)
 * `F`/`U` is classified by its code (`verified: false`) from two fields picked out of the text, never
 * parsed; an unsigned or replayed success is refused. HTTP 429/5xx is
 * transient whatever the body says.
 */
import { decodeUtf8 } from './bytes';
import type { CryptoEngine } from './crypto-engine';
import { WalletError, type ResultStatus, type WalletErrorInit } from './errors';
import type { RsaKey } from './keys';
import type { ReplayGuard } from './replay';
import { cleanCode, meaningOf } from './result-codes';
import { parseSignatureHeader, verify } from './signing';
import { parseResponseTime, secondOf } from './time';

export interface RawAnswer {
  status: number;
  headers: { get(name: string): string | null };
  body: Uint8Array;
}

export interface AnswerCheck {
  api: string;
  path: string;
  clientId: string;
  /** When the request was sent (its `Request-Time`). */
  sentAt: number;
  now: () => number;
  maxClockSkewMs: number;
  walletKeys: readonly RsaKey[];
  engine: CryptoEngine;
  replay: ReplayGuard;
  /** A digest of the request (path and body): an answer seen before is accepted again only for the same request. */
  requestDigest: string;
  /** The auth code or tokens the request carried: a result code that echoes one is not reported. */
  secrets: readonly string[];
}

/** Successes refused as seen before: retried (when the call is safe to repeat) in the next second, whose answer differs. */
export const REPLAYED = new WeakSet<WalletError>();
/**
 * Refusals (F/U) whose answer was signed and its signature checked, but seen before: the wallet's own
 * verdict, not bound to this request (`verified: false`). The same refusal twice in one second is
 * byte for byte the same answer, so the auth server counts these as the wallet's word; an unsigned one
 * it never does.
 */
export const SIGNED_REPEATS = new WeakSet<WalletError>();

export interface TrustedAnswer {
  payload: Record<string, unknown>;
  responseTime: number;
  resultCode: string;
}

type Failure = Omit<WalletErrorInit, 'api' | 'httpStatus'>;

function failure(answer: RawAnswer, check: AnswerCheck, init: Failure): WalletError {
  return new WalletError({ api: check.api, httpStatus: answer.status, ...init });
}

/** Shorter overlaps are chance (a code `X` in `EXPIRED_CODE`), not an echo. */
const ECHO_MIN = 8;

/** The answer's result code, when it is a plain code and holds no secret of the request (a gateway echoing what it was sent). */
function codeOf(value: unknown, check: AnswerCheck): string | null {
  const code = cleanCode(value);
  if (code === null) return null;
  const echoes = (secret: string) => (secret.length >= ECHO_MIN && code.includes(secret)) || (code.length >= ECHO_MIN && secret.includes(code));
  return check.secrets.some(echoes) ? null : code;
}

const untrusted = (answer: RawAnswer, check: AnswerCheck, detail: string) => failure(answer, check, { kind: 'untrusted', action: 'FIX_CONFIG', detail, verified: false });

function checkClientId(answer: RawAnswer, check: AnswerCheck, signed: boolean): void {
  const clientId = answer.headers.get('client-id');
  if (clientId === null && !signed) return;
  if (clientId !== check.clientId) throw untrusted(answer, check, clientId === null ? 'no Client-Id on a signed answer' : 'an answer for another Client-Id');
}

/** The answer's time (epoch ms), checked; null only for an unsigned answer without one. */
function checkTime(answer: RawAnswer, check: AnswerCheck, signed: boolean): { raw: string; at: number } | null {
  const raw = answer.headers.get('response-time');
  if (raw === null && !signed) return null;
  const at = parseResponseTime(raw);
  if (raw === null || at === null) throw untrusted(answer, check, 'Response-Time missing or unreadable');
  const now = check.now();
  if (now - at > check.maxClockSkewMs) throw untrusted(answer, check, 'Response-Time older than maxClockSkewMs');
  if (at - now > check.maxClockSkewMs) throw untrusted(answer, check, 'Response-Time ahead of this clock by more than maxClockSkewMs');
  if (at < secondOf(check.sentAt)) throw untrusted(answer, check, 'Response-Time earlier than the request was sent');
  return { raw, at };
}

/** Exactly one match of `re` in `text`, or null (none, or an ambiguous body). */
function onlyMatch(text: string, re: RegExp): string | null {
  const found = [...text.matchAll(re)];
  return found.length === 1 ? ((found[0] as RegExpMatchArray)[1] as string) : null;
}

/**
 * An answer that cannot vouch for this request (unsigned, or a signed one already accepted for
 * another request): never trusted, at best a classified F or U, read from two fields picked out of the
 * text (never parsed). A refusal replayed costs nothing an attacker on the path could not cause by
 * dropping the answer; a success replayed is refused. Always throws.
 */
function untrustedOutcome(answer: RawAnswer, check: AnswerCheck, replayed: boolean): never {
  const text = decodeUtf8(answer.body) ?? '';
  const status = onlyMatch(text, /"resultStatus"\s*:\s*"([A-Za-z])"/g);
  const code = codeOf(onlyMatch(text, /"resultCode"\s*:\s*"([^"]{1,64})"/g), check);
  if (status === 'F' || status === 'U') {
    const meaning = meaningOf(status, code);
    const error = failure(answer, check, { kind: meaning.kind, action: meaning.action, resultStatus: status, resultCode: meaning.resultCode, walletResultCode: code, verified: false, detail: replayed ? 'seen before' : 'unsigned' });
    if (replayed) SIGNED_REPEATS.add(error);
    throw error;
  }
  if (replayed) {
    // Maybe an attack, maybe one wallet answer fitting two requests in a second: asked again, it differs.
    const error = failure(answer, check, { kind: 'transient', action: 'RETRY_LATER', detail: 'an answer seen before, for another request (replayed)', verified: false });
    REPLAYED.add(error);
    throw error;
  }
  if (status === 'S') throw untrusted(answer, check, 'an unsigned success');
  const http = answer.status;
  if (http >= 200 && http < 300) throw untrusted(answer, check, 'an unsigned answer without a result');
  if (http < 400 || [401, 403, 404, 405].includes(http)) throw failure(answer, check, { kind: 'config', action: 'FIX_CONFIG', detail: 'check baseUrl and profile' });
  throw failure(answer, check, { kind: 'request', action: 'FIX_REQUEST', detail: 'the wallet refused the request' });
}

/** The verified body as a JSON object, or null. */
function parsePayload(body: Uint8Array): Record<string, unknown> | null {
  const text = decodeUtf8(body);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What a verified payload says: a success, or a WalletError with `verified: true`. */
function outcome(answer: RawAnswer, check: AnswerCheck, payload: Record<string, unknown>, responseTime: number): TrustedAnswer {
  const result = payload.result as { resultStatus?: unknown; resultCode?: unknown } | null | undefined;
  if (!result || typeof result !== 'object') throw untrusted(answer, check, 'a signed answer without a result');
  const status = result.resultStatus;
  const code = codeOf(result.resultCode, check);
  if (status === 'S') {
    if (answer.status < 200 || answer.status >= 300) throw untrusted(answer, check, 'a success with an HTTP error status');
    return { payload, responseTime, resultCode: code ?? 'SUCCESS' };
  }
  if (status !== 'F' && status !== 'U') throw untrusted(answer, check, 'a result without S, F or U');
  const meaning = meaningOf(status as Exclude<ResultStatus, 'S'>, code);
  throw failure(answer, check, { kind: meaning.kind, action: meaning.action, resultStatus: status, resultCode: meaning.resultCode, walletResultCode: code, verified: true });
}

export async function checkAnswer(answer: RawAnswer, check: AnswerCheck): Promise<TrustedAnswer> {
  if (answer.status === 429 || answer.status >= 500) {
    throw failure(answer, check, { kind: 'transient', action: 'RETRY_LATER', detail: answer.status === 429 ? 'throttled' : 'wallet server error' });
  }
  const header = answer.headers.get('signature');
  const signed = header !== null && header.trim() !== '';
  checkClientId(answer, check, signed);
  const time = checkTime(answer, check, signed);
  if (!signed || !time) return untrustedOutcome(answer, check, false);
  const parsed = parseSignatureHeader(header);
  if (!parsed) throw untrusted(answer, check, 'a malformed Signature header');
  const parts = { method: 'POST', path: check.path, clientId: check.clientId, time: time.raw, body: answer.body };
  if (!(await verify(check.engine, check.walletKeys, parts, parsed.signature))) throw untrusted(answer, check, 'the signature does not verify with walletPublicKey');
  if (check.replay.seenBefore(parsed.signature, check.requestDigest, time.at, check.now())) return untrustedOutcome(answer, check, true);
  const payload = parsePayload(answer.body);
  if (!payload) throw untrusted(answer, check, 'a signed answer that is not a JSON object');
  return outcome(answer, check, payload, time.at);
}
