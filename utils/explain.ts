/**
 * `miniapp-auth-kit/explain`: the kit's errors in plain sentences, for development. The kit's own
 * messages are short and structured (an `AuthError`: `CODE platformCode HTTP status detail [scopes]`;
 * a TypeError: `where: name refused`) so that no page pays for prose; this module, imported where
 * errors are read (a dev build, a log viewer, a test), says what each one means and what to do.
 */
import type { AuthErrorCode } from './errors';

/** What each `AuthError` code means, and what the application does about it. */
export const AUTH_ERROR_TEXTS: Readonly<Record<AuthErrorCode, string>> = Object.freeze({
  USER_CANCELLED:
    'The user refused in the wallet (wallet code 1001 or 11, or a denial in authErrorScopes): recorded as denied, a later call without a gesture rejects DENIED, a tap asks again. With `dismissed: true` it was "Not now" on the consent sheet instead: the wallet was never asked and nothing was recorded.',
  TIMEOUT: 'The wallet did not answer within `timeoutMs` (or wallet code 1003), or the request waited longer than `timeoutMs` for another prompt to close. Retryable.',
  SERVICE_ERROR: 'The wallet had a service error (1002, 1005) or no network (12). Retryable.',
  PENDING_AGREEMENT: "The user must accept the wallet's user agreement in the wallet app first (2001); a tap alone will not help.",
  NO_PERMISSION: 'The miniapp may not ask for these scopes (4, 15, 40006): check its configuration in the wallet console.',
  EMPTY_RESULT: "The wallet answered without a code: wallet code 10 is the user closing the wallet's page without a choice (see `isWalletClosed`, not a refusal, nothing recorded); without that code, a success without a code. Retryable.",
  UNKNOWN: 'The wallet answered with a code outside the table (kept in `platformCode`), or a result that could not be read. Retryable.',
  NOT_IN_MINIAPP: 'No wallet host: no `my` with `getAuthCode` and no `AlipayJSBridge` (the page is not open in a wallet). Pass `host` (e.g. the wallet simulator) in tests and demos.',
  INVALID_SCOPE: 'A scope is empty, not a string, not a scope name (letters, digits and `_`, at most 64), or more than 64 scopes were asked for; the wallet was not called. The message names the scope, or says what it was (`null`, `number`, `70 chars`, `65 scopes`).',
  DENIED: 'The user refused these scopes earlier, and this call came without a gesture: no prompt was shown. Ask again from a tap (`gesture: true`, or a `<consent-button>`).',
  FIRST_SCREEN: 'A consent prompt was asked for before the user engaged with the page, with `defer: false`. Ask from a tap, or leave `defer` on to wait for engagement.',
  CODE_REJECTED: "The backend refused the code (invalid, used or expired; `platformCode` is the backend's code) and refused the one fresh code too; or the code was older than `codeMaxAgeMs`.",
  BACKEND_ERROR: "The submit hook failed: `status` is the HTTP status, `platformCode` the backend's own code, `retryable` whether it was transient (5xx, 429, 408, no answer, or the backend's own word).",
  ABORTED: "The caller's `AbortSignal` aborted, `signOut()` ran (here or in another page or tab), or no caller waits for the request any more.",
});

/** The words an `AuthError`'s message may carry after its codes. */
export const DETAIL_TEXTS: Readonly<Record<string, string>> = Object.freeze({
  echo: "the backend's answer (or error) carries the auth code it was given: the kit never stores or shows it. Answer with session data only.",
  'not JSON': "the backend's answer is not JSON (or cannot be stored as JSON).",
  'no fetch': 'there is neither `my.request` nor `fetch` to send the code with.',
});

/**
 * What each option and argument takes, by `where: name` as the TypeError names it (`*`: any
 * function; `messages.*` keys are read by their first part).
 */
