/**
 * Public types of miniapp-auth-kit's headless core.
 *
 * The published `my` typings (`@mini-types/alipay`) describe Alipay China's scopes and trust every
 * callback field; Alipay+ wallets differ, so the kit types what it sends precisely and what it
 * receives as `unknown`-ish input to be normalised.
 */

/** Silent scopes of PLATFORM.md: granted without a popup. */
export type SilentScope = 'auth_base' | 'USER_ID' | 'USER_LOGIN_ID' | 'HASH_LOGIN_ID';

/** Consent scopes of PLATFORM.md: the wallet shows its consent modal. */
export type ConsentScope =
  | 'auth_user'
  | 'USER_NAME'
  | 'USER_AVATAR'
  | 'USER_GENDER'
  | 'USER_BIRTHDAY'
  | 'USER_NATIONALITY'
  | 'USER_CONTACTINFO'
  | 'NOTIFICATION_INBOX'
  | 'AGREEMENT_PAY'
  | 'CARD_LIST';

export type KnownScope = SilentScope | ConsentScope;

/** The Claro super app's scopes (seed 001), in `CLARO_SCOPES`. */
export type ClaroScope = 'User_Base_Info' | 'User_Customer_Info' | 'User_Customer_KYC_Info' | 'User_Business_Info';

/**
 * Any scope name. Known names autocomplete; any other well-formed name (letters, digits, `_`) is
 * accepted as a consent scope because wallets add scopes.
 */
export type Scope = KnownScope | ClaroScope | (string & {});

/** One scope or several, as `requestAuthCode` and `authorize` take them. */
export type ScopeInput = Scope | readonly Scope[];

// ---------------------------------------------------------------------------------------------
// Host shapes (what the wallet gives us). Every field of a result is optional and loosely typed
// on purpose: the kit normalises them and never trusts them.

/** The result object a wallet passes to `success`, `fail`, `failed` or `complete`. */
export interface RawAuthCodeResult {
  authCode?: unknown;
  /** Spelling used by some `AlipayJSBridge` versions. */
  authcode?: unknown;
  authSuccessScopes?: unknown;
  /** Object scope → error code string; one old SuperQi page sends it as a JSON string. */
  authErrorScopes?: unknown;
  error?: unknown;
  errorMessage?: unknown;
  [key: string]: unknown;
}

/** What the kit passes to `my.getAuthCode`. `scopes` is always an array (SuperQi requires it). */
export interface GetAuthCodeCall {
  scopes: string[];
  success(result: RawAuthCodeResult): void;
  fail(result: RawAuthCodeResult): void;
  /** The spelling one platform document uses for `fail`. */
  failed(result: RawAuthCodeResult): void;
  complete(result: RawAuthCodeResult): void;
}

/** A `my`-like host: `globalThis.my` in SuperQi H5 pages (hylid-bridge) and DSL mini programs. */
export interface AuthCodeHost {
  getAuthCode(call: GetAuthCodeCall): unknown;
}

/** The raw Alipay H5 bridge. */
export interface AlipayBridgeHost {
  call(api: 'getAuthCode', params: { scopeNicks: string[] }, callback: (result: RawAuthCodeResult) => void): unknown;
}

/** `my` storage API of Alipay-style hosts (used by the default storage adapter). */
export interface MyStorageHost {
  getStorageSync(options: { key: string }): unknown;
  setStorageSync(options: { key: string; data: unknown }): unknown;
  removeStorageSync?(options: { key: string }): unknown;
}

/** `my.request` of Alipay-style hosts (used by `httpSubmitter`). */
export interface MyRequestHost {
  request(options: {
    url: string;
    method: 'POST';
    headers: Record<string, string>;
    data: string;
    dataType: 'json' | 'text';
    timeout: number;
    success(response: { status?: unknown; data?: unknown; headers?: unknown }): void;
    fail(error: { error?: unknown; errorMessage?: unknown; status?: unknown; data?: unknown }): void;
  }): unknown;
}

// ---------------------------------------------------------------------------------------------
// requestAuthCode

export interface RequestAuthCodeOptions {
  /** The wallet host; default `globalThis.my`, else `globalThis.AlipayJSBridge`. */
  host?: AuthCodeHost | AlipayBridgeHost;
  /** Settle with `TIMEOUT` when the wallet has not answered (default 60 000 ms). */
  timeoutMs?: number;
  /** How long to wait for `AlipayJSBridgeReady` when no bridge is there yet (default 3 000 ms). */
  bridgeWaitMs?: number;
}

