/**
 * `createWalletClient`: the signed Alipay+ / SuperQi OpenAPI client. Each call is signed, sent with a
 * deadline, and its answer trusted only after `checkAnswer` (answer.ts). Calls that are safe to repeat
 * (inquiryUserInfo, cancelToken, `call()` told `idempotent: true`) are retried on a transient answer
 * with backoff inside the deadline; the others (applyToken, any other `call()`) are sent again only
 * when the request provably never left (a refused connection): a lost answer may have spent the
 * code, rotated the refresh token, or paid.
 */
import { backoffDelay, delay } from '../../utils/backoff';
import { abortable, onAbort } from '../../utils/abort';
import { REPLAYED, checkAnswer, type TrustedAnswer } from './answer';
import { toHex, utf8 } from './bytes';
import { checkClientKeys } from './check-keys';
import { WalletError } from './errors';
import { resolveOptions, type ResolvedOptions } from './options';
import { createReplayGuard, type ReplayGuard } from './replay';
import { formatSignatureHeader, sign } from './signing';
import { formatRequestTime, parseIsoTime } from './time';
import { TransportError, createNodeTransport, globalFetchTransport, neverSent, readBody } from './transport';
import type { ApplyTokenRequest, CallOptions, KeyCheck, TokenGrant, UserInfo, WalletCallEvent, WalletClient, WalletClientOptions, WalletFetch } from './types';

/** May a failed attempt be sent again? `safe`: any transient failure; `unsent`: only when it never left. */
type RetryPolicy = 'safe' | 'unsent';

interface Attempt {
  api: string;
  url: string;
  path: string;
  body: string;
  digest: string;
  /** The auth code or tokens the body carries. */
  secrets: string[];
  signal: AbortSignal;
}

/** The secrets a request body may carry (CONTRACT.md: auth codes and tokens), at its top level. */
const SECRET_FIELDS = ['authCode', 'accessToken', 'refreshToken'];
const secretsOf = (payload: Record<string, unknown>): string[] => SECRET_FIELDS.map((name) => payload[name]).filter((v): v is string => typeof v === 'string' && v.length > 0);

const RETRY_BASE_MS = 100;
const elapsed = (since: number) => Math.round((performance.now() - since) * 1000) / 1000;

/** A deadline for one call (retries included) tied to the caller's signal. */
function deadline(timeoutMs: number, caller: AbortSignal | undefined) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const off = onAbort(caller, () => controller.abort(caller?.reason));
  return { signal: controller.signal, endsAt: performance.now() + timeoutMs, done: () => (clearTimeout(timer), off()) };
}

function networkError(api: string, error: unknown, signal: AbortSignal, caller: AbortSignal | undefined): unknown {
  if (caller?.aborted) return caller.reason;
  if (signal.aborted) return new WalletError({ kind: 'timeout', action: 'RETRY_LATER', api, detail: 'no answer in time' });
  if (error instanceof WalletError) return error;
  if (error instanceof TransportError && error.reason === 'too-large') return new WalletError({ kind: 'untrusted', action: 'FIX_CONFIG', api, detail: 'an answer over 1 MiB' });
  // Only the error's code travels on: its message may name hosts, never secrets, but keep it lean.
  const code = (error as { cause?: { code?: unknown }; code?: unknown })?.cause?.code ?? (error as { code?: unknown })?.code;
  const cause = new TransportError('network', neverSent(error), typeof code === 'string' ? { code } : undefined);
  return new WalletError({ kind: 'network', action: 'RETRY_LATER', api, detail: typeof code === 'string' ? code : 'no connection', cause });
}

