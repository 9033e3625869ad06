/**
 * The wallet OpenAPI client's public types (CONTRACT.md, "Server"). The auth server depends on
 * `WalletClient` only through this interface, so tests and other transports can stand in for it.
 */

/** A key as merchants hold it: PEM (PKCS#1, PKCS#8, SPKI, `RSA PUBLIC KEY`), bare base64 DER (also with
 * `\n` escapes or CRLF), bytes, a node `KeyObject` or a WebCrypto `CryptoKey`. */
export type KeyInput = string | Uint8Array | ArrayBuffer | { type: string; asymmetricKeyType?: string } | CryptoKey;

export type WalletProfile = 'superqi' | 'alipayplus';

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
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxClockSkewMs?: number;
  /** v2 (`alipayplus`) body fields. */
  appId?: string;
  customerBelongsTo?: string;
  onCall?: (event: WalletCallEvent) => void;
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
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface WalletClient {
  applyToken(request: ApplyTokenRequest, options?: CallOptions): Promise<TokenGrant>;
  inquiryUserInfo(accessToken: string, options?: CallOptions): Promise<UserInfo>;
  cancelToken(accessToken: string, options?: CallOptions): Promise<void>;
  /** Any other signed API: the verified payload and the answer's `Response-Time` (epoch ms). */
  call(path: string, body: Record<string, unknown>, options?: CallOptions): Promise<{ payload: Record<string, unknown>; responseTime: number }>;
  checkKeys(): Promise<{ ok: boolean; problems: string[] }>;
  readonly clientId: string;
  readonly profile: WalletProfile;
}
