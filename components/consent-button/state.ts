/** The state a consent button shows, derived from its own last tap and the authorizer's record. */
import type { Authorizer, ConsentState } from '../../utils';
import { covers, validScopes } from '../shared/scopes';

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
