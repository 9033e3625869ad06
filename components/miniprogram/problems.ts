/**
 * Why a component cannot ask the wallet: no authorizer provided yet, or bad `scopes`. It renders
 * disabled and reports the reason once through `props.onError`, again only when the reason changes.
 */
import type { Authorizer } from '../../utils';
import type { Follower } from './follow';
import { readScopes, type ScopesProp } from './props';
import { notify } from './notify';

/** The error a component reports when it is mounted before `provideAuthorizer`. */
function missingAuthorizer(tag: string): TypeError {
  return new TypeError(`<${tag}> has no authorizer: call provideAuthorizer(authorizer) in app.js first.`);
}

export function problemOf(tag: string, authorizer: Authorizer | null, scopes: ScopesProp): Error | null {
  if (scopes.error) return scopes.error;
  return authorizer ? null : missingAuthorizer(tag);
}

/** A component that asks with its `scopes` prop through its follower's authorizer. */
interface Asking {
  follower: Follower;
  problems: ProblemReporter;
  props: Readonly<{ scopes?: unknown; onError?: unknown }>;
}

/** The component's problem now (its props and authorizer as they are). */
export function currentProblem(tag: string, component: Asking): Error | null {
  return problemOf(tag, component.follower.current(), readScopes(component.props.scopes));
}

/** Reports the component's problem now, unless it was the last one reported. */
export function reportProblem(tag: string, component: Asking): void {
  component.problems.report(currentProblem(tag, component), component.props);
}

function keyOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return `${error.name}:${typeof code === 'string' ? code : error.message}`;
}

export interface ProblemReporter {
  /** Calls the component's `onError({ error })` when `problem` differs from the last one reported. */
  report(problem: Error | null, props: object): void;
}

export function problemReporter(): ProblemReporter {
  let last: string | null = null;
  return {
    report(problem, props) {
      const key = problem ? keyOf(problem) : null;
      if (key === last) return;
      last = key;
      if (problem) notify(props, 'onError', { error: problem });
    },
  };
}
