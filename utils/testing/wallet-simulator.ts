/**
 * `createWalletSimulator`: a wallet that behaves like an Alipay+ super app for `my.getAuthCode`
 * (PLATFORM.md): silent scopes are granted without a prompt; consent scopes open a consent page
 * that a scripted or interactive user answers; the wallet remembers what was granted; codes are
 * single use and expire; every failure shape of the platform can be injected.
 */
import { isSilentScope, readCatalogue, type ScopeCatalogue } from '../scopes';
import type { AlipayBridgeHost, GetAuthCodeCall, RawAuthCodeResult } from '../types';

export type UserAnswer = 'allow' | 'deny' | 'dismiss' | { allow: readonly string[] };

/** A consent page the wallet shows. Answer it once; later answers are ignored. */
export interface ConsentRequest {
  readonly id: number;
  readonly scopes: readonly string[];
  /** The scopes the page asks the user about (the silent ones ride along). */
  readonly consentScopes: readonly string[];
  readonly answered: boolean;
  allow(): void;
  deny(): void;
  /** Closing the page without a choice (the wallet's error 10). */
  dismiss(): void;
  answer(answer: UserAnswer): void;
}

export type UserScript = UserAnswer | 'manual' | ((request: ConsentRequest) => UserAnswer | Promise<UserAnswer> | void);

/** Failures the wallet can be told to produce on its next calls. */
export type WalletFault =
  /** `fail` with `{ error, errorMessage }` (any code of PLATFORM.md, or one outside it). */
  | { error: number | string; errorMessage?: string }
  /** `fail` with this `authErrorScopes` (an object, or the JSON string one old page sends). */
  | { authErrorScopes: Record<string, string> | string }
  /** Never calls back. */
  | 'hang'
  /** Calls `success` twice, then `fail`. */
  | 'double'
  /** Throws synchronously from `getAuthCode`. */
  | 'throw'
  /** `success` without a code. */
  | 'empty'
  /** Calls only the `failed` spelling, with `{ error: 1001 }`. */
  | 'failed-spelling'
  /** Calls only `complete`, with a valid result. */
  | 'complete-only';

export interface WalletCall {
  /** The scopes the wallet read from the call (empty for a call it refused as invalid). */
  readonly scopes: readonly string[];
  readonly at: number;
  /** Whether the wallet showed its consent page for this call. */
  readonly prompted: boolean;
  /** `invalid`: refused before anything else (a bridge call without `scopeNicks`: error 2). */
  outcome?: 'granted' | 'partial' | 'denied' | 'dismissed' | 'fault' | 'invalid';
}

export interface IssuedCode {
  scopes: string[];
  customerId: string;
  issuedAt: number;
  used: boolean;
}

export type ExchangeResult =
  | { ok: true; scopes: string[]; customerId: string }
  | { ok: false; error: 'INVALID_CODE' | 'USED_CODE' | 'EXPIRED_CODE' };

export interface WalletSimulatorOptions {
  /** How the user answers consent pages (default `'allow'`). */
  user?: UserScript;
  /** Delay before the wallet answers (default 0: the next microtask). */
  latencyMs?: number;
  /** Code lifetime (default 10 minutes, as on SuperQi). */
  codeTtlMs?: number;
  now?: () => number;
  customerId?: string;
  /** Issue codes elsewhere (the demo's wallet OpenAPI simulator); default: in this simulator. */
  issueCode?: (scopes: string[], customerId: string) => string | Promise<string>;
  /** Initial content of the simulated `my` storage. */
  storage?: Record<string, string>;
  /** The wallet's scopes (e.g. `CLARO_SCOPES`), laid over `SCOPES`: which ones it grants silently. */
  catalogue?: ScopeCatalogue;
}

