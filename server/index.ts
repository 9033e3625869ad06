/**
 * `miniapp-auth-kit/server`: the merchant's backend. No `node:` import at the top level (nor any
 * `import()` of one): Node's crypto and http are reached through `process.getBuiltinModule` where the
 * runtime has them, and WebCrypto and `fetch` serve edge runtimes (Next.js, Hono, Bun, Deno, Workers).
 */

// The signed wallet OpenAPI client.
export { createWalletClient } from './openapi/client';
export { WalletError } from './openapi/errors';
export type { ResultStatus, WalletErrorAction, WalletErrorInit, WalletErrorKind } from './openapi/errors';
export { checkKeys } from './openapi/check-keys';
export type { CheckKeysInput } from './openapi/check-keys';
export { RESULT_CODES, RESULT_CODE_ALIASES } from './openapi/result-codes';
export type {
  ApplyTokenRequest,
  CallOptions,
  KeyCheck,
  KeyInput,
  KeyReport,
  TokenGrant,
  UserInfo,
  WalletCallEvent,
  WalletClient,
  WalletClientOptions,
  WalletFetch,
  WalletFetchAnswer,
  WalletProfile,
} from './openapi/types';

// The auth server: one fetch handler, the in-memory store, the Next.js wrapper.
export { createAuthServer, AuthServerError } from './auth/server';
export type { AuthServer, SessionInfo } from './auth/server';
export type { AuthServerOptions, AttemptLimit, ClientAddressContext, Logger } from './auth/options';
export type { FetchHandler } from './auth/handler';
export type { SessionView, ExchangeRequest } from './auth/exchange';
export type { TokenKeys } from './auth/seal';
export type { TrustProxy } from './auth/client-address';
export { memoryStore } from './store/memory';
export type { MemoryStoreOptions } from './store/memory';
export { StoreBusyError, StoreError } from './store/types';
export type * from './store/types';
export { toNextJsHandler } from './adapters/next';
