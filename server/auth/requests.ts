/**
 * What the routes read from a request, checked: a JSON body within its limit (413 past it, with the
 * connection to be closed), declared JSON (415), the exchange's fields, the Idempotency-Key, the
 * bearer session id (the scheme in any case, as RFC 9110 says).
 */
import { isScopeName } from '../../utils/scope-name';
import { AuthServerError } from './answers';

export const MAX_BODY_BYTES = 64 * 1024;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{20,128}$/;

const badRequest = (message: string) => new AuthServerError(400, 'BAD_REQUEST', message, { retryable: false });
export const tooLarge = () => new AuthServerError(413, 'PAYLOAD_TOO_LARGE', `body larger than ${MAX_BODY_BYTES} bytes`, { retryable: false, headers: { Connection: 'close' } });

/**
 * A request as the routes read it: a fetch `Request` (fromRequest) or, in Node, the request the
 * adapter already has (no `Request` object made: it costs more than the routes do).
 */
export interface AuthRequest {
  url: string;
  method: string;
  /** A header's value (lower-case name), null when absent. */
  header(name: string): string | null;
  /** The whole body, at most MAX_BODY_BYTES (413 past it). */
  body(): Promise<Uint8Array>;
  /** The fetch Request (made on demand, for a `clientAddress` option). */
  toRequest(): Request;
}

const hasBody = (request: AuthRequest) => Number(request.header('content-length') ?? 0) > 0 || request.header('transfer-encoding') !== null;

/** A POST body must be declared JSON: a cross-site form cannot send that type without a preflight. */
export function checkBodyType(request: AuthRequest, needsBody: boolean): void {
  const type = request.header('content-type');
  if (type === null ? needsBody || hasBody(request) : !JSON_TYPE.test(type)) {
    throw new AuthServerError(415, 'BAD_REQUEST', 'send Content-Type: application/json', { retryable: false });
  }
}

/** The body of a fetch Request, at most the limit: past it the stream is cancelled and the answer is 413. */
export async function readLimited(request: Request): Promise<Uint8Array> {
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength);
  return all;
}

/** The routes' view of a fetch Request. */
export function fromRequest(request: Request): AuthRequest {
  return { url: request.url, method: request.method, header: (name) => request.headers.get(name), body: () => readLimited(request), toRequest: () => request };
}

export async function readJsonObject(request: AuthRequest): Promise<Record<string, unknown>> {
  const bytes = await request.body();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw badRequest('body is not valid JSON (UTF-8)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * An exchange's fields, checked (the route's body and `exchangeCode`'s argument alike): a code, scope
 * names (de-duplicated; none is fine), an optional Idempotency-Key of visible ASCII, an optional
 * session id the new session adds to. 400 otherwise.
 */
export function exchangeFields(input: unknown): { authCode: string; scopes: string[]; idempotencyKey?: string; sessionId?: string } {
  if (typeof input !== 'object' || input === null) throw badRequest('send { authCode, scopes }');
  const { authCode, scopes = [], idempotencyKey, sessionId } = input as Record<string, unknown>;
  if (typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 512) throw badRequest('authCode must be a non-empty string');
  if (!Array.isArray(scopes) || scopes.length > 64 || !scopes.every(isScopeName)) throw badRequest('scopes must be an array of scope names');
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey))) throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters');
  if (sessionId !== undefined && !isSessionId(sessionId)) throw badRequest('sessionId must be a session id (as an exchange answered it)');
  return { authCode, scopes: [...new Set(scopes as string[])], ...(idempotencyKey === undefined ? {} : { idempotencyKey }), ...(sessionId === undefined ? {} : { sessionId }) };
}

/** The request's Idempotency-Key header (checked with the other fields by exchangeFields). */
export const idempotencyKeyOf = (request: AuthRequest): string | undefined => request.header('idempotency-key') ?? undefined;

/** `Authorization: Bearer <sessionId>`, the scheme in any case; null when absent or malformed. */
export function bearerOf(request: AuthRequest): string | null {
  const match = /^bearer +(\S+) *$/i.exec(request.header('authorization') ?? '');
  return match && SESSION_ID.test(match[1] as string) ? (match[1] as string) : null;
}

export const isSessionId = (value: unknown): value is string => typeof value === 'string' && SESSION_ID.test(value);