export const OPTION_TEXTS: Readonly<Record<string, string>> = Object.freeze({
  'options': 'an options object',
  'options.submit': 'a function `(authCode, { scopes, attempt, signal }) → Promise<session data>` (required)',
  'options.host': 'a wallet: `my` (with `getAuthCode`, or `request` for httpSubmitter) or `AlipayJSBridge`; for httpSubmitter also `null` (use `fetch`)',
  'options.storage': 'a storage adapter `{ get(key), set(key, value), remove(key) }`, synchronous or asynchronous',
  'options.now': 'a clock: a function returning epoch milliseconds',
  'options.storageKey': 'a string of 1 to 200 characters',
  'options.maxRetries': 'an integer from 0 to 10',
  'options.engagementTarget': 'an EventTarget (`addEventListener`, `removeEventListener`) or `null`',
  'options.codeMaxAgeMs': 'milliseconds, 1 to 2 147 483 647',
  'options.sessionTtlMs': 'milliseconds, 1 to 2 147 483 647',
  'options.timeoutMs': 'milliseconds, 1 to 2 147 483 647',
  'options.retryDelayMs': 'milliseconds, 0 to 2 147 483 647',
  'options.bridgeWaitMs': 'milliseconds, 0 to 2 147 483 647 (0: do not wait for AlipayJSBridgeReady)',
  catalogue: 'a catalogue: `{ silent: boolean, group, alone?: boolean }` by scope name (`SCOPES`, `CLARO_SCOPES`); the message names the refused scope',
  'options.gesture': 'a boolean',
  'options.defer': 'a boolean',
  'options.signal': 'an AbortSignal',
  'options.url': 'an https URL (plain http only on localhost, 127.x.x.x or [::1]; no credentials; at most 2048 characters); relative URLs only where the page has an address',
  'options.headers': 'an object of string header values, or null',
  'options.credentials': "'omit', 'same-origin' or 'include'",
  authCode: 'the auth code: a non-empty string',
  'context.scopes': 'an array of scope names',
  'context.signal': 'an AbortSignal',
  'subscribe(listener)': 'a function `(event, snapshot) => void`',
  'withAuthorization(pageOptions)': 'the options object you pass to Page()',
  'setConsentPresenter(presenter)': 'a function `({ scopes, proceed, dismiss, signal }) => void`, or null',
  'options.authorizer': 'an authorizer from `createAuthorizer()`',
  'options.locale': "'en', 'ar' or 'ku'",
  'options.styleNonce': 'a non-empty string (the nonce of your Content-Security-Policy)',
  'options.messages': 'text overrides by locale: `{ ar: { continue: "…" } }`, keys of `CONSENT_MESSAGES.en`',
  messages: 'text overrides keyed by locale: en, ar, ku; the message names the refused locale',
  authorizer: 'an authorizer from `createAuthorizer()`, or null',
  scopes: 'a string (space or comma separated) or an array of scope names',
  'no authorizer': 'call `defineConsentElements({ authorizer })` (or one of the per-element defines) first, or set the element\'s `authorizer` property',
  'present(pending)': 'a PendingConsent from the authorizer: `{ scopes, proceed, dismiss, signal }`',
  'no custom elements': 'the page has no `customElements` registry (not a browser page, or a very old WebView)',
});

function field(error: unknown, key: string): unknown {
  try {
    return (error as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function explainAuthError(code: AuthErrorCode, error: unknown, message: string): string {
  const scopes = field(error, 'scopes');
  const lines = [`${code}${Array.isArray(scopes) && scopes.length > 0 ? ` for ${scopes.join(', ')}` : ''}: ${AUTH_ERROR_TEXTS[code]}`];
  const platformCode = field(error, 'platformCode');
  if (platformCode !== undefined) lines.push(`platformCode: ${String(platformCode)}.`);
  const status = field(error, 'status');
  if (status !== undefined) lines.push(`HTTP status: ${String(status)}.`);
  for (const [word, text] of Object.entries(DETAIL_TEXTS)) if (message.includes(` ${word}`)) lines.push(`${word}: ${text}`);
  if (field(error, 'dismissed') === true) lines.push('dismissed: "Not now" on the consent sheet.');
  lines.push(`retryable: ${String(field(error, 'retryable') === true)}.`);
  return lines.join('\n');
}

/** `where: name refused` (or `fn(arg)`) as a sentence, when the name is one of the kit's. */
function explainKitError(message: string): string | null {
  const colon = message.indexOf(': ');
  const rest = colon < 0 ? message : message.slice(colon + 2);
  const fits = (key: string) => rest === key || rest.startsWith(`${key} `) || rest.startsWith(`${key}.`) || rest.endsWith(key);
  const name = Object.keys(OPTION_TEXTS)
    .filter(fits)
    .sort((a, b) => b.length - a.length)[0];
  if (!name) return null;
  const refused = rest.startsWith(`${name} `) ? rest.slice(name.length + 1) : '';
  return `${message}: ${rest.startsWith(name) && rest !== name && !refused ? rest : name} takes ${OPTION_TEXTS[name]}${refused ? ` (it got ${refused})` : ''}.`;
}

/**
 * A readable explanation of an error the kit threw or rejected with: an `AuthError` (by its fields,
 * also one from another copy of the kit) or one of the kit's TypeErrors; anything else as its
 * message.
 */
export function explain(error: unknown): string {
  const message = String(field(error, 'message') ?? error);
  const code = field(error, 'code');
  if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(AUTH_ERROR_TEXTS, code)) return explainAuthError(code as AuthErrorCode, error, message);
  // By name too: a DSL engine's TypeError comes from another realm.
  return ((error instanceof Error || field(error, 'name') === 'TypeError') && explainKitError(message)) || message;
}
