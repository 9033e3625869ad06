/**
 * `createWalletSimulator`: a wallet that behaves like an Alipay+ super app for `my.getAuthCode`
 * (PLATFORM.md): silent scopes are granted without a prompt; consent scopes open a consent page
 * that a scripted or interactive user answers; the wallet remembers what was granted; codes are
 * single use and expire; every failure shape of the platform can be injected.
 */
import { randomHex } from '../random';
import { isScopeName } from '../scope-names';
import { isSilentScope, readCatalogue } from '../scopes';
import type { AlipayBridgeHost } from '../types';
import { checkUser, openConsentPage, type ConsentPageHost } from './consent-page';
import { checkFault, deliver, runFault, type FaultHost } from './faults';
import type { ConsentRequest, GetAuthCodeCall, IssuedCode, RawAuthCodeResult, SimulatedMy, UserAnswer, UserScript, WalletCall, WalletFault, WalletSimulator, WalletSimulatorOptions } from './types';

const DENIED_CODE = '10001';
/** Alipay JSAPI common error 2: invalid parameter. */
const INVALID_PARAMETER = 2;

const randomCode = () => '0000000001' + randomHex(16);

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

/** The callbacks of a bridge call: one callback for every outcome, answered once (`authcode` spelling). */
function bridgeCallbacks(callback: (result: RawAuthCodeResult) => void): Partial<GetAuthCodeCall> {
  let answered = false;
  const once = (result: RawAuthCodeResult) => void (answered || ((answered = true), callback(result)));
  const withCode = (res: RawAuthCodeResult) => once({ authcode: res.authCode, ...res, authCode: undefined });
  return {
    success: withCode,
    fail: once,
    failed: once,
    // What a page hears when the wallet calls back only `complete`.
    complete: (res) => void Promise.resolve().then(() => (res.authCode ? withCode(res) : once(res))),
  };
}

/** The outcome of a consent page's answer: a code for what was granted, or the failure. */
interface Outcome {
  /** Consent scopes the user allowed: the wallet remembers them. */
  allowed: string[];
  /** Every scope the code is for. */
  granted: string[];
  refused: string[];
  failure?: RawAuthCodeResult;
  outcome: WalletCall['outcome'];
}

function outcomeOf(answer: UserAnswer, scopes: string[], consentScopes: string[]): Outcome {
  if (answer === 'dismiss') return { allowed: [], granted: [], refused: [], outcome: 'dismissed', failure: { error: 10, errorMessage: 'popup closed' } };
  const allowed = answer === 'allow' ? consentScopes : answer === 'deny' ? [] : consentScopes.filter((s) => answer.allow.includes(s));
  const refused = consentScopes.filter((s) => !allowed.includes(s));
  const granted = scopes.filter((s) => !refused.includes(s));
  if (answer !== 'deny' && granted.length > 0) return { allowed, granted, refused, outcome: refused.length > 0 ? 'partial' : 'granted' };
  const authErrorScopes = Object.fromEntries(refused.map((s) => [s, DENIED_CODE]));
  return { allowed, granted: [], refused, outcome: 'denied', failure: { error: 1001, errorMessage: 'user cancel', authErrorScopes } };
}

/** A list of scope names, or a TypeError that names `where`. */
function scopeList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every(isScopeName)) throw new TypeError(`createWalletSimulator: ${where} must be an array of scope names.`);
  return [...value];
}

