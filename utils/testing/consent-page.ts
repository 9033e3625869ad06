/** The simulated wallet's consent page: opened for consent scopes, answered by a scripted or interactive user. */
import type { ConsentRequest, UserAnswer, UserScript } from './types';

/** What the consent page needs of the wallet around it. */
export interface ConsentPageHost {
  /** The user's script now (it may change between calls). */
  user(): UserScript;
  /** The consent pages open now. */
  readonly open: ConsentRequest[];
  /** Told when a page opens (the demo draws it). */
  readonly listeners: Set<(request: ConsentRequest) => void>;
  /** Runs `fn` after the wallet's latency. */
  later(fn: () => void): void;
  /** The next page's id (counted per wallet). */
  nextId(): number;
  /** Told when a page is added to `open`. */
  opened(): void;
}

export function isAnswer(value: unknown): value is UserAnswer {
  const allow = (value as { allow?: unknown } | null)?.allow;
  return value === 'allow' || value === 'deny' || value === 'dismiss' || (Array.isArray(allow) && allow.every((s) => typeof s === 'string'));
}

export function checkUser(user: unknown): UserScript {
  if (user === 'manual' || typeof user === 'function' || isAnswer(user)) return user as UserScript;
  throw new TypeError("createWalletSimulator: user must be 'allow', 'deny', 'dismiss', 'manual', { allow: [...] } or a function.");
}

/** Opens a consent page; resolves with the user's answer. */
export function openConsentPage(host: ConsentPageHost, scopes: string[], consentScopes: string[]): Promise<UserAnswer> {
  return new Promise((resolve) => {
    let answered = false;
    const request: ConsentRequest = {
      id: host.nextId(),
      scopes,
      consentScopes,
      get answered() {
        return answered;
      },
      allow: () => request.answer('allow'),
      deny: () => request.answer('deny'),
      dismiss: () => request.answer('dismiss'),
      answer(answer) {
        if (answered) return;
        answered = true;
        host.open.splice(host.open.indexOf(request), 1);
        resolve(answer);
      },
    };
    host.open.push(request);
    host.opened();
    for (const listener of [...host.listeners]) listener(request);
    const script = host.user();
    if (script === 'manual') return;
    if (typeof script !== 'function') return host.later(() => request.answer(script));
    // A script that throws or answers nonsense closes the page, as a crashed UI would.
    Promise.resolve()
      .then(() => script(request))
      .then(
        (answer) => answer !== undefined && request.answer(isAnswer(answer) ? answer : 'dismiss'),
        () => request.answer('dismiss'),
      );
  });
}