export interface WalletSimulator {
  /** A `my` with `getAuthCode` and the `*StorageSync` API. */
  readonly my: SimulatedMy;
  /**
   * The raw `AlipayJSBridge` flavour of the same wallet: `call('getAuthCode', { scopeNicks }, cb)`,
   * answering `authcode`. A call without a non-empty `scopeNicks` array is refused as the bridge
   * refuses it, `{ error: 2, errorMessage: 'invalid parameter: scopeNicks' }` (never `auth_base`).
   */
  readonly bridge: AlipayBridgeHost;
  /** Every `getAuthCode` call, recorded synchronously when it is made. */
  readonly calls: WalletCall[];
  /** Consent pages open now. */
  readonly prompts: readonly ConsentRequest[];
  /** Most consent pages ever open at once. */
  readonly maxOpenPrompts: number;
  /** Scopes the wallet remembers as granted (asked again silently). */
  readonly grants: ReadonlySet<string>;
  setUser(user: UserScript): void;
  /** The next `times` calls fail with `fault`. */
  failNext(fault: WalletFault, times?: number): void;
  /** Called when a consent page opens (the demo draws it). */
  onPrompt(listener: (request: ConsentRequest) => void): () => void;
  /** The wallet OpenAPI's side: single use, expiring codes. */
  exchange(code: string): ExchangeResult;
  /** Forget grants (all, or these scopes), as when the user revokes in the wallet's settings. */
  revoke(scopes?: readonly string[]): void;
  /** The simulated storage (what `my.setStorageSync` wrote). */
  readonly storage: ReadonlyMap<string, string>;
}

export interface SimulatedMy {
  getAuthCode(call: Partial<GetAuthCodeCall> & { scopes?: unknown }): void;
  getStorageSync(options: { key: string }): { data: string | null };
  setStorageSync(options: { key: string; data: unknown }): void;
  removeStorageSync(options: { key: string }): void;
}

const DENIED_CODE = '10001';
/** Alipay JSAPI common error 2: invalid parameter. */
const INVALID_PARAMETER = 2;

