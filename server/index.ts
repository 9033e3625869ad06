/**
 * `miniapp-auth-kit/server`: the merchant's backend. No `node:` import at the top level (nor any
 * `import()` of one): Node's crypto and http are reached through `process.getBuiltinModule` where the
 * runtime has them, and WebCrypto and `fetch` serve edge runtimes.
 */
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
