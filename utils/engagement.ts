/**
 * The first-screen guard's sensor: the user has engaged once a trusted click, pointer or key event
 * reaches the page, an in-app navigation happens, or the app says so (`markEngaged()`).
 * Scripted events (`isTrusted: false`) do not count: a page cannot fake engagement.
 */
import { onAbort } from './abort';
import { globalTarget } from './globals';
import type { EngagementTarget } from './types';

/**
 * Interactions, and `popstate` (back/forward). Not `hashchange`: a router setting the hash at
 * launch fires a trusted one, and a tapped hash link is already a click.
 */
const EVENTS = ['pointerdown', 'click', 'keydown', 'touchstart', 'popstate'];

export interface EngagementSensor {
  readonly engaged_: boolean;
  mark_(): void;
  /** Resolves when engaged; rejects with the signal's reason when it aborts first. */
  whenEngaged_(signal?: AbortSignal): Promise<void>;
}

type SeenEvent = { isTrusted?: boolean; userInitiated?: boolean; navigationType?: string };

export function createEngagementSensor(target: EngagementTarget | null | undefined, onEngaged: () => void): EngagementSensor {
  let engaged = false;
  const waiters = new Set<() => void>();
  const watched: Array<[EngagementTarget, string, (event: SeenEvent) => void]> = [];

  function mark(): void {
    if (engaged) return;
    engaged = true;
    for (const [t, type, l] of watched.splice(0)) t.removeEventListener(type, l, true);
    onEngaged();
    // A wake never changes the set (it only stops listening for the abort).
    waiters.forEach((wake) => wake());
    waiters.clear();
  }

  // Only events the browser fired count: routers dispatch a synthetic `popstate` at launch.
  const onEvent = (event: SeenEvent) => event?.isTrusted === true && mark();
  // The Navigation API fires trusted `navigate` events for the page's own pushState too: only the
  // user's navigations (a link, back/forward) count.
  const onNavigate = (event: SeenEvent) => event?.isTrusted === true && (event.userInitiated === true || event.navigationType === 'traverse') && mark();

  const t = target === undefined ? (globalTarget('globalThis') as EngagementTarget | null) : target;
  if (t) for (const type of EVENTS) watched.push([t, type, onEvent]);
  const nav = t && target === undefined ? (globalTarget('navigation') as EngagementTarget | null) : null;
  if (nav) watched.push([nav, 'navigate', onNavigate]);
  for (const [w, type, l] of watched) w.addEventListener(type, l, true);

  return {
    get engaged_() {
      return engaged;
    },
    mark_: mark,
    whenEngaged_(signal) {
      if (engaged) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = () => (off(), resolve());
        const off = onAbort(signal, () => {
          waiters.delete(wake);
          reject(signal?.reason);
        });
        if (!signal?.aborted) waiters.add(wake);
      });
    },
  };
}
