/**
 * What a consent button shows (the H5 element and the DSL component alike): its state, derived
 * from its own last tap and the authorizer's record, and the texts of that state.
 */
import type { AuthError, Authorizer, ConsentState } from '../../utils';
import { isRetryable } from '../shared/events';
import type { ConsentMessages } from '../shared/i18n';
import { covers, groupsOf, validScopes } from '../shared/scopes';

export type ConsentButtonState = 'idle' | 'pending' | 'authorized' | 'denied' | 'error';

export interface ButtonStateInput {
  /** A tap of this button is waiting for its answer. */
  pending: boolean;
  /** What this button's last tap ended with, until something newer says otherwise. */
  outcome: 'denied' | 'error' | null;
  authorizer: Authorizer | null;
  scopes: readonly string[];
}

function consentOf(authorizer: Authorizer, scope: string): ConsentState {
  try {
    return authorizer.consentState(scope);
  } catch {
    return 'unknown';
  }
}

/**
 * pending › authorized (the session covers the scopes) › the last tap's denial or error ›
 * denied in the consent record › idle.
 */
export function deriveButtonState({ pending, outcome, authorizer, scopes }: ButtonStateInput): ConsentButtonState {
  if (pending) return 'pending';
  const valid = validScopes(scopes);
  const allValid = valid.length === scopes.length;
  if (authorizer && allValid && covers(authorizer.session(), valid)) return 'authorized';
  if (outcome) return outcome;
  if (authorizer && valid.some((s) => consentOf(authorizer, s) === 'denied')) return 'denied';
  return 'idle';
}

/** The messages an error may show: which side failed, and what a tap will do. */
export type ErrorMessageKey = 'backendRetry' | 'backendFailed' | 'agreement' | 'offline' | 'noAnswer' | 'noWallet' | 'tryAgain' | 'unavailable';

/**
 * The words for a failure. The backend's failures come after the wallet said yes (the code was
 * issued): they say so, so that "Allowed" elsewhere does not read as a contradiction. Wallet error
 * 2001 needs the user to act in the wallet (a tap alone cannot help), 12 is the network.
 */
export function errorMessageKey(error: unknown): ErrorMessageKey {
  const e = error as { code?: unknown; platformCode?: unknown } | null;
  const retryable = isRetryable(error);
  switch (e?.code) {
    case 'BACKEND_ERROR':
    case 'CODE_REJECTED':
      return retryable ? 'backendRetry' : 'backendFailed';
    case 'PENDING_AGREEMENT':
      return 'agreement';
    case 'NOT_IN_MINIAPP':
      return 'noWallet';
    case 'TIMEOUT':
      return 'noAnswer';
    case 'SERVICE_ERROR':
      if (String(e.platformCode) === '12') return 'offline';
  }
  return retryable ? 'tryAgain' : 'unavailable';
}

/** The line under the button in each state. */
export function statusText(state: ConsentButtonState, error: unknown, t: ConsentMessages): string {
  if (state === 'pending') return t.pending;
  if (state === 'authorized') return t.authorized;
  if (state === 'denied') return t.allowAccess;
  if (state === 'error') return t[errorMessageKey(error)];
  return '';
}

/**
 * Whether a tap on the button can help in this state (the line under it then invites one): not
 * once authorized, and not after a failure only the user's wallet or a later moment can fix.
 */
export function tapHelps(state: ConsentButtonState, error: unknown): boolean {
  if (state === 'denied') return true;
  if (state !== 'error') return false;
  const key = errorMessageKey(error);
  return key !== 'unavailable' && key !== 'backendFailed' && key !== 'noWallet';
}

/** The label of a button given none: what it asks for, by data group (several groups: the generic one). */
export function defaultLabel(scopes: readonly string[], authorizer: Authorizer | null | undefined, t: ConsentMessages): string {
  const groups = groupsOf(scopes, authorizer?.catalogue);
  return groups.length === 1 ? t.labels[groups[0] as keyof ConsentMessages['labels']] : t.label;
}

/** The button's own rationale, else the built-in text of each data group asked for. */
export function rationaleFor(own: string | null | undefined, scopes: readonly string[], authorizer: Authorizer | null | undefined, t: ConsentMessages): string {
  const mine = own?.trim();
  if (mine) return mine;
  return groupsOf(scopes, authorizer?.catalogue)
    .map((group) => t.rationale[group])
    .join(' ');
}

/** The scopes a refusal names (the ones the user refused), else all the button asked for. */
export function deniedScopes(error: AuthError, asked: readonly string[]): string[] {
  return (error.scopes?.length ? error.scopes : asked).slice();
}
