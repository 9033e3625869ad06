/** `miniapp-auth-kit/server/testing`: what a merchant's tests need of the server side. */

// The store conformance suite (issue 17).
export { runStoreConformance, storeConformanceCases } from './store-conformance';
export type { ConformanceCase } from './store-conformance';
