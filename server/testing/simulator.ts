/**
 * The wallet OpenAPI simulator for merchants' tests: SuperQi's v1 and Alipay+'s v2 `applyToken`,
 * `inquiryUserInfo` and `cancelToken`, with the gateway's request checks, single-use expiring codes,
 * rotating refresh tokens, signed answers, and on demand every fault of faults.ts. One
 * Request → Response core: `sim.fetch` stands in for `fetch` (no socket, any runtime), `sim.handle`
 * serves a fetch-API server, `sim.listen()` / `sim.nodeHandler` serve real HTTP in Node.
 * Test routes beside the APIs: `POST /sim/codes` `{ scopes, customerId? }` → `{ authCode }` (loopback
 * clients only) and `GET /sim/avatars/<n>.svg`.
 */
import { delay } from '../../utils/backoff';
import { abortable } from '../../utils/abort';
import { cryptoEngine, type CryptoEngine } from '../openapi/crypto-engine';
import { loadKey, type RsaKey } from '../openapi/keys';
import { MAX_CLOCK_SKEW_MS } from '../openapi/options';
import { PROFILES } from '../openapi/profiles';
import { formatSignatureHeader, sign, type HeaderStyle } from '../openapi/signing';
import { formatRequestTime, parseResponseTime } from '../openapi/time';
import type { KeyInput } from '../openapi/types';
import { checkFault, createFaultSlot, type SimulatorFault } from './faults';
import { createGrantBook, type Payload } from './grants';
import { OPERATIONS, type ApiName, type IncomingCall, type OperationContext } from './operations';
import { createNodeServing, type NodeServing } from './node-server';
import { AVATARS_PREFIX, avatarResponse, jsonError } from './users';

export interface WalletOpenApiSimulatorOptions {
  /** The merchant's `Client-Id` (default `TEST_CLIENT_ID`). */
  clientId?: string;
  /** The merchant's public key(s): requests must verify with one. */
  merchantPublicKey: KeyInput | readonly KeyInput[];
  /** The wallet's private key: answers are signed with it. */
  walletPrivateKey: KeyInput;
  /** The `keyVersion` requests must carry when they carry one (default 1). */
  merchantKeyVersion?: number;
  /** v2 `authClientId` requests must carry (default: `clientId`). */
  authClientId?: string;
  /** A path prefix before `/v1/…`, `/v2/…` (a gateway's, e.g. `/gateway`); signed like the rest of the path. */
  basePath?: string;
  /** The wallet's clock (epoch ms). */
  now?: () => number;
  codeTtlMs?: number;
  /** Default 10 years, as on SuperQi. */
  accessTokenTtlMs?: number;
  /** Default: the access token's life + 2 days. */
  refreshTokenTtlMs?: number;
  /** How far a `Request-Time` may be from the wallet's clock (default 5 minutes). */
  maxClockSkewMs?: number;
  /** Added before every API answer. */
  latencyMs?: number;
  fault?: SimulatorFault | null;
  /** The customer of codes issued without one (default: a random id, the same for this simulator). */
  defaultCustomerId?: string;
  maxBodyBytes?: number;
  /** How answers write their signature: as the request's dialect (default), always raw, or always URL-encoded. */
  signatureEncoding?: 'profile' | 'raw' | 'url';
  /** `Response-Time` as ISO 8601 (default) or epoch milliseconds. */
  responseTimeFormat?: 'iso' | 'epoch-ms';
  cryptoEngine?: 'auto' | 'node' | 'webcrypto';
}

/** One answer of an API, as a test may check it (no code, token or body). */
export interface SimulatorCall {
  api: ApiName;
  path: string;
  httpStatus: number | null;
  resultStatus: 'S' | 'F' | 'U' | null;
  resultCode: string | null;
  signed: boolean;
  /** The fault that hit it: its type, or the result code it answered. */
  fault: string | null;
}

export interface IssuedCode {
  authCode: string;
  customerId: string;
  expiresAt: number;
}

