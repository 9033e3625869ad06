/**
 * The miniapp's own lines in the developer panel: the codes and explanations that consumer text
 * leaves out. Every error the kit reports (its code, the wallet's platform code, the scopes, what it
 * means), other notes for developers, and the consent record with scope names. A page without the
 * panel (a real miniapp) gets nothing.
 */
import { isConsentDismissed, isWalletClosed } from '/kit/index.js';
import { PERMISSIONS } from '/sharing.js';

const MAX_LINES = 30;

/** What each kit code means here (the kit's README has the full table). */
const MEANING = {
  USER_CANCELLED: 'refused in the wallet’s page: recorded as denied (a tap on a consent button asks again)',
  DENIED: 'refused before and asked again without a tap: no prompt; a tap on a consent button asks again',
  TIMEOUT: 'the wallet did not answer in time (retryable)',
  SERVICE_ERROR: 'the wallet service failed (retryable)',
  EMPTY_RESULT: 'the wallet answered without a code: a real failure (retryable)',
  NO_PERMISSION: 'the wallet does not let this miniapp or page ask for these scopes',
  PENDING_AGREEMENT: 'the user has an agreement to accept in the wallet first',
  UNKNOWN: 'a wallet error outside the platform’s table (retryable)',
  CODE_REJECTED: 'the wallet said yes; the merchant backend refused the code, and the one fresh code after it',
  BACKEND_ERROR: 'the wallet said yes; the merchant backend failed (retryable when transient)',
  FIRST_SCREEN: 'a consent prompt before the user engaged, with defer: false',
  NOT_IN_MINIAPP: 'no wallet host in this page',
  INVALID_SCOPE: 'not a scope name',
};
const CLOSED = 'the wallet’s page was closed without a choice (wallet error 10): a cancellation, not a refusal; nothing recorded';
const DISMISSED = '“Not now” on the miniapp’s own sheet (isConsentDismissed): the wallet was not asked; nothing recorded';
const NETWORK = 'no network between the wallet and its service (wallet error 12, retryable)';
/** Codes whose `platformCode` is the merchant backend's answer, not the wallet's. */
const BACKEND_CODES = new Set(['BACKEND_ERROR', 'CODE_REJECTED']);
const SILENT = 'silent scope: no prompt, the only kind a first screen may use';

const lines = [];

function item(parts, className) {
  const li = document.createElement('li');
  if (className) li.className = className;
  for (const [tag, text, cls] of parts) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    node.textContent = text;
    li.append(node);
  }
  return li;
}

function renderLog() {
  const log = document.getElementById('kit-log');
  if (!log) return;
  log.replaceChildren(...(lines.length ? [...lines].reverse() : [item([['span', 'No error so far.']], 'dev-empty')]));
}

function addLine(li) {
  lines.push(li);
  if (lines.length > MAX_LINES) lines.shift();
  renderLog();
}

/** A line for developers (never shown to the user). */
export function devNote(text) {
  addLine(item([['span', text, 'dev-log-meta']]));
}

/** Where the raw code came from: the wallet's `my.getAuthCode`, or the merchant backend's answer. */
function rawCode(error) {
  if (error.platformCode === undefined || error.platformCode === error.code || isWalletClosed(error)) return '';
  return BACKEND_CODES.has(error.code) ? ` · backend ${error.platformCode}` : ` · wallet ${error.platformCode}`;
}

function noteError(error) {
  if (!error || error.code === 'ABORTED') return;
  const status = error.status !== undefined ? ` · HTTP ${error.status}` : '';
  const meaning = isWalletClosed(error) ? CLOSED : isConsentDismissed(error) ? DISMISSED : String(error.platformCode) === '12' ? NETWORK : MEANING[error.code] ?? error.message;
  addLine(
    item([
      // "Not now" is a USER_CANCELLED too: the line says which cancellation it was.
      ['code', isConsentDismissed(error) ? `${error.code} · not now` : error.code],
      ['code', (error.scopes ?? []).join(' ') || '—'],
      ['span', `${meaning}${rawCode(error)}${status}`, 'dev-log-meta'],
    ]),
  );
}

function renderRecord(authorizer) {
  const list = document.getElementById('kit-record');
  if (!list) return;
  list.replaceChildren(
    ...PERMISSIONS.flatMap(({ scopes }) =>
      scopes.map((scope) => {
        const state = scope === 'auth_base' ? `${authorizer.session() ? 'in the session' : 'no session'} · ${SILENT}` : authorizer.consentState(scope);
        return item([
          ['code', scope],
          ['span', state, 'dev-log-meta'],
        ]);
      }),
    ),
  );
}

/** Follows the authorizer: its errors go to the log, its consent record to the panel. */
export function watchKit(authorizer) {
  authorizer.subscribe((event) => {
    if (event.type === 'error') noteError(event.error);
    if (event.type === 'session' || event.type === 'consent' || event.type === 'signed-out' || event.type === 'ready') renderRecord(authorizer);
  });
  renderRecord(authorizer);
  renderLog();
}
