/** `abort-controller.ts` for H5 pages and Node (the package's ESM, CommonJS and IIFE builds): the platform's own. */
export const createAbortController = (): AbortController => new AbortController();
