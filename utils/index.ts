/**
 * miniapp-auth-kit: user authorization for Alipay+ / SuperQi miniapps, the right way by default.
 * The headless core: no DOM and no global `my` is touched on import.
 */
export { requestAuthCode } from './request-auth-code';
export { AuthError, AUTH_ERROR_CODES, isAuthError, isConsentDismissed, isWalletClosed, mapPlatformCode } from './errors';
export type { AuthErrorCode, AuthErrorInit } from './errors';
export { SCOPES, CLARO_SCOPES, SCOPE_GROUPS, planPrompts, scopeInfo, isSilentScope } from './scopes';
export { isScopeName, normalizeScopes } from './scope-names';
export type { ScopeCatalogue, ScopeGroup, ScopeInfo } from './scopes';
export { createAuthorizer } from './authorizer/index';
export { httpSubmitter } from './submitter';
export type { HttpSubmitterOptions } from './submitter';
export { memoryStorage } from './storage';
export type * from './types';
