/**
 * `httpSubmitter`: a ready `submit` hook that POSTs `{ authCode, scopes }` to the merchant backend
 * with `my.request` when the host has it, else `fetch`. The code travels only in the body.
 */
import { abortable, createAbortController, onAbort } from './abort';
import { duration, hasMethods, isAbortSignal, isObject, optionError, readField } from './checks';
import { AuthError } from './errors';
import { globalFetch, globalMy, globalURL, pageHref } from './globals';
import { randomHex } from './random';
import { backendError } from './submit-errors';
import type { MyRequestHost, SubmitHook } from './types';

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
/** `https://…`, or `http://` on a loopback host (development). */
const SECURE = /^(https:\/\/|http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])$)/;

/** `protocol//hostname` of a URL: with `URL` where the engine has it, else absolute URLs only (DSL). */
function originOf(url: string): string | undefined {
  const URLCtor = globalURL() as typeof URL | undefined;
  if (typeof URLCtor === 'function') {
    try {
      const base = pageHref();
      const u = typeof base === 'string' ? new URLCtor(url, base) : new URLCtor(url);
      return `${u.protocol}//${u.hostname}`;
    } catch {
      return undefined;
    }
  }
  // Credentials in the authority (`http://localhost:80@evil.example`) would fool the host check.
  if (/^[^/?#]*\/\/[^/?#]*@/.test(url)) return undefined;
  return /^[a-z][\w+.-]*:\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(url)?.[0].toLowerCase();
}

/** The URL, unless it is not HTTPS (plain http only on a loopback host). */
function checkSubmitUrl(url: unknown): string {
  if (typeof url === 'string' && url.length <= 2048 && SECURE.test(originOf(url) ?? '')) return url;
  throw optionError(WHERE, 'url', 'an https URL (http only on a loopback host)');
}

/** An HTTP answer as session data, or the kit's error for it (`status` undefined: no answer). */
function readAnswer(status: number | undefined, text: unknown, scopes: string[], authCode: string): unknown {
  // A text body is JSON or it is refused; a host that parsed the body itself hands over the value.
  let body = text;
  let json = true;
  if (typeof text === 'string') {
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = false;
    }
  }
  const error = readField(body, 'error');
  // `"error": null` in a 2xx envelope means no error; 204 / an empty body: session data null.
  if (status! >= 200 && status! < 300 && error == null) {
    if (json) return body ?? null;
    throw new AuthError('BACKEND_ERROR', { retryable: false, status, scopes, detail: 'not JSON' });
  }
  throw backendError(scopes, [authCode], status, readField(error, 'code'), readField(error, 'retryable'));
}

/**
 * One POST with `my.request` (Alipay calls `fail` for HTTP errors too, error 19, with status and
 * data when there was an answer) or `fetch`: `[status, body]`, `[]` when no answer came in time;
 * rejects when there is neither.
 */
function post(my: MyRequestHost | null, url: string, headers: Record<string, string>, body: string, timeoutMs: number, credentials: RequestCredentials, signal: AbortSignal | undefined): Promise<[number?, unknown?]> {
  return new Promise((resolve, reject) => {
    const controller = createAbortController();
    // Our own timer: a bridge that drops the call (or ignores `timeout`) never settles otherwise.
    const timer = setTimeout(() => (controller.abort(), resolve([])), timeoutMs + (my ? 1000 : 0));
    const off = onAbort(signal, () => controller.abort());
    const done = (status?: unknown, data?: unknown) => {
      clearTimeout(timer);
      off();
      resolve([typeof status === 'number' ? status : undefined, data]);
    };
    // An answer whose getters throw could not be read: as if it never came.
    const read = (res: unknown, status?: number) => {
      try {
        const r = res as { status?: unknown; data?: unknown };
        const own = r?.status;
        done(typeof own === 'number' ? own : status, r?.data);
      } catch {
        done();
      }
    };
    if (my) {
      try {
        my.request({ url, method: 'POST', headers, data: body, dataType: 'text', timeout: timeoutMs, success: (res) => read(res, 200), fail: (err) => read(err) });
      } catch {
        done();
      }
      return;
    }
    const fetchFn = globalFetch() as typeof fetch | undefined;
    if (typeof fetchFn !== 'function') return reject();
    // A body cut short (connection lost, timeout) is a failed call, not an empty answer.
    fetchFn(url, { method: 'POST', headers, body, credentials, signal: controller.signal, cache: 'no-store' })
      .then((r) => r.text().then((text) => done(r.status, text)))
      .catch(() => done());
  });
}

/** The hook's arguments it uses, checked: the authorizer passes them right, an application may not. */
function readContext(authCode: unknown, context: unknown): { scopes: string[]; signal: AbortSignal | undefined } {
  if (typeof authCode !== 'string' || !authCode) throw optionError('submit', 'authCode', 'a non-empty string');
  const scopes = readField(context, 'scopes');
  const signal = readField(context, 'signal');
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) throw optionError('submit', 'context.scopes', 'an array of scope names');
  if (signal !== undefined && !isAbortSignal(signal)) throw optionError('submit', 'context.signal', 'an AbortSignal');
  return { scopes: [...scopes], signal: signal as AbortSignal | undefined };
}

export function httpSubmitter(options: HttpSubmitterOptions): SubmitHook {
  if (!isObject(options)) throw optionError(WHERE, 'options', '{ url }');
  const url = checkSubmitUrl(options.url);
  const extra = options.headers ?? {};
  if (typeof extra !== 'object' || Object.values(extra).some((v) => typeof v !== 'string')) throw optionError(WHERE, 'headers', 'an object of strings');
  const timeoutMs = duration(WHERE, 'timeoutMs', options.timeoutMs, 15_000);
  const host = options.host;
  if (host != null && !hasMethods(host, 'request')) throw optionError(WHERE, 'host', 'a my with request(options), or null');
  // One `Idempotency-Key` per code: the backend gives a stored session back only to a resend with
  // the same key. A code whose request got no answer, or an answer worth trying again (5xx, 429,
  // 408), keeps its key (a few at most, in memory only) for the resend; once the backend gave a
  // final answer, the code is not kept.
  const keys = new Map<string, string>();

  // Bad arguments reject (never throw).
  return (authCode, context) =>
    new Promise((resolve) => {
      const { scopes, signal } = readContext(authCode, context);
      const my = host === undefined ? globalMy() : host;
      const key = keys.get(authCode) ?? randomHex(16);
      keys.set(authCode, key);
      if (keys.size > 8) keys.delete(keys.keys().next().value as string);
      const headers = { ...extra, 'Content-Type': 'application/json', 'Idempotency-Key': key };
      const sent = post(hasMethods(my, 'request') ? (my as MyRequestHost) : null, url, headers, JSON.stringify({ authCode, scopes }), timeoutMs, options.credentials ?? 'same-origin', signal);
      const answered = sent.then(
        ([status, body]) => readAnswer(status, body, scopes, authCode),
        () => Promise.reject(new AuthError('BACKEND_ERROR', { retryable: false, scopes, detail: 'no my.request or fetch' })),
      );
      // The key is kept for a resend only after no answer, or one worth trying again.
      const forget = () => keys.delete(authCode);
      answered.then(forget, (error: AuthError) => error.retryable || forget());
      resolve(abortable(answered, signal, () => new AuthError('ABORTED', { scopes })));
    });
}
