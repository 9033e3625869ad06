/**
 * `httpSubmitter`: a ready `submit` hook that POSTs `{ authCode, scopes }` to the merchant backend
 * with `my.request` when the host has it, else `fetch`. The code travels only in the body.
 */
import { createAbortController } from './abort';
import { isAbortSignal, readField } from './checks';
import { AuthError } from './errors';
import { globalCrypto, globalFetch, globalMy, globalURL, pageHref } from './globals';
import type { MyRequestHost, SubmitContext, SubmitHook } from './types';

export interface HttpSubmitterOptions {
  /** The backend endpoint: HTTPS, or http on a loopback host for development. */
  url: string;
  headers?: Record<string, string>;
  /** Default 15 000 ms. */
  timeoutMs?: number;
  /** The `my` to use for `my.request` (default the global `my`); `null` forces `fetch`. */
  host?: MyRequestHost | null;
  /** `fetch` credentials mode (default `same-origin`). */
  credentials?: 'omit' | 'same-origin' | 'include';
}

/** Backend `{ error: { code } }` values passed through as they are (the authorizer reads them). */
const PASSED_CODES = new Set(['INVALID_CODE', 'USED_CODE', 'EXPIRED_CODE', 'CODE_REJECTED']);
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

interface ParsedUrl {
  protocol: string;
  hostname: string;
}

function parseUrl(url: string): ParsedUrl | undefined {
  const href = pageHref();
  const base = typeof href === 'string' ? href : undefined;
  const URLCtor = globalURL() as typeof URL | undefined;
  if (typeof URLCtor === 'function') {
    try {
      const u = base ? new URLCtor(url, base) : new URLCtor(url);
      return { protocol: u.protocol, hostname: u.hostname };
    } catch {
      return undefined;
    }
  }
  // DSL mini program engines may lack URL: absolute URLs only.
  // Credentials in the authority (`http://localhost:80@evil.example`) would fool the host check.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) return undefined;
  const m = /^([a-z][a-z0-9+.-]*:)\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(url);
  return m ? { protocol: (m[1] as string).toLowerCase(), hostname: (m[2] as string).toLowerCase() } : undefined;
}

/** Throws TypeError unless the URL is HTTPS, or http on a loopback host. */
export function checkSubmitUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) throw new TypeError('httpSubmitter: url must be a non-empty string.');
  const parsed = parseUrl(url);
  if (!parsed) throw new TypeError('httpSubmitter: url is not a valid URL.');
  if (parsed.protocol === 'https:') return url;
  if (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname)) return url;
  throw new TypeError('httpSubmitter: the backend URL must use HTTPS (plain http is allowed only on loopback hosts).');
}

function isRequestHost(value: unknown): value is MyRequestHost {
  return typeof value === 'object' && value !== null && typeof (value as MyRequestHost).request === 'function';
}

interface RawResponse {
  status: number | undefined;
  body: unknown;
}

/** Maps an HTTP answer to the session data or to an error the authorizer understands. */
export function readBackendAnswer(response: RawResponse, scopes: readonly string[]): unknown {
  const { status, body } = response;
  const errorField = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const ok = status !== undefined && status >= 200 && status < 300;
  // `"error": null` in a 2xx envelope means no error.
  if (ok && (errorField === undefined || errorField === null)) {
    // 204 / an empty body: the backend keeps its session in a cookie; the session data is null.
    if (body === undefined) return null;
    if (typeof body === 'string') {
      throw new AuthError('BACKEND_ERROR', { retryable: false, status, scopes, message: 'The backend answer was not JSON.' });
    }
    return body;
  }
  const code = typeof errorField === 'object' && errorField !== null ? (errorField as { code?: unknown }).code : undefined;
  const init = { scopes, ...(status !== undefined ? { status } : {}) };
  if (typeof code === 'string' && PASSED_CODES.has(code)) {
    throw new AuthError('CODE_REJECTED', { ...init, platformCode: code, message: `The backend refused the auth code (${code}).` });
  }
  // The backend's own word wins; else U results of the wallet and transient HTTP statuses.
  const flag = typeof errorField === 'object' && errorField !== null ? (errorField as { retryable?: unknown }).retryable : undefined;
  const transient =
    typeof flag === 'boolean'
      ? flag
      : code === 'UNKNOWN_EXCEPTION' || code === 'REQUEST_TRAFFIC_EXCEED_LIMIT' || status === undefined || status >= 500 || status === 429 || status === 408;
  throw new AuthError('BACKEND_ERROR', {
    ...init,
    retryable: transient,
    ...(typeof code === 'string' && code.length <= 64 && /^[A-Z0-9_]+$/i.test(code) ? { platformCode: code } : {}),
    message: status === undefined ? 'The backend could not be reached.' : `The backend answered HTTP ${status}.`,
  });
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An unreachable or unreadable backend: transient. */
function unreachable(scopes: readonly string[], message = 'The backend could not be reached.'): AuthError {
  return new AuthError('BACKEND_ERROR', { retryable: true, scopes, message });
}

function viaMyRequest(my: MyRequestHost, url: string, headers: Record<string, string>, body: string, timeoutMs: number, ctx: SubmitContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      try {
        resolve(fn());
      } catch (error) {
        reject(error instanceof AuthError ? error : unreachable(ctx.scopes, 'The backend answer could not be read.'));
      }
    };
    // Our own timer: a bridge that drops the call (or ignores `timeout`) never settles otherwise.
    const timer = setTimeout(() => finish(() => { throw unreachable(ctx.scopes, 'The backend did not answer in time.'); }), timeoutMs + 1000);
    const onAbort = () => finish(() => { throw new AuthError('ABORTED', { scopes: ctx.scopes }); });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const answer = (res: unknown, fallbackStatus: number | undefined) => {
      let status: unknown;
      let data: unknown;
      try {
        status = (res as { status?: unknown } | null | undefined)?.status;
        data = (res as { data?: unknown } | null | undefined)?.data;
      } catch {
        throw unreachable(ctx.scopes, 'The backend answer could not be read.');
      }
      return readBackendAnswer({ status: typeof status === 'number' ? status : fallbackStatus, body: parseJson(data) }, ctx.scopes);
    };
    try {
      my.request({
        url,
        method: 'POST',
        headers,
        data: body,
        dataType: 'text',
        timeout: timeoutMs,
        success: (res) => finish(() => answer(res, 200)),
        // Alipay calls fail for HTTP errors too (error 19), with status and data when there was an answer.
        fail: (err) => finish(() => answer(err, undefined)),
      });
    } catch {
      finish(() => readBackendAnswer({ status: undefined, body: undefined }, ctx.scopes));
    }
  });
}