export interface AuthCodeResult {
  /** Single use and short-lived: send it to your backend at once and forget it. */
  authCode: string;
  grantedScopes: string[];
  /** Scope → the wallet's error code string; empty when none failed. */
  failedScopes: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Authorizer

/** A storage adapter; each method may be synchronous or return a promise. */
export interface StorageAdapter {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

export interface Session {
  /** Every scope the backend session covers. */
  scopes: string[];
  /** What your `submit` hook resolved with (your backend's own session, never a token). */
  data: unknown;
  /** Epoch milliseconds after which the session is not used. */
  expiresAt?: number;
}

export type ConsentState = 'unknown' | 'granted' | 'denied';

export interface SubmitContext {
  /** The scopes this code was issued for. */
  scopes: string[];
  /** 1 for the first code of a request, 2 for the one fresh code after a refused code. */
  attempt: number;
  signal: AbortSignal;
}

/** Your backend call: exchange the code and resolve with your own session data. */
export type SubmitHook = (authCode: string, context: SubmitContext) => Promise<unknown>;

export interface AuthorizeOptions {
  /** The call comes from the user's tap: a consent prompt may open now. */
  gesture?: boolean;
  /** Before the user engaged: wait (true, default) or reject `FIRST_SCREEN` (false). */
  defer?: boolean;
  signal?: AbortSignal;
}

/**
 * A deferred consent prompt that came due without a gesture. A presenter (the `<consent-prompt>`
 * element) shows it to the user; `proceed()` must be called from the user's own tap: it opens the
 * wallet prompt synchronously. `dismiss()` ("Not now") leaves the consent record as it was.
 */
export interface PendingConsent {
  readonly scopes: readonly string[];
  proceed(): void;
  dismiss(): void;
  /** Aborted when the request no longer needs the prompt (signed out, aborted, settled). */
  readonly signal: AbortSignal;
}

export type ConsentPresenter = (pending: PendingConsent) => void;

export interface AuthorizerOptions {
  submit: SubmitHook;
  host?: AuthCodeHost | AlipayBridgeHost;
  storage?: StorageAdapter;
  /** Clock, epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Storage key (default `miniapp-auth-kit`); give each miniapp sharing storage its own. */
  storageKey?: string;
  /** A code older than this is never submitted (default 5 minutes). */
  codeMaxAgeMs?: number;
  /** Session lifetime when the submit result carries no `expiresAt` (default: none). */
  sessionTtlMs?: number;
  /** Wallet answer timeout per call (default 60 000 ms). */
  timeoutMs?: number;
  /** Retries of transient errors on silent scopes (default 2), with backoff from `retryDelayMs`. */
  maxRetries?: number;
  retryDelayMs?: number;
  /**
   * Where trusted click, pointer and key events and in-app navigations are watched for
   * (default `globalThis` when it is an event target; `null` to watch nothing, e.g. DSL pages
   * that call `markEngaged()` themselves).
   */
  engagementTarget?: EngagementTarget | null;
  /**
   * Scopes of another wallet (e.g. `CLARO_SCOPES`), laid over `SCOPES` for this authorizer: which
   * are silent, their data group, and which need a wallet call of their own.
   */
  catalogue?: import('./scopes').ScopeCatalogue;
}

/** The part of `EventTarget` the engagement guard uses. */
export interface EngagementTarget {
  addEventListener(type: string, listener: (event: { isTrusted?: boolean; type: string }) => void, options?: unknown): void;
  removeEventListener(type: string, listener: (event: { isTrusted?: boolean; type: string }) => void, options?: unknown): void;
}

export type AuthorizerStatus = 'idle' | 'waiting' | 'prompting' | 'fetching' | 'submitting';

/** A snapshot given to subscribers. */
export interface AuthorizerSnapshot {
  status: AuthorizerStatus;
  engaged: boolean;
  session: Session | null;
  consent: Readonly<Record<string, Exclude<ConsentState, 'unknown'>>>;
  /** Scopes of the requests under way. */
  pendingScopes: string[];
}

export type AuthorizerEvent =
  | { type: 'ready' }
  | { type: 'engaged' }
  | { type: 'status'; status: AuthorizerStatus; scopes: string[] }
  | { type: 'session'; session: Session | null }
  | { type: 'consent'; scope: string; state: ConsentState }
  | { type: 'error'; error: import('./errors').AuthError }
  | { type: 'signed-out' };

export type AuthorizerListener = (event: AuthorizerEvent, snapshot: AuthorizerSnapshot) => void;

export interface Authorizer {
  authorize(scopes: ScopeInput, options?: AuthorizeOptions): Promise<Session>;
  consentState(scope: Scope): ConsentState;
  session(): Session | null;
  markEngaged(): void;
  /** True once the user engaged (or `markEngaged()` was called). */
  readonly engaged: boolean;
  signOut(): Promise<void>;
  subscribe(listener: AuthorizerListener): () => void;
  /** The current snapshot (what subscribers receive). */
  snapshot(): AuthorizerSnapshot;
  /**
   * Route consent prompts that come due without a gesture through `presenter` (the
   * `<consent-prompt>` element does this). Returns a function that removes it.
   */
  setConsentPresenter(presenter: ConsentPresenter | null): () => void;
  /** Resolves once the state has been read from storage (at once with synchronous storage). */
  ready(): Promise<void>;
  /** The scope catalogue this authorizer plans with: `SCOPES` with its `catalogue` option laid over. */
  readonly catalogue: import('./scopes').ScopeCatalogue;
}