export interface CodeRequest {
  scopes?: readonly string[];
  customerId?: string;
  /** A negative value issues a code that has already expired. */
  ttlMs?: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TEN_YEARS = 3652 * DAY;
const SCOPE_RE = /^[A-Za-z0-9_]{1,64}$/;
const CUSTOMER_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** What a dropped connection answers: nothing. */
export const DROPPED = Symbol('dropped connection');

const API_PATHS: Record<string, { api: ApiName; v2: boolean }> = {
  [PROFILES.superqi.paths.applyToken]: { api: 'applyToken', v2: false },
  [PROFILES.alipayplus.paths.applyToken]: { api: 'applyToken', v2: true },
  [PROFILES.superqi.paths.inquiryUserInfo]: { api: 'inquiryUserInfo', v2: false },
  [PROFILES.alipayplus.paths.inquiryUserInfo]: { api: 'inquiryUserInfo', v2: true },
  [PROFILES.superqi.paths.cancelToken]: { api: 'cancelToken', v2: false },
};

/** `{ scopes, customerId?, ttlMs? }` checked; a TypeError says what is wrong. */
export function parseCodeRequest(value: unknown): { scopes: string[]; customerId?: string; ttlMs?: number } {
  const request = (value ?? {}) as CodeRequest;
  const scopes = request.scopes ?? ['auth_base'];
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > 32 || !scopes.every((s) => typeof s === 'string' && SCOPE_RE.test(s))) {
    throw new TypeError('scopes must be a non-empty array of scope names');
  }
  if (request.customerId !== undefined && !(typeof request.customerId === 'string' && CUSTOMER_RE.test(request.customerId))) {
    throw new TypeError('customerId must be 1-64 letters, digits, _ or -');
  }
  if (request.ttlMs !== undefined && !Number.isFinite(request.ttlMs)) throw new TypeError('ttlMs must be a number');
  return { scopes: [...scopes], ...(request.customerId === undefined ? {} : { customerId: request.customerId }), ...(request.ttlMs === undefined ? {} : { ttlMs: request.ttlMs }) };
}

const randomCustomerId = () => `100000${Array.from(crypto.getRandomValues(new Uint8Array(14)), (b) => b % 10).join('')}`;

function checkOptions(options: WalletOpenApiSimulatorOptions) {
  if (!options || typeof options !== 'object') throw new TypeError('createWalletOpenApiSimulator: options must be an object.');
  const who = 'createWalletOpenApiSimulator';
  const merchant = Array.isArray(options.merchantPublicKey) ? (options.merchantPublicKey as unknown[]) : [options.merchantPublicKey];
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !/^\/[A-Za-z0-9._~\/-]*$/.test(basePath)) throw new TypeError(`${who}: basePath must be a path such as /gateway.`);
  const engine = cryptoEngine(options.cryptoEngine ?? 'auto');
  if (!engine) throw new TypeError(`${who}: this runtime has no crypto.`);
  return {
    merchantKeys: merchant.map((key, i) => loadKey(key, 'public', merchant.length > 1 ? `merchantPublicKey[${i}]` : 'merchantPublicKey', who)),
    walletKey: loadKey(options.walletPrivateKey, 'private', 'walletPrivateKey', who),
    basePath,
    engine,
  };
}

export type WalletOpenApiSimulator = ReturnType<typeof createWalletOpenApiSimulator>;

