/**
 * `httpSubmitter`: a ready `submit` hook that POSTs `{ authCode, scopes }` to the merchant backend
 * with `my.request` when the host has it, else `fetch`. The code travels only in the body.
 */
import { abortable, createAbortController, onAbort } from './abort';
import { hasMethods, isAbortSignal, isFunction, isDuration, isRecord, optionError, readField, readOptions, REQUIRED } from './checks';
import { AuthError, scopeError } from './errors';
import { globalMy, globalValue, pageHref } from './globals';
import { randomHex } from './random';
import { backendError, unusableAnswer } from './submit-errors';
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

/**
 * The one rule for a backend URL: `https://`, or plain `http://` on a loopback host (development),
 * no credentials in its authority (`http://localhost:80@evil.example` must not pass for loopback).
 * Read as the engine resolves it (`URL`, against the page's address); where there is no `URL` (DSL
 * engines), absolute URLs only.
 */
const SECURE = /^(https:\/\/[^/?#@\s]+|http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d*)?)([/?#]|$)/i;

export function isSecureUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  let href = url;
  const URLCtor = globalValue('URL') as typeof URL | undefined;
  if (isFunction(URLCtor)) {
    try {
      href = new URLCtor(url, pageHref() as string | undefined).href;
    } catch {
      return false;
    }
  }
  return SECURE.test(href);
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
    throw unusableAnswer(scopes, 'not JSON', status);
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
    const fetchFn = globalValue('fetch') as typeof fetch | undefined;
    if (!isFunction(fetchFn)) return reject();
    // A body cut short (connection lost, timeout) is a failed call, not an empty answer.
    fetchFn(url, { method: 'POST', headers, body, credentials, signal: controller.signal, cache: 'no-store' })
      .then((r) => r.text().then((text) => done(r.status, text)))
      .catch(() => done());
  });
}

/** The hook's arguments it uses, checked: the authorizer passes them right, an application may not. */
function readContext(authCode: unknown, context: unknown): { scopes: string[]; signal: AbortSignal | undefined } {
  const scopes = readField(context, 'scopes');
  const signal = readField(context, 'signal');
  if (typeof authCode !== 'string' || !authCode) throw optionError('submit', 'authCode');
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) throw optionError('submit', 'context.scopes');
  if (signal !== undefined && !isAbortSignal(signal)) throw optionError('submit', 'context.signal');
  return { scopes: [...scopes], signal: signal as AbortSignal | undefined };
}

export function httpSubmitter(options: HttpSubmitterOptions): SubmitHook {
  const o = readOptions<Required<Omit<HttpSubmitterOptions, 'headers'>> & { headers: Record<string, string> | null }>(WHERE, options, {
    url: [isSecureUrl, REQUIRED],
    headers: [(v) => v === null || (isRecord(v) && Object.values(v).every((h) => typeof h === 'string'))],
    timeoutMs: [isDuration, 15_000],
    host: [(v) => v === null || hasMethods(v, 'request')],
    credentials: [(v) => ['omit', 'same-origin', 'include'].includes(v as string), 'same-origin'],
  });
  // One `Idempotency-Key` per code: the backend gives a stored session back only to a resend with
  // the same key. A code whose request got no answer, or an answer worth trying again (5xx, 429,
  // 408), keeps its key (a few at most, in memory only) for the resend; once the backend gave a
  // final answer, the code is not kept.
  const keys = new Map<string, string>();

  // Bad arguments reject (never throw).
  return (authCode, context) =>
    new Promise((resolve) => {
      const { scopes, signal } = readContext(authCode, context);
      const my = o.host === undefined ? globalMy() : o.host;
      const key = keys.get(authCode) ?? randomHex(16);
      keys.set(authCode, key);
      if (keys.size > 8) keys.delete(keys.keys().next().value as string);
      const headers = { ...o.headers, 'Content-Type': 'application/json', 'Idempotency-Key': key };
      const sent = post(hasMethods(my, 'request') ? (my as MyRequestHost) : null, o.url, headers, JSON.stringify({ authCode, scopes }), o.timeoutMs, o.credentials, signal);
      const answered = sent.then(
        ([status, body]) => readAnswer(status, body, scopes, authCode),
        () => Promise.reject(unusableAnswer(scopes, 'no fetch')),
      );
      // The key is kept for a resend only after no answer, or one worth trying again.
      const forget = () => keys.delete(authCode);
      answered.then(forget, (error: AuthError) => error.retryable || forget());
      resolve(abortable(answered, signal, () => scopeError('ABORTED', scopes)));
    });
}
