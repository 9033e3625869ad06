/**
 * `globals.ts` for DSL mini programs (AXML pages): the engine forbids `globalThis` and `global`,
 * `my` is a free variable of the page's code, and there is no DOM, `localStorage`, `fetch` or
 * `location`. The DSL build resolves `./globals` to this file.
 */
import type { ListenTarget } from './globals';

declare const my: unknown;
declare const AbortController: unknown;
declare const URL: unknown;
declare const crypto: unknown;

export type { ListenTarget };

/** The free variables the core reads, each without a ReferenceError where the engine lacks it; nothing else. */
export function globalValue(name: string): unknown {
  if (name === 'my') return typeof my === 'undefined' ? undefined : my;
  if (name === 'URL') return typeof URL === 'undefined' ? undefined : URL;
  if (name === 'AbortController') return typeof AbortController === 'undefined' ? undefined : AbortController;
  if (name === 'crypto') return typeof crypto === 'undefined' ? undefined : crypto;
  return undefined;
}

export const globalMy = (): unknown => globalValue('my');
export const globalTarget = (_name: string): ListenTarget | null => null;
export const pageHref = (): unknown => undefined;
