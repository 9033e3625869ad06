/**
 * `httpSubmitter`: a ready `submit` hook that POSTs `{ authCode, scopes }` to the merchant backend
 * with `my.request` when the host has it, else `fetch`. The code travels only in the body.
 */
import { abortable, createAbortController, onAbort } from './abort';
import { duration, hasMethods, isAbortSignal, optionError, readField } from './checks';
import { AuthError } from './errors';
import { globalCrypto, globalFetch, globalMy, globalURL, pageHref } from './globals';
import { backendError } from './submit-errors';
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

const WHERE = 'httpSubmitter';
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Protocol and host of a URL: with `URL` where the engine has it, else absolute URLs only (DSL). */
function parseUrl(url: string): [string, string] | undefined {
  const URLCtor = globalURL() as typeof URL | undefined;
  if (typeof URLCtor === 'function') {
    try {
      const base = pageHref();
      const u = typeof base === 'string' ? new URLCtor(url, base) : new URLCtor(url);
      return [u.protocol, u.hostname];
    } catch {
      return undefined;
    }
  }
  // Credentials in the authority (`http://localhost:80@evil.example`) would fool the host check.
  if (/^[^/?#]*\/\/[^/?#]*@/.test(url)) return undefined;
  const m = /^([a-z][\w+.-]*:)\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(url);
  return m ? [(m[1] as string).toLowerCase(), (m[2] as string).toLowerCase()] : undefined;
}

/** The URL, unless it is not HTTPS (plain http only on a loopback host). */
function checkSubmitUrl(url: unknown): string {
  const parsed = typeof url === 'string' && url.length <= 2048 ? parseUrl(url) : undefined;
  if (parsed && (parsed[0] === 'https:' || (parsed[0] === 'http:' && LOOPBACK.test(parsed[1])))) return url as string;
  throw optionError(WHERE, 'url', 'an https URL (http only on a loopback host)');
}

/** An HTTP answer as session data, or the kit's error for it. */
function readAnswer(status: number | undefined, text: unknown, ctx: SubmitContext, authCode: string): unknown {
  let body: unknown = text;
  if (typeof text === 'string') {
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text, refused below.
    }
  }
  const error = readField(body, 'error');
  // `"error": null` in a 2xx envelope means no error; 204 / an empty body: session data null.
  if (status !== undefined && status >= 200 && status < 300 && (error === undefined || error === null)) {
    if (typeof body !== 'string') return body === undefined ? null : body;
    throw new AuthError('BACKEND_ERROR', { retryable: false, status, scopes: ctx.scopes, detail: 'not JSON' });
  }
  throw backendError(ctx.scopes, authCode, status, readField(error, 'code'), readField(error, 'retryable'));
}

type Send = (url: string, headers: Record<string, string>, body: string, ctx: SubmitContext, authCode: string) => Promise<unknown>;

/** `my.request`: Alipay calls `fail` for HTTP errors too (error 19), with status and data when there was an answer. */
function viaMyRequest(my: MyRequestHost, timeoutMs: number): Send {
  return (url, headers, body, ctx, authCode) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = new Promise((resolve, reject) => {
      const done = (res: unknown, fallback?: number) => {
        clearTimeout(timer);
        try {
          const r = res as { status?: unknown; data?: unknown } | undefined;
          const status = r?.status;
          resolve(readAnswer(typeof status === 'number' ? status : fallback, r?.data, ctx, authCode));
        } catch (error) {
          // An answer whose getters throw could not be read: as if it never came.
          reject(error instanceof AuthError ? error : backendError(ctx.scopes, authCode, undefined, undefined, undefined));
        }
      };
      // Our own timer: a bridge that drops the call (or ignores `timeout`) never settles otherwise.
      timer = setTimeout(done, timeoutMs + 1000);
      try {
        my.request({ url, method: 'POST', headers, data: body, dataType: 'text', timeout: timeoutMs, success: (res) => done(res, 200), fail: (err) => done(err) });
      } catch {
        done(undefined);
      }
    });
    return abortable(answered, ctx.signal, () => (clearTimeout(timer), new AuthError('ABORTED', { scopes: ctx.scopes })));
  };
}