async function viaFetch(url: string, headers: Record<string, string>, body: string, timeoutMs: number, credentials: RequestCredentials, ctx: SubmitContext): Promise<unknown> {
  const fetchFn = globalFetch() as typeof fetch | undefined;
  if (typeof fetchFn !== 'function') throw new AuthError('BACKEND_ERROR', { retryable: false, scopes: ctx.scopes, message: 'Neither my.request nor fetch is available.' });
  const controller = createAbortController();
  const onAbort = () => controller.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, { method: 'POST', headers, body, credentials, signal: controller.signal, cache: 'no-store' });
      // A body cut short (connection lost, timeout) is a failed call, not an empty answer.
      text = await response.text();
    } catch {
      if (ctx.signal.aborted) throw new AuthError('ABORTED', { scopes: ctx.scopes });
      throw unreachable(ctx.scopes);
    }
    return readBackendAnswer({ status: response.status, body: parseJson(text) }, ctx.scopes);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** 128 random bits, hex: from Web Crypto where the engine has it. */
function randomKey(): string {
  const bytes = new Uint8Array(16);
  const c = globalCrypto() as { getRandomValues?: (a: Uint8Array) => Uint8Array } | undefined;
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let hex = '';
  for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return hex;
}

/**
 * One `Idempotency-Key` per code: the backend gives a stored session back only to a resend with
 * the same key. The last few codes are remembered (in memory only) so a hook called again for the
 * same code sends the same key.
 */
function idempotencyKeys(): (authCode: string) => string {
  const keys = new Map<string, string>();
  return (authCode) => {
    let key = keys.get(authCode);
    if (key === undefined) {
      key = randomKey();
      keys.set(authCode, key);
      if (keys.size > 8) keys.delete(keys.keys().next().value as string);
    }
    return key;
  };
}

export function httpSubmitter(options: HttpSubmitterOptions): SubmitHook {
  if (typeof options !== 'object' || options === null) throw new TypeError('httpSubmitter(options) needs { url }.');
  const url = checkSubmitUrl(options.url);
  const extra = options.headers ?? {};
  if (typeof extra !== 'object' || extra === null || Object.values(extra).some((v) => typeof v !== 'string')) {
    throw new TypeError('httpSubmitter: headers must be an object of strings.');
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > 2_147_483_647) throw new TypeError('httpSubmitter: timeoutMs must be a positive number.');
  if (options.host !== undefined && options.host !== null && !isRequestHost(options.host)) throw new TypeError('httpSubmitter: host must have request(options).');
  const credentials = options.credentials ?? 'same-origin';
  const headers = { ...extra, 'Content-Type': 'application/json' };
  const keyFor = idempotencyKeys();

  return (authCode, context) => {
    if (typeof authCode !== 'string' || authCode.length === 0) return Promise.reject(new TypeError('submit: authCode must be a non-empty string.'));
    const scopes = readField(context, 'scopes');
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
      return Promise.reject(new TypeError('submit: context.scopes must be an array of scope names.'));
    }
    const signal = readField(context, 'signal');
    if (signal !== undefined && !isAbortSignal(signal)) return Promise.reject(new TypeError('submit: context.signal must be an AbortSignal.'));
    const ctx: SubmitContext = {
      scopes: [...scopes],
      attempt: typeof readField(context, 'attempt') === 'number' ? (readField(context, 'attempt') as number) : 1,
      // Callers of the hook that give no signal get one that never aborts.
      signal: isAbortSignal(signal) ? signal : createAbortController().signal,
    };
    const body = JSON.stringify({ authCode, scopes: ctx.scopes });
    const sent = { ...headers, 'Idempotency-Key': keyFor(authCode) };
    const my = options.host === undefined ? globalMy() : options.host;
    if (isRequestHost(my)) return viaMyRequest(my, url, sent, body, timeoutMs, ctx);
    return viaFetch(url, sent, body, timeoutMs, credentials, ctx);
  };
}
