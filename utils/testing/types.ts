/** The wallet simulator's public types. */
import type { ScopeCatalogue } from '../scopes';
import type { AlipayBridgeHost, GetAuthCodeCall, RawAuthCodeResult } from '../types';

export type { GetAuthCodeCall, RawAuthCodeResult };

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
  /**
   * Scopes the wallet remembers as granted from the start (a wallet keeps its grants across
   * launches: pass what `grants` held before a reload).
   */
  grants?: readonly string[];
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
  /** Remember these scopes as granted, as when the user allowed them elsewhere (another tab). */
  grant(scopes: readonly string[]): void;
  /** The simulated storage (what `my.setStorageSync` wrote). */
  readonly storage: ReadonlyMap<string, string>;
}

export interface SimulatedMy {
  getAuthCode(call: Partial<GetAuthCodeCall> & { scopes?: unknown }): void;
  getStorageSync(options: { key: string }): { data: string | null };
  setStorageSync(options: { key: string; data: unknown }): void;
  removeStorageSync(options: { key: string }): void;
}
