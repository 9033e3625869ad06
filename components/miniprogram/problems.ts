/**
 * Why a component cannot ask the wallet: no authorizer provided yet, or bad `scopes`. It renders
 * disabled and reports the reason once through `props.onError`, again only when the reason changes.
 */
import type { Authorizer } from '../../utils';
import { missingAuthorizer, type ScopesProp } from './props';
import { notify } from './notify';

export function problemOf(tag: string, authorizer: Authorizer | null, scopes: ScopesProp): Error | null {
  if (scopes.error) return scopes.error;
  return authorizer ? null : missingAuthorizer(tag);
}

function keyOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return `${error.name}:${typeof code === 'string' ? code : error.message}`;
}

export interface ProblemReporter {
  /** Calls `onError({ error })` when `problem` differs from the last one reported. */
  report(problem: Error | null, onError: unknown): void;
}

export function problemReporter(): ProblemReporter {
  let last: string | null = null;
  return {
    report(problem, onError) {
      const key = problem ? keyOf(problem) : null;
      if (key === last) return;
      last = key;
      if (problem) notify(onError, { error: problem });
    },
  };
}