export function createWalletOpenApiSimulator(options: WalletOpenApiSimulatorOptions) {
  const { merchantKeys, walletKey, basePath, engine } = checkOptions(options);
  const clientId = options.clientId ?? 'TEST_CLIENT_ID';
  const now = options.now ?? Date.now;
  const maxClockSkewMs = options.maxClockSkewMs ?? 5 * MINUTE;
  const accessTokenTtlMs = options.accessTokenTtlMs ?? TEN_YEARS;
  const defaultCustomerId = options.defaultCustomerId ?? randomCustomerId();
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  let latencyMs = options.latencyMs ?? 0;

  const stats = { applyToken: 0, authorizationCode: 0, refreshToken: 0, inquiryUserInfo: 0, cancelToken: 0, codesIssued: 0, faults: 0 };
  const calls: SimulatorCall[] = [];
  const faults = createFaultSlot(options.fault ?? null, () => stats.faults++);
  const book = createGrantBook({
    now,
    codeTtlMs: options.codeTtlMs ?? 10 * MINUTE,
    accessTokenTtlMs,
    // Seed 000: the refresh token outlives the access token by two days.
    refreshTokenTtlMs: options.refreshTokenTtlMs ?? accessTokenTtlMs + 2 * DAY,
    defaultCustomerId,
    onIssue: () => stats.codesIssued++,
  });
  const ctx: OperationContext = {
    clientId, authClientId: options.authClientId ?? clientId, merchantKeys, merchantKeyVersion: options.merchantKeyVersion ?? 1, maxClockSkewMs, now, engine, book, stats,
  };
  const answers = createAnswerer({ clientId, now, maxClockSkewMs, walletKey, engine, signatureEncoding: options.signatureEncoding ?? 'profile', responseTimeFormat: options.responseTimeFormat ?? 'iso' });

  async function api(request: Request, route: { api: ApiName; v2: boolean }, path: string): Promise<Response | typeof DROPPED> {
    stats[route.api]++;
    const call: IncomingCall = { method: request.method, path, headers: request.headers, body: new Uint8Array(await request.arrayBuffer()), v2: route.v2 };
    const answered = async (status: number, payload: Payload, fault: SimulatorFault | null) => {
      const result = await answers.respond(call, status, payload, fault, route.api);
      calls.push(answers.describe(route.api, path, result, payload, fault));
      return result;
    };
    if (request.method !== 'POST') return answered(405, { result: { resultCode: 'INVALID_API', resultStatus: 'F', resultMessage: 'use POST' } }, null);
    if (call.body.length > maxBodyBytes) return answered(200, { result: { resultCode: 'PARAM_ILLEGAL', resultStatus: 'F', resultMessage: 'body too large' } }, null);
    if (latencyMs > 0) await delay(latencyMs, request.signal);
    const fault = faults.take(route.api);
    const early = fault ? await answers.beforeProcessing(fault, request.signal) : null;
    if (early instanceof Response || early === DROPPED) {
      calls.push(answers.describe(route.api, path, early, null, fault));
      return early;
    }
    return answered(200, early ?? (await OPERATIONS[route.api](call, ctx)), fault);
  }

  /** The simulator's answer to `request`; `DROPPED` for a connection it drops. */
  async function answer(request: Request, info: { remoteAddress?: string } = {}): Promise<Response | typeof DROPPED> {
    const path = new URL(request.url).pathname;
    const route = path.startsWith(`${basePath}/`) ? API_PATHS[path.slice(basePath.length)] : undefined;
    if (route) return api(request, route, path);
    if (path === '/sim/codes') return codesRoute(request, info.remoteAddress);
    if (path.startsWith(AVATARS_PREFIX)) return avatarResponse(request.method, path);
    return jsonError(404, 'NOT_FOUND', 'no such route');
  }

  async function codesRoute(request: Request, remoteAddress: string | undefined): Promise<Response> {
    if (remoteAddress !== undefined && !isLoopbackAddress(remoteAddress)) return jsonError(403, 'ACCESS_DENIED', 'codes are issued to loopback clients only');
    if (request.method !== 'POST') return jsonError(405, 'METHOD_NOT_ALLOWED', 'use POST', { Allow: 'POST' });
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) return jsonError(415, 'BAD_REQUEST', 'send Content-Type: application/json');
    const text = await request.text();
    try {
      if (text.length > 16 * 1024) throw new TypeError('body too large');
      const body: unknown = JSON.parse(text);
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TypeError('body must be a JSON object');
      // Over HTTP the scopes are required and the code lives its normal life.
      const { scopes, customerId } = body as CodeRequest;
      if (!Array.isArray(scopes)) throw new TypeError('scopes must be a non-empty array of scope names');
      return Response.json({ authCode: issueCode({ scopes, customerId }).authCode });
    } catch (error) {
      return jsonError(400, 'PARAM_ILLEGAL', error instanceof TypeError ? error.message : 'body must be a JSON object');
    }
  }

  function issueCode(request: CodeRequest = {}): IssuedCode {
    return book.issueCode(parseCodeRequest(request));
  }

  const handle = async (request: Request, info?: { remoteAddress?: string }): Promise<Response> => {
    const result = await answer(request, info);
    if (result === DROPPED) throw droppedError();
    return result;
  };

  const serving: NodeServing = createNodeServing(answer, (path) => (path.startsWith(`${basePath}/`) && path.slice(basePath.length) in API_PATHS) || path === '/sim/codes' || path.startsWith(AVATARS_PREFIX), maxBodyBytes);

  return {
    clientId,
    defaultCustomerId,
    /** A `fetch` to pass as the client's `fetch` option: the answer without any socket. */
    async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
      const request = new Request(input, init);
      const result = await abortable(answer(request), request.signal, () => request.signal.reason);
      if (result === DROPPED) throw droppedError();
      return result;
    },
    /** A fetch-API handler (Request → Response) for Hono, Workers, Deno, Bun…; a dropped connection rejects. */
    handle,
    /** For a node:http server of your own: takes the simulator's routes (returns true), leaves others (false). */
    nodeHandler: serving.nodeHandler,
    /** Serves the simulator over HTTP on a loopback address (Node): `{ url, port }`. */
    listen: serving.listen,
    /** Stops the server `listen` started (the in-process `fetch` keeps working). */
    close: serving.close,
    issueCode,
    setFault(fault: SimulatorFault | null): void {
      faults.set(fault);
    },
    /** Delay added before every API answer. */
    setLatency(ms: number): void {
      if (!(ms >= 0 && Number.isFinite(ms))) throw new TypeError('setLatency: ms must be a number ≥ 0.');
      latencyMs = ms;
    },
    /** What the wallet knows about an access token; null when unknown, revoked or expired. */
    inspectAccessToken(token: string): { customerId: string; scopes: string[]; expiresAt: number } | null {
      const entry = book.accessToken(token);
      return entry && now() < entry.expiresAt ? { customerId: entry.customerId, scopes: [...entry.scopes], expiresAt: entry.expiresAt } : null;
    },
    stats,
    /** Every API answer so far (no code, token or body). */
    calls,
  };
}

