/**
 * The first-screen guard's sensor: the user has engaged once a trusted click, pointer or key event
 * reaches the page, an in-app navigation happens, or the app says so (`markEngaged()`).
 * Scripted events (`isTrusted: false`) do not count: a page cannot fake engagement.
 */
import { navigationTarget, pageTarget } from './globals';
import type { EngagementTarget } from './types';

const INTERACTIONS = ['pointerdown', 'click', 'keydown', 'touchstart'];
/**
 * In-app navigations: `popstate` (back/forward). Not `hashchange`: a router setting the hash at
 * launch fires a trusted one, and a tapped hash link is already a click.
 */
const NAVIGATIONS = ['popstate'];

export interface EngagementSensor {
  readonly engaged: boolean;
  mark(): void;
  /** Resolves when engaged; rejects when `signal` aborts first. */
  whenEngaged(signal?: AbortSignal): Promise<void>;
  dispose(): void;
}

type Listener = (event: { isTrusted?: boolean; type: string; userInitiated?: boolean; navigationType?: string }) => void;

export function createEngagementSensor(target: EngagementTarget | null | undefined, onEngaged: () => void): EngagementSensor {
  let engaged = false;
  const waiters = new Set<() => void>();
  const watched: Array<[EngagementTarget, string, Listener]> = [];

  function mark(): void {
    if (engaged) return;
    engaged = true;
    for (const [t, type, l] of watched.splice(0)) t.removeEventListener(type, l, true);
    onEngaged();
    for (const wake of [...waiters]) wake();
    waiters.clear();
  }

  const onInteraction: Listener = (event) => {
    if (event && event.isTrusted === true) mark();
  };
  // A navigation counts only when the browser fired it: routers that dispatch a synthetic
  // `popstate` at launch must not open the first screen to consent prompts.
  const onNavigation: Listener = onInteraction;
  // The Navigation API fires trusted `navigate` events for the page's own pushState too: only the
  // user's navigations (a link, back/forward) count.
  const onNavigate: Listener = (event) => {
    if (event && event.isTrusted === true && (event.userInitiated === true || event.navigationType === 'traverse')) mark();
  };

  const t = target === undefined ? pageTarget() : target;
  if (t) {
    for (const type of INTERACTIONS) watched.push([t, type, onInteraction]);
    for (const type of NAVIGATIONS) watched.push([t, type, onNavigation]);
    const nav = target === undefined ? navigationTarget() : null;
    if (nav) watched.push([nav, 'navigate', onNavigate]);
    for (const [w, type, l] of watched) w.addEventListener(type, l, true);
  }

  return {
    get engaged() {
      return engaged;
    },
    mark,
    whenEngaged(signal) {
      if (engaged) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          waiters.delete(wake);
          reject(signal?.reason);
        };
        if (signal?.aborted) return onAbort();
        waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    dispose() {
      for (const [w, type, l] of watched.splice(0)) w.removeEventListener(type, l, true);
      waiters.clear();
    },
  };
}
