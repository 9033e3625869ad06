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
  if (name === 'my') return globalMy();
  if (name === 'URL') return typeof URL === 'undefined' ? undefined : URL;
  if (name === 'AbortController') return typeof AbortController === 'undefined' ? undefined : AbortController;
  if (name === 'crypto') return typeof crypto === 'undefined' ? undefined : crypto;
  return undefined;
}

/** `my`, read on its own: a page that needs only it (withAuthorization) carries nothing else. */
export const globalMy = (): unknown => (typeof my === 'undefined' ? undefined : my);
export const globalTarget = (_name: string): ListenTarget | null => null;
export const pageHref = (): unknown => undefined;