function randomCode(): string {
  const bytes = new Uint8Array(16);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return '0000000001' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function readScopes(raw: unknown): string[] {
  // SuperQi takes an array; other wallets also take a string and default to auth_base.
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return ['auth_base'];
}

/** The raw bridge takes only a non-empty `scopeNicks` array of names: no default. */
function readScopeNicks(params: unknown): string[] | undefined {
  const raw = typeof params === 'object' && params !== null ? (params as { scopeNicks?: unknown }).scopeNicks : undefined;
  const scopes = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : [];
  return scopes.length > 0 ? scopes : undefined;
}

function isAnswer(value: unknown): value is UserAnswer {
  return (
    value === 'allow' ||
    value === 'deny' ||
    value === 'dismiss' ||
    (typeof value === 'object' && value !== null && Array.isArray((value as { allow?: unknown }).allow) && (value as { allow: unknown[] }).allow.every((s) => typeof s === 'string'))
  );
}

function checkUser(user: unknown): UserScript {
  if (user === 'manual' || typeof user === 'function' || isAnswer(user)) return user as UserScript;
  throw new TypeError("createWalletSimulator: user must be 'allow', 'deny', 'dismiss', 'manual', { allow: [...] } or a function.");
}

function checkFault(fault: unknown): WalletFault {
  if (fault === 'hang' || fault === 'double' || fault === 'throw' || fault === 'empty' || fault === 'failed-spelling' || fault === 'complete-only') return fault;
  if (typeof fault === 'object' && fault !== null) {
    const f = fault as { error?: unknown; authErrorScopes?: unknown };
    if (typeof f.error === 'number' || typeof f.error === 'string') return fault as WalletFault;
    if (typeof f.authErrorScopes === 'string' || (typeof f.authErrorScopes === 'object' && f.authErrorScopes !== null)) return fault as WalletFault;
  }
  throw new TypeError("createWalletSimulator: failNext(fault) takes { error }, { authErrorScopes }, 'hang', 'double', 'throw', 'empty', 'failed-spelling' or 'complete-only'.");
}

export function createWalletSimulator(options: WalletSimulatorOptions = {}): WalletSimulator {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWalletSimulator(options): options must be an object.');
  const now = options.now ?? Date.now;
  const codeTtlMs = options.codeTtlMs ?? 10 * 60_000;
  const latencyMs = options.latencyMs ?? 0;
  const catalogue = readCatalogue(options.catalogue, 'createWalletSimulator');
  const customerId = options.customerId ?? '1000001119398804' + String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  let user: UserScript = checkUser(options.user ?? 'allow');
  const faults: WalletFault[] = [];
  const calls: WalletCall[] = [];
  const open: ConsentRequest[] = [];
  const grants = new Set<string>();
  const codes = new Map<string, IssuedCode>();
  const storage = new Map<string, string>(Object.entries(options.storage ?? {}));
  const promptListeners = new Set<(request: ConsentRequest) => void>();
  let maxOpenPrompts = 0;
  let nextId = 1;

  const later = (fn: () => void) => {
    if (latencyMs > 0) setTimeout(fn, latencyMs);
    else Promise.resolve().then(fn);
  };

  function issue(scopes: string[]): Promise<string> {
    if (options.issueCode) return Promise.resolve(options.issueCode([...scopes], customerId));
    const code = randomCode();
    codes.set(code, { scopes: [...scopes], customerId, issuedAt: now(), used: false });
    return Promise.resolve(code);
  }

  /** The consent page: resolves with the user's answer. */
  function ask(scopes: string[], consentScopes: string[]): Promise<UserAnswer> {
    return new Promise((resolve) => {
      let answered = false;
      const request: ConsentRequest = {
        id: nextId++,
        scopes,
        consentScopes,
        get answered() {
          return answered;
        },
        allow: () => request.answer('allow'),
        deny: () => request.answer('deny'),
        dismiss: () => request.answer('dismiss'),
        answer(answer) {
          if (answered) return;
          answered = true;
          const i = open.indexOf(request);
          if (i >= 0) open.splice(i, 1);
          resolve(answer);
        },
      };
      open.push(request);
      maxOpenPrompts = Math.max(maxOpenPrompts, open.length);
      for (const listener of [...promptListeners]) listener(request);
      const script = user;
      if (script === 'manual') return;
      if (typeof script === 'function') {
        // A script that throws or answers nonsense closes the page, as a crashed UI would.
        Promise.resolve()
          .then(() => script(request))
          .then(
            (answer) => {
              if (answer !== undefined) request.answer(isAnswer(answer) ? answer : 'dismiss');
            },
            () => request.answer('dismiss'),
          );
        return;
      }
      later(() => request.answer(script));
    });
  }

  /** Calls a page callback the way a wallet does: only if it is a function, never throwing back. */
  function invoke(cb: unknown, result: RawAuthCodeResult): void {
    if (typeof cb !== 'function') return;
    try {
      cb(result);
    } catch {
      // An exception in the page's callback is the page's; the wallet goes on.
    }
  }

  function deliver(call: Partial<GetAuthCodeCall>, kind: 'success' | 'fail', result: RawAuthCodeResult): void {
    invoke(kind === 'success' ? call.success : typeof call.fail === 'function' ? call.fail : call.failed, result);
    invoke(call.complete, result);
  }

  function runFault(fault: WalletFault, call: Partial<GetAuthCodeCall>, record: WalletCall, scopes: string[]): void {
    record.outcome = 'fault';
    if (fault === 'hang') return;
    if (fault === 'throw') throw new Error('simulated bridge failure');
    later(() => {
      if (fault === 'empty') return deliver(call, 'success', {});
      if (fault === 'failed-spelling') return invoke(call.failed, { error: 1001, errorMessage: 'user cancel' });
      if (fault === 'complete-only' || fault === 'double') {
        void issue(scopes).then((authCode) => {
          // A code for consent scopes means the wallet holds them as granted.
          for (const scope of scopes) grants.add(scope);
          if (fault === 'complete-only') return invoke(call.complete, { authCode, authSuccessScopes: scopes });
          invoke(call.success, { authCode, authSuccessScopes: scopes });
          invoke(call.success, { authCode: authCode + 'X', authSuccessScopes: scopes });
          invoke(call.fail, { error: 1002 });
        });
        return;
      }
      if ('error' in fault) return deliver(call, 'fail', { error: fault.error, errorMessage: fault.errorMessage ?? 'simulated error' });
      deliver(call, 'fail', { authErrorScopes: fault.authErrorScopes });
    });
  }

  function getAuthCode(call: Partial<GetAuthCodeCall> & { scopes?: unknown }): void {
    if (typeof call !== 'object' || call === null) throw new TypeError('my.getAuthCode(options): options must be an object');
    run(call, readScopes(call.scopes));
  }

  /** A call the wallet refuses before anything else: recorded, answered with error 2. */
  function refuse(call: Partial<GetAuthCodeCall>, parameter: string): void {
    calls.push({ scopes: [], at: now(), prompted: false, outcome: 'invalid' });
    later(() => deliver(call, 'fail', { error: INVALID_PARAMETER, errorMessage: `invalid parameter: ${parameter}` }));
  }

  function run(call: Partial<GetAuthCodeCall>, scopes: string[]): void {
    const consentScopes = scopes.filter((s) => !isSilentScope(s, catalogue) && !grants.has(s));
    const fault = faults.shift();
    const record: WalletCall = { scopes, at: now(), prompted: fault === undefined && consentScopes.length > 0 };
    calls.push(record);
    if (fault !== undefined) return runFault(fault, call, record, scopes);

    const answer: Promise<UserAnswer> = consentScopes.length > 0 ? ask(scopes, consentScopes) : new Promise((r) => later(() => r('allow')));
    void answer.then(async (a) => {
      if (a === 'dismiss') {
        record.outcome = 'dismissed';
        return deliver(call, 'fail', { error: 10, errorMessage: 'popup closed' });
      }
      const allowed = a === 'allow' ? consentScopes : a === 'deny' ? [] : consentScopes.filter((s) => a.allow.includes(s));
      const refused = consentScopes.filter((s) => !allowed.includes(s));
      for (const s of allowed) grants.add(s);
      const granted = scopes.filter((s) => !refused.includes(s));
      if (a === 'deny' || granted.length === 0) {
        record.outcome = 'denied';
        return deliver(call, 'fail', { error: 1001, errorMessage: 'user cancel', authErrorScopes: Object.fromEntries(refused.map((s) => [s, DENIED_CODE])) });
      }
      let authCode: string;
      try {
        authCode = await issue(granted);
      } catch {
        // The code issuer (the wallet's server side) is unreachable: an app service error.
        record.outcome = 'fault';
        return deliver(call, 'fail', { error: 1002, errorMessage: 'app service error' });
      }
      record.outcome = refused.length > 0 ? 'partial' : 'granted';
      const result: RawAuthCodeResult = { authCode, authSuccessScopes: granted };
      if (refused.length > 0) result.authErrorScopes = Object.fromEntries(refused.map((s) => [s, DENIED_CODE]));
      deliver(call, 'success', result);
    });
  }

  const my: SimulatedMy = {
    getAuthCode,
    getStorageSync: ({ key }) => ({ data: storage.has(key) ? (storage.get(key) as string) : null }),
    setStorageSync: ({ key, data }) => void storage.set(key, typeof data === 'string' ? data : JSON.stringify(data)),
    removeStorageSync: ({ key }) => void storage.delete(key),
  };

  const bridge: AlipayBridgeHost = {
    call(api, params, callback) {
      if (api !== 'getAuthCode') return callback({ error: 1, errorMessage: 'unknown api' });
      const answer: Partial<GetAuthCodeCall> = {
        success: (res) => callback({ authcode: res.authCode, ...res, authCode: undefined }),
        fail: (res) => callback(res),
      };
      const scopes = readScopeNicks(params);
      if (scopes === undefined) return refuse(answer, 'scopeNicks');
      run(answer, scopes);
    },
  };

  return {
    my,
    bridge,
    calls,
    get prompts() {
      return [...open];
    },
    get maxOpenPrompts() {
      return maxOpenPrompts;
    },
    grants,
    storage,
    setUser(next) {
      user = checkUser(next);
    },
    failNext(fault, times = 1) {
      const checked = checkFault(fault);
      if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 10_000) {
        throw new TypeError('createWalletSimulator: failNext(fault, times): times must be an integer from 1 to 10 000.');
      }
      for (let i = 0; i < times; i++) faults.push(checked);
    },
    onPrompt(listener) {
      promptListeners.add(listener);
      return () => void promptListeners.delete(listener);
    },
    exchange(code) {
      const entry = typeof code === 'string' ? codes.get(code) : undefined;
      if (!entry) return { ok: false, error: 'INVALID_CODE' };
      if (entry.used) return { ok: false, error: 'USED_CODE' };
      entry.used = true;
      if (now() - entry.issuedAt > codeTtlMs) return { ok: false, error: 'EXPIRED_CODE' };
      return { ok: true, scopes: [...entry.scopes], customerId: entry.customerId };
    },
    revoke(scopes) {
      if (!scopes) grants.clear();
      else for (const s of scopes) grants.delete(s);
    },
  };
}
