/**
 * miniapp-auth-kit/miniprogram: the kit for Alipay+ DSL mini programs (AXML pages, `App()`,
 * `Page()`, `Component()`, `my` as a free variable). The core, plus `provideAuthorizer` (in
 * `app.js`) and `withAuthorization` (around a page's options). The native components ship beside
 * this file: `consent-button`, `consent-prompt` and `auth-gate`, each a folder of
 * `index.{axml,acss,js,json}` that a page lists in its `usingComponents`.
 */
export * from '../../utils';
export { provideAuthorizer } from './provider';
export { withAuthorization } from './with-authorization';
/** The wallet's page was closed without a choice (error 10): a cancellation, as the components read it. */
export { isWalletClosed } from '../shared/events';
