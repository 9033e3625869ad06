/**
 * `miniapp-auth-kit/server`: the merchant's backend. No `node:` import at its top level, so it runs in
 * fetch runtimes too (Next.js, Hono, Bun, Deno, Workers).
 */

// The auth server (issue 17): one fetch handler, the in-memory store, the Next.js wrapper.
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

// The wallet OpenAPI client's boundary (shared with issue 16).
export { WalletError } from './openapi/errors';
export type * from './openapi/types';