function viaFetch(timeoutMs: number, credentials: RequestCredentials): Send {
  return async (url, headers, body, ctx, authCode) => {
    const fetchFn = globalFetch() as typeof fetch | undefined;
    if (typeof fetchFn !== 'function') throw new AuthError('BACKEND_ERROR', { retryable: false, scopes: ctx.scopes, detail: 'no my.request or fetch' });
    const controller = createAbortController();
    const stop = () => controller.abort();
    const off = onAbort(ctx.signal, stop);
    const timer = setTimeout(stop, timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetchFn(url, { method: 'POST', headers, body, credentials, signal: controller.signal, cache: 'no-store' });
      status = response.status;
      // A body cut short (connection lost, timeout) is a failed call, not an empty answer.
      text = await response.text();
    } catch {
      if (ctx.signal.aborted) throw new AuthError('ABORTED', { scopes: ctx.scopes });
      return readAnswer(undefined, undefined, ctx, authCode);
    } finally {
      off();
      clearTimeout(timer);
    }
    return readAnswer(status, text, ctx, authCode);
  };
}

/** 128 random bits, hex: from Web Crypto where the engine has it. */
function randomKey(): string {
  const bytes = new Uint8Array(16);
  const c = globalCrypto() as Crypto | undefined;
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
}

/**
 * One `Idempotency-Key` per code: the backend gives a stored session back only to a resend with
 * the same key. The last few codes are remembered (in memory only) so a hook called again for the
 * same code sends the same key.
 */
function idempotencyKeys(): (authCode: string) => string {
  const keys = new Map<string, string>();
  return (authCode) => {
    const key = keys.get(authCode) ?? randomKey();
    keys.set(authCode, key);
    if (keys.size > 8) keys.delete(keys.keys().next().value as string);
    return key;
  };
}

/** The hook's arguments, checked: the authorizer passes them right, an application may not. */
function readContext(authCode: unknown, context: unknown): SubmitContext {
  if (typeof authCode !== 'string' || !authCode) throw optionError('submit', 'authCode', 'a non-empty string');
  const scopes = readField(context, 'scopes');
  const signal = readField(context, 'signal');
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) throw optionError('submit', 'context.scopes', 'an array of scope names');
  if (signal !== undefined && !isAbortSignal(signal)) throw optionError('submit', 'context.signal', 'an AbortSignal');
  const attempt = readField(context, 'attempt');
  // Callers that give no signal get one that never aborts.
  return { scopes: [...scopes], attempt: typeof attempt === 'number' ? attempt : 1, signal: (signal as AbortSignal) ?? createAbortController().signal };
}

export function httpSubmitter(options: HttpSubmitterOptions): SubmitHook {
  if (typeof options !== 'object' || options === null) throw optionError(WHERE, 'options', '{ url }');
  const url = checkSubmitUrl(options.url);
  const extra = options.headers ?? {};
  if (typeof extra !== 'object' || Object.values(extra).some((v) => typeof v !== 'string')) throw optionError(WHERE, 'headers', 'an object of strings');
  const timeoutMs = duration(WHERE, 'timeoutMs', options.timeoutMs, 15_000);
  const host = options.host;
  if (host != null && !hasMethods(host, 'request')) throw optionError(WHERE, 'host', 'a my with request(options), or null');
  const headers = { ...extra, 'Content-Type': 'application/json' };
  const keyFor = idempotencyKeys();
  const fetchSend = viaFetch(timeoutMs, options.credentials ?? 'same-origin');

  return (authCode, context) => {
    let ctx: SubmitContext;
    try {
      ctx = readContext(authCode, context);
    } catch (error) {
      return Promise.reject(error);
    }
    const my = host === undefined ? globalMy() : host;
    const send = hasMethods(my, 'request') ? viaMyRequest(my as MyRequestHost, timeoutMs) : fetchSend;
    return send(url, { ...headers, 'Idempotency-Key': keyFor(authCode) }, JSON.stringify({ authCode, scopes: ctx.scopes }), ctx, authCode);
  };
}