export function createWalletClient(options: WalletClientOptions): WalletClient & { checkKeys(): Promise<KeyCheck>; close(): void } {
  const o = resolveOptions(options);
  const nodeTransport = o.fetch ? null : createNodeTransport();
  const transport: WalletFetch | null = o.fetch ?? nodeTransport ?? globalFetchTransport();
  if (!transport) throw new TypeError('createWalletClient: this runtime has no fetch: pass the fetch option.');
  const replay = createReplayGuard(o.maxClockSkewMs);

  async function attemptOnce(a: Attempt, event: WalletCallEvent): Promise<TrustedAnswer> {
    const time = formatRequestTime(o.now());
    const sentAt = parseIsoTime(time) as number;
    // Registered before the first await: from its Request-Time on, the guard keeps every answer this request could accept.
    const end = replay.begin(sentAt);
    try {
      let t = performance.now();
      const signature = await sign(o.engine, o.privateKey, { method: 'POST', path: a.path, clientId: o.clientId, time, body: a.body }).catch(() => {
        // A key that reads but cannot sign (damaged): nothing left, nothing to retry; no cause (it would describe the key).
        throw new WalletError({ kind: 'config', action: 'FIX_CONFIG', api: a.api, detail: 'privateKey cannot sign: run checkKeys()' });
      });
      event.timings.signMs = elapsed(t);
      const headers = {
        'Content-Type': 'application/json; charset=UTF-8',
        'Client-Id': o.clientId,
        'Request-Time': time,
        Signature: formatSignatureHeader(signature, o.keyVersion, o.profile.headerStyle),
      };
      // Over (the caller left, or the deadline passed) while it was being signed: it must not leave at all.
      if (a.signal.aborted) throw a.signal.reason;
      t = performance.now();
      // The deadline holds even against a fetch that ignores its signal.
      const reason = () => a.signal.reason;
      const answer = await abortable(Promise.resolve().then(() => transport!(a.url, { method: 'POST', headers, body: a.body, signal: a.signal, redirect: 'error' })), a.signal, reason);
      const body = await abortable(readBody(answer), a.signal, reason);
      event.timings.networkMs = elapsed(t);
      event.httpStatus = answer.status;
      t = performance.now();
      try {
        return await checkAnswer({ status: answer.status, headers: answer.headers, body }, { api: a.api, path: a.path, clientId: o.clientId, sentAt, now: o.now, maxClockSkewMs: o.maxClockSkewMs, walletKeys: o.walletKeys, engine: o.engine, replay, requestDigest: a.digest, secrets: a.secrets });
      } finally {
        event.timings.verifyMs = elapsed(t);
      }
    } finally {
      end();
    }
  }

  function report(event: WalletCallEvent): void {
    if (!o.onCall) return;
    try {
      o.onCall(event);
    } catch {
      // A metrics hook must not change the call's outcome.
    }
  }

  function retryDelay(error: unknown, policy: RetryPolicy, attempt: number, endsAt: number): number | null {
    if (!(error instanceof WalletError) || !error.retryable || error.kind === 'timeout' || attempt > o.retries) return null;
    const unsent = error.cause instanceof TransportError && error.cause.notSent;
    if (policy === 'unsent' && !unsent) return null;
    let wait = backoffDelay(attempt - 1, RETRY_BASE_MS) * (0.5 + Math.random() / 2);
    // The same answer again until the wallet's clock moves on: ask again in the next second.
    if (REPLAYED.has(error)) wait = Math.max(wait, 1000 - (o.now() % 1000) + 10);
    return performance.now() + wait < endsAt ? wait : null;
  }

  async function run(api: string, apiPath: string, payload: Record<string, unknown>, policy: RetryPolicy, callOptions: CallOptions = {}): Promise<TrustedAnswer> {
    const url = `${o.baseUrl}${apiPath}`;
    const path = new URL(url).pathname;
    const body = JSON.stringify(payload);
    const a = { api, url, path, body, secrets: secretsOf(payload), digest: toHex(await o.engine.sha256(utf8(`${path}\n${body}`))) };
    const timeoutMs = callOptions.timeoutMs === undefined ? o.timeoutMs : checkedTimeout(callOptions.timeoutMs);
    const limit = deadline(timeoutMs, callOptions.signal);
    try {
      for (let attempt = 1; ; attempt++) {
        const event: WalletCallEvent = { api, path: a.path, attempt, startedAt: o.now(), durationMs: 0, httpStatus: null, resultStatus: null, resultCode: null, verified: false, errorKind: null, timings: { signMs: 0, networkMs: 0, verifyMs: 0 } };
        const started = performance.now();
        try {
          const answer = await attemptOnce({ ...a, signal: limit.signal }, event);
          report({ ...event, durationMs: elapsed(started), resultStatus: 'S', resultCode: answer.resultCode, verified: true });
          return answer;
        } catch (raw) {
          const error = networkError(api, raw, limit.signal, callOptions.signal);
          const failed = error instanceof WalletError ? error : null;
          report({ ...event, durationMs: elapsed(started), httpStatus: failed?.httpStatus ?? event.httpStatus, resultStatus: failed?.resultStatus ?? null, resultCode: failed?.resultCode ?? null, verified: failed?.verified ?? false, errorKind: failed?.kind ?? 'aborted' });
          const wait = retryDelay(error, policy, attempt, limit.endsAt);
          if (wait === null) throw error;
          await delay(wait, limit.signal).catch(() => undefined);
          if (limit.signal.aborted) throw networkError(api, null, limit.signal, callOptions.signal);
        }
      }
    } finally {
      limit.done();
    }
  }

  const client = {
    clientId: o.clientId,
    profile: o.profile.name,
    async applyToken(request: ApplyTokenRequest, callOptions?: CallOptions): Promise<TokenGrant> {
      const checked = applyTokenRequest(request);
      const { payload } = await run('applyToken', o.profile.paths.applyToken, o.profile.applyTokenBody(checked, o.context), 'unsent', callOptions);
      return tokenGrantOf(payload);
    },
    async inquiryUserInfo(accessToken: string, callOptions?: CallOptions): Promise<UserInfo> {
      const { payload } = await run('inquiryUserInfo', o.profile.paths.inquiryUserInfo, o.profile.inquiryUserInfoBody(token('inquiryUserInfo', accessToken), o.context), 'safe', callOptions);
      const info = payload.userInfo;
      if (!info || typeof info !== 'object' || Array.isArray(info)) throw new WalletError({ kind: 'untrusted', action: 'FIX_CONFIG', api: 'inquiryUserInfo', detail: 'a success without userInfo', verified: true });
      return info as UserInfo;
    },
    async cancelToken(accessToken: string, callOptions?: CallOptions): Promise<void> {
      // Revoking is idempotent on the token: safe to repeat.
      await run('cancelToken', o.profile.paths.cancelToken, o.profile.cancelTokenBody(token('cancelToken', accessToken), o.context), 'safe', callOptions);
    },
    async call(apiPath: string, body: Record<string, unknown>, callOptions?: CallOptions) {
      if (typeof apiPath !== 'string' || !/^\/[A-Za-z0-9._~\/-]{1,200}$/.test(apiPath) || apiPath.includes('..')) throw new TypeError('call: path must be an API path such as /v1/payments/inquiryPayment.');
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TypeError('call: body must be a JSON object.');
      const answer = await run(apiPath.split('/').pop() as string, apiPath, body, callOptions?.idempotent === true ? 'safe' : 'unsent', callOptions);
      return { payload: answer.payload, responseTime: answer.responseTime };
    },
    checkKeys: () => checkClientKeys(o.engine, o.privateKey, o.walletKeys, o.merchantPublicKey),
    close: () => nodeTransport?.close(),
  };
  return client;
}

