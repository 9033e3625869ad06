/**
 * `globals.ts` for DSL mini programs (AXML pages): the engine forbids `globalThis` and `global`,
 * `my` is a free variable of the page's code, and there is no DOM, `localStorage`, `fetch` or
 * `location`. The DSL build resolves `./globals` to this file.
 */
import type { EngagementTarget } from './types';
import type { ListenTarget } from './globals';

declare const my: unknown;
declare const AbortController: unknown;
declare const URL: unknown;
declare const crypto: unknown;

export type { ListenTarget };

/** A free variable, read without a ReferenceError where the engine lacks it. */
export const globalMy = (): unknown => (typeof my === 'undefined' ? undefined : my);
export const globalBridge = (): unknown => undefined;
export const bridgeReadyTarget = (): ListenTarget | null => null;
export const pageTarget = (): EngagementTarget | null => null;
export const navigationTarget = (): EngagementTarget | null => null;
export const globalLocalStorage = (): unknown => undefined;
export const globalFetch = (): unknown => undefined;
export const globalURL = (): unknown => (typeof URL === 'undefined' ? undefined : URL);
export const pageHref = (): unknown => undefined;
export const globalAbortController = (): unknown => (typeof AbortController === 'undefined' ? undefined : AbortController);
export const globalCrypto = (): unknown => (typeof crypto === 'undefined' ? undefined : crypto);
export const globalReportError = (): unknown => undefined;