function droppedError(): TypeError {
  // What Node's fetch rejects with when the other side closes the connection.
  const error = new TypeError('fetch failed');
  Object.defineProperty(error, 'cause', { value: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), configurable: true, writable: true });
  return error;
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

interface AnswererOptions {
  clientId: string;
  now: () => number;
  maxClockSkewMs: number;
  walletKey: RsaKey;
  engine: CryptoEngine;
  signatureEncoding: 'profile' | 'raw' | 'url';
  responseTimeFormat: 'iso' | 'epoch-ms';
}

/** Writing answers: signed as the request's dialect, spoiled as a fault says. */
function createAnswerer(o: AnswererOptions) {
  const last = new Map<string, { status: number; body: string; headers: Record<string, string> }>();

  const styleOf = (call: IncomingCall): HeaderStyle => {
    const url = o.signatureEncoding === 'url' || (o.signatureEncoding === 'profile' && call.v2);
    return url ? PROFILES.alipayplus.headerStyle : PROFILES.superqi.headerStyle;
  };

  function timeOf(call: IncomingCall, fault: SimulatorFault | null): string {
    let t = o.now();
    // Stale for any client, whatever window it allows (not only this wallet's).
    if (fault?.type === 'STALE_TIME') t -= Math.max(o.maxClockSkewMs, MAX_CLOCK_SKEW_MS) + MINUTE;
    if (fault?.type === 'EARLY_TIME') t = (parseResponseTime(call.headers.get('request-time')) ?? t) - 5_000;
    return fault?.type === 'EPOCH_MS_TIME' || o.responseTimeFormat === 'epoch-ms' ? String(t) : formatRequestTime(t);
  }

  async function respond(call: IncomingCall, status: number, payload: Payload, fault: SimulatorFault | null, api?: string): Promise<Response | typeof DROPPED> {
    if (fault?.type === 'DROP_AFTER') return DROPPED;
    const previous = fault?.type === 'REPLAY' && api ? last.get(api) : undefined;
    if (previous) return new Response(previous.body, { status: previous.status, headers: previous.headers });
    let body = fault?.type === 'NOT_JSON' ? '<html><body>502 Bad Gateway</body></html>' : JSON.stringify(payload);
    const clientId = fault?.type === 'OTHER_CLIENT_ID' ? `${o.clientId}_OTHER` : (call.headers.get('client-id') ?? '');
    const time = timeOf(call, fault);
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-store', 'Client-Id': clientId, 'Response-Time': time };
    if (fault?.type !== 'NO_SIGNATURE' && !fault?.unsigned) {
      // A "bad" signature is a real RSA signature over other content: well-formed, just not this answer's.
      const signature = await sign(o.engine, o.walletKey, { method: 'POST', path: call.path, clientId, time, body: fault?.type === 'BAD_SIGNATURE' ? `${body} ` : body });
      headers.Signature = formatSignatureHeader(signature, 1, styleOf(call));
      // Tampered after signing, keeping the JSON's meaning: only a check of the raw bytes sees it.
      if (fault?.type === 'TAMPERED') body = body.replace('{', '{ ');
      else if (api && status === 200) last.set(api, { status, body, headers });
    }
    return new Response(body, { status, headers });
  }

  /**
   * A fault met before the request is processed: an answer without a result (HTTP error, dropped
   * connection), the result payload to answer instead of processing, or null (the request goes on).
   */
  async function beforeProcessing(fault: SimulatorFault, signal: AbortSignal): Promise<Response | typeof DROPPED | Payload | null> {
    const plain = (status: number, message: string, extra: Record<string, string> = {}) =>
      new Response(JSON.stringify({ message }), { status, headers: { 'Content-Type': 'application/json', ...extra } });
    switch (fault.type) {
      case 'DROP':
        return DROPPED;
      case 'HTTP_500':
        return plain(500, 'Internal Server Error');
      case 'HTTP_503':
        return plain(503, 'Service Unavailable');
      case 'HTTP_429':
        return plain(429, 'Too Many Requests', { 'Retry-After': '1' });
      case 'SLOW':
        await delay(fault.delayMs ?? 1000, signal);
        return null;
    }
    const code = fault.resultCode ?? (fault.type === 'UNKNOWN_EXCEPTION' || fault.type === 'REQUEST_TRAFFIC_EXCEED_LIMIT' ? fault.type : null);
    if (!code) return null;
    const status = fault.resultStatus ?? (code === 'UNKNOWN_EXCEPTION' || code === 'REQUEST_TRAFFIC_EXCEED_LIMIT' ? 'U' : 'F');
    return { result: { resultCode: code, resultStatus: status, resultMessage: 'simulated fault' } };
  }

  function describe(api: ApiName, path: string, answer: Response | typeof DROPPED, payload: Payload | null, fault: SimulatorFault | null): SimulatorCall {
    const result = (payload?.result ?? null) as { resultStatus?: SimulatorCall['resultStatus']; resultCode?: string } | null;
    return {
      api,
      path,
      httpStatus: answer === DROPPED ? null : answer.status,
      resultStatus: answer === DROPPED ? null : (result?.resultStatus ?? null),
      resultCode: answer === DROPPED ? null : (result?.resultCode ?? null),
      signed: answer !== DROPPED && answer.headers.has('signature'),
      fault: fault ? (fault.type ?? fault.resultCode ?? null) : null,
    };
  }

  return { respond, beforeProcessing, describe };
}

export { checkFault };