function checkedTimeout(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 600_000) throw new TypeError('timeoutMs must be a number from 1 to 600000.');
  return value;
}

const TOKEN_RE = /^[\x21-\x7e]{1,512}$/;

function token(api: string, value: unknown): string {
  if (typeof value !== 'string' || !TOKEN_RE.test(value)) throw new TypeError(`${api}: accessToken must be a non-empty string of visible ASCII.`);
  return value;
}

function applyTokenRequest(request: ApplyTokenRequest): ApplyTokenRequest {
  const r = request as Partial<Record<string, unknown>> | null;
  if (r?.grantType === 'AUTHORIZATION_CODE' && typeof r.authCode === 'string' && TOKEN_RE.test(r.authCode)) return { grantType: 'AUTHORIZATION_CODE', authCode: r.authCode };
  if (r?.grantType === 'REFRESH_TOKEN' && typeof r.refreshToken === 'string' && TOKEN_RE.test(r.refreshToken)) return { grantType: 'REFRESH_TOKEN', refreshToken: r.refreshToken };
  throw new TypeError("applyToken: pass { grantType: 'AUTHORIZATION_CODE', authCode } or { grantType: 'REFRESH_TOKEN', refreshToken } (non-empty strings of visible ASCII).");
}

const timeOf = (value: unknown): number | null => (value === null || value === undefined ? null : parseIsoTime(value) ?? (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : null));

function tokenGrantOf(payload: Record<string, unknown>): TokenGrant {
  const bad = (detail: string) => new WalletError({ kind: 'untrusted', action: 'FIX_CONFIG', api: 'applyToken', detail, verified: true });
  const { accessToken, refreshToken, customerId } = payload;
  if (typeof accessToken !== 'string' || !accessToken) throw bad('a success without an access token');
  if (typeof customerId !== 'string' || !customerId) throw bad('a success without a customerId');
  const hasRefresh = typeof refreshToken === 'string' && refreshToken.length > 0;
  return {
    accessToken,
    accessTokenExpiresAt: timeOf(payload.accessTokenExpiryTime),
    refreshToken: hasRefresh ? refreshToken : null,
    refreshTokenExpiresAt: hasRefresh ? timeOf(payload.refreshTokenExpiryTime) : null,
    customerId,
  };
}

export type { ResolvedOptions, ReplayGuard };
