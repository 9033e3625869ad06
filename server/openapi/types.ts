/**
 * The wallet OpenAPI client's public types (CONTRACT.md, "Server"). The auth server depends on
 * `WalletClient` only through this interface, so tests and other transports can stand in for it.
 */

/** A key as merchants hold it: PEM (PKCS#1, PKCS#8, SPKI, `RSA PUBLIC KEY`), bare base64 DER (also with
 * `\n` escapes or CRLF), bytes, a node `KeyObject` or a WebCrypto `CryptoKey`. */
export type KeyInput = string | Uint8Array | ArrayBuffer | { type: string; asymmetricKeyType?: string } | CryptoKey;

export type WalletProfile = 'superqi' | 'alipayplus';

/**
 * The part of `fetch` the client uses (the global `fetch` is one): a POST with a string body, an
 * answer read as bytes. Inject one for proxies or tests (`miniapp-auth-kit/server/testing`'s
 * simulator has one that needs no socket).
 */
export type WalletFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'error' },
) => Promise<WalletFetchAnswer>;

export interface WalletFetchAnswer {
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
  body?: ReadableStream<Uint8Array> | null;
}

/** What the client reports of each call, for metrics: never a body, a code, a token or a key. */
export interface WalletCallEvent {
  api: string;
  path: string;
  /** 1 for the first try, 2… for retries of a transient answer. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  httpStatus: number | null;
  resultStatus: 'S' | 'F' | 'U' | null;
  resultCode: string | null;
  verified: boolean;
  /** The failure's kind when the call failed. */
  errorKind: string | null;
  /** Where the time went: signing the request, the network (until the answer's last byte), checking the answer. */
  timings: { signMs: number; networkMs: number; verifyMs: number };
}

export interface WalletClientOptions {
  /** https, or http on a loopback host; a path prefix is kept and signed. */
  baseUrl: string;
  clientId: string;
  privateKey: KeyInput;
  /** One key or several (a wallet's key rotation). */
  walletPublicKey: KeyInput | readonly KeyInput[];
  keyVersion?: number;
  profile?: WalletProfile;
  /** Default: Node's http/https with kept-alive connections where there is Node, else the global `fetch`. */
  fetch?: WalletFetch;
  /** One call's deadline, retries included (default 10 000). */
  timeoutMs?: number;
  /** How old an answer's `Response-Time` may be (default 300 000). */
  maxClockSkewMs?: number;
  /** v2 (`alipayplus`, required there): the mini program's id. */
  appId?: string;
  /** v2 (`alipayplus`): the merchant's auth client id (default: `clientId`). */
  authClientId?: string;
  /** The user's wallet (`TNG`, `GCASH`…): v2 body field, `extendInfo` on v1. */
  customerBelongsTo?: string;
  /** Metrics: one event per attempt; never a body, a code, a token or a key. */
  onCall?: (event: WalletCallEvent) => void;
  /** Retries of a transient answer for calls that are safe to repeat (inquiryUserInfo, cancelToken, `call()` with `idempotent: true`); default 2. */
  retries?: number;
  /** Your public key as registered with the wallet: `checkKeys()` then checks it is the half of `privateKey`. */
  merchantPublicKey?: KeyInput;
  /** `auto` (default): Node's crypto where there is one, else WebCrypto. */
  cryptoEngine?: 'auto' | 'node' | 'webcrypto';
  /** The clock (epoch ms) for `Request-Time` and the answer's time checks; for tests. */
  now?: () => number;
}

export interface TokenGrant {
  accessToken: string;
  accessTokenExpiresAt: number | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: number | null;
  customerId: string;
}

export type ApplyTokenRequest = { grantType: 'AUTHORIZATION_CODE'; authCode: string } | { grantType: 'REFRESH_TOKEN'; refreshToken: string };

/** The wallet's `userInfo`, as it answers it (every field optional). */
export interface UserInfo {
  userId?: string;
  status?: string;
  nickName?: string;
  userName?: { fullName?: string; firstName?: string; lastName?: string };
  avatar?: string;
  gender?: string;
  birthDate?: string;
  nationality?: string;
  loginIdInfos?: Array<{ loginId?: string; loginIdType?: string; [key: string]: unknown }>;
  contactInfos?: Array<{ contactNo?: string; contactType?: string }>;
  [key: string]: unknown;
}

export interface CallOptions {
  /** Aborting rejects the call with the signal's reason. */
  signal?: AbortSignal;
  /** This call's deadline, retries included (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  /**
   * `call()` only: the API is safe to repeat (an inquiry, or one the wallet deduplicates by a request
   * id), so a transient answer is retried. Default false: a payment is never sent twice blindly.
   */
  idempotent?: boolean;
}

/** One key as `checkKeys` saw it: never key material, only its description and public fingerprint. */
export interface KeyReport {
  /** The option it came from, e.g. `walletPublicKey[1]`. */
  option: string;
  type: 'private' | 'public' | null;
  /** How it was given: `PKCS#8 PEM`, `SPKI base64 DER`, `private KeyObject`… */
  form: string | null;
  bits: number | null;
  /** SHA-256 of the (public half's) SPKI DER, hex: compare with `openssl pkey -pubout -outform DER | openssl dgst -sha256`. */
  fingerprint: string | null;
}

export interface KeyCheck {
  ok: boolean;
  /** Each problem in plain words; empty when `ok`. */
  problems: string[];
  keys: KeyReport[];
}

export interface WalletClient {
  applyToken(request: ApplyTokenRequest, options?: CallOptions): Promise<TokenGrant>;
  inquiryUserInfo(accessToken: string, options?: CallOptions): Promise<UserInfo>;
  cancelToken(accessToken: string, options?: CallOptions): Promise<void>;
  /** Any other signed API: the verified payload and the answer's `Response-Time` (epoch ms). */
  call(path: string, body: Record<string, unknown>, options?: CallOptions): Promise<{ payload: Record<string, unknown>; responseTime: number }>;
  /** `createWalletClient`'s also reports each key (`KeyCheck.keys`). */
  checkKeys(): Promise<{ ok: boolean; problems: string[] }>;
  readonly clientId: string;
  readonly profile: WalletProfile;
  /** Ends kept-alive connections (nothing to end with an injected `fetch`). */
  close?(): void;
}