export function createWalletSimulator(options: WalletSimulatorOptions = {}): WalletSimulator {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWalletSimulator(options): options must be an object.');
  const now = options.now ?? Date.now;
  const codeTtlMs = options.codeTtlMs ?? 10 * 60_000;
  const latencyMs = options.latencyMs ?? 0;
  const catalogue = readCatalogue(options.catalogue, 'createWalletSimulator');
  const customerId = options.customerId ?? '1000001119398804' + String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  let user: UserScript = checkUser(options.user ?? 'allow');
  let maxOpenPrompts = 0;
  let ids = 1;
  const faults: WalletFault[] = [];
  const calls: WalletCall[] = [];
  const grants = new Set<string>(options.grants === undefined ? [] : scopeList(options.grants, 'options.grants'));
  const codes = new Map<string, IssuedCode>();
  const storage = new Map<string, string>(Object.entries(options.storage ?? {}));
  const later = (fn: () => void) => void (latencyMs > 0 ? setTimeout(fn, latencyMs) : Promise.resolve().then(fn));
  const page: ConsentPageHost = {
    user: () => user,
    open: [] as ConsentRequest[],
    listeners: new Set(),
    later,
    nextId: () => ids++,
    opened: () => void (maxOpenPrompts = Math.max(maxOpenPrompts, page.open.length)),
  };
  const faultHost: FaultHost = {
    later,
    grant: (scopes) => scopes.forEach((s) => grants.add(s)),
    issue(scopes) {
      if (options.issueCode) return Promise.resolve(options.issueCode([...scopes], customerId));
      const code = randomCode();
      codes.set(code, { scopes: [...scopes], customerId, issuedAt: now(), used: false });
      return Promise.resolve(code);
    },
  };

  /** A call the wallet refuses before anything else: recorded, answered with error 2. */
  function refuse(call: Partial<GetAuthCodeCall>, parameter: string): void {
    calls.push({ scopes: [], at: now(), prompted: false, outcome: 'invalid' });
    later(() => deliver(call, 'fail', { error: INVALID_PARAMETER, errorMessage: `invalid parameter: ${parameter}` }));
  }

  async function answerWith(call: Partial<GetAuthCodeCall>, record: WalletCall, answer: UserAnswer, consentScopes: string[]): Promise<void> {
    const { allowed, granted, refused, failure, outcome } = outcomeOf(answer, [...record.scopes], consentScopes);
    faultHost.grant(allowed);
    record.outcome = outcome;
    if (failure) return deliver(call, 'fail', failure);
    let authCode: string;
    try {
      authCode = await faultHost.issue(granted);
    } catch {
      // The code issuer (the wallet's server side) is unreachable: an app service error.
      record.outcome = 'fault';
      return deliver(call, 'fail', { error: 1002, errorMessage: 'app service error' });
    }
    const result: RawAuthCodeResult = { authCode, authSuccessScopes: granted };
    if (refused.length > 0) result.authErrorScopes = Object.fromEntries(refused.map((s) => [s, DENIED_CODE]));
    deliver(call, 'success', result);
  }

  function run(call: Partial<GetAuthCodeCall>, scopes: string[]): void {
    const consentScopes = scopes.filter((s) => !isSilentScope(s, catalogue) && !grants.has(s));
    const fault = faults.shift();
    const record: WalletCall = { scopes, at: now(), prompted: fault === undefined && consentScopes.length > 0 };
    calls.push(record);
    if (fault !== undefined) return runFault(faultHost, fault, call, record, scopes);
    const answer = consentScopes.length > 0 ? openConsentPage(page, scopes, consentScopes) : new Promise<UserAnswer>((r) => later(() => r('allow')));
    void answer.then((a) => answerWith(call, record, a, consentScopes));
  }

  const my: SimulatedMy = {
    getAuthCode(call) {
      if (typeof call !== 'object' || call === null) throw new TypeError('my.getAuthCode(options): options must be an object');
      run(call, readScopes(call.scopes));
    },
    getStorageSync: ({ key }) => ({ data: storage.has(key) ? (storage.get(key) as string) : null }),
    setStorageSync: ({ key, data }) => void storage.set(key, typeof data === 'string' ? data : JSON.stringify(data)),
    removeStorageSync: ({ key }) => void storage.delete(key),
  };

  const bridge: AlipayBridgeHost = {
    call(api, params, callback) {
      if (api !== 'getAuthCode') return callback({ error: 1, errorMessage: 'unknown api' });
      const scopes = readScopeNicks(params);
      if (scopes === undefined) return refuse(bridgeCallbacks(callback), 'scopeNicks');
      run(bridgeCallbacks(callback), scopes);
    },
  };

  return {
    my,
    bridge,
    calls,
    get prompts() {
      return [...page.open];
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
      page.listeners.add(listener);
      return () => void page.listeners.delete(listener);
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
    grant(scopes) {
      for (const s of scopeList(scopes, 'grant(scopes)')) grants.add(s);
    },
  };
}
