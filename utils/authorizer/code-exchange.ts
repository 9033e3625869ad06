/**
 * The submission pipeline: each code is submitted at most once, never past its age; after a
 * refused code, one fresh code is submitted once; what the backend answers is kept only if it can
 * be stored and does not carry the code.
 */
import { AuthError, scopeError } from '../errors';
import { mentionsCode, submitError, unusableAnswer } from '../submit-errors';
import { aborted, type CodeResult, type Flight, type SetStatus } from './flight';
import type { ResolvedAuthorizerOptions } from './options';

/** What the backend answered for some of the scopes asked for. */
export interface Exchanged {
  data: unknown;
  scopes: string[];
}

export type CodeExchange = (flight: Flight, scopes: string[], first: CodeResult) => Promise<Exchanged>;

/** The answer as it will be stored (a JSON copy), or the reason it cannot be (it carries a code of the exchange). */
function storable(data: unknown, codes: string[], scopes: string[]): unknown {
  let copy: unknown = null;
  try {
    // A function or a symbol has no JSON: JSON.parse(undefined) throws too.
    if (data !== undefined) copy = JSON.parse(JSON.stringify(data) as string);
  } catch {
    throw unusableAnswer(scopes, 'not JSON');
  }
  if (mentionsCode(copy, codes)) throw unusableAnswer(scopes, 'echo');
  return copy;
}

/**
 * `fetchCode`: a fresh code for scopes just granted (the wallet answers without a prompt); `submit`,
 * `now` and `codeMaxAgeMs` are the authorizer's options.
 */
export function createCodeExchange(
  { submit, now, codeMaxAgeMs }: Pick<ResolvedAuthorizerOptions, 'submit' | 'now' | 'codeMaxAgeMs'>,
  setStatus: SetStatus,
  fetchCode: (flight: Flight, scopes: string[]) => Promise<CodeResult>,
): CodeExchange {
  /** Submits `result`'s code; `codes`: every code of the exchange, which no answer or error may carry. */
  async function submitOnce(flight: Flight, scopes: string[], result: CodeResult, codes: string[]): Promise<unknown> {
    const signal = flight.controller_.signal;
    if (signal.aborted) throw aborted(scopes);
    // A code past its age is never submitted: treated as refused (one fresh code follows).
    if (now() - result.obtainedAt_ > codeMaxAgeMs) throw scopeError('CODE_REJECTED', scopes);
    setStatus(flight, 'submitting');
    let data: unknown;
    try {
      data = await submit(result.authCode, { scopes: [...scopes], attempt: codes.length, signal });
    } catch (error) {
      throw signal.aborted ? aborted(scopes) : submitError(error, scopes, codes);
    }
    if (signal.aborted) throw aborted(scopes);
    return storable(data, codes, scopes);
  }

  const refused = (error: unknown): error is AuthError => error instanceof AuthError && error.code === 'CODE_REJECTED';

  return async (flight, scopes, first) => {
    try {
      return { data: await submitOnce(flight, scopes, first, [first.authCode]), scopes };
    } catch (error) {
      if (!refused(error)) throw error;
    }
    const fresh = await fetchCode(flight, scopes);
    // The wallet may have asked again and the user refused some: the rest goes on.
    const freshScopes = scopes.filter((s) => fresh.grantedScopes.includes(s));
    if (!freshScopes[0]) throw scopeError('CODE_REJECTED', scopes);
    try {
      // An answer carrying the refused code is refused too.
      return { data: await submitOnce(flight, freshScopes, fresh, [first.authCode, fresh.authCode]), scopes: freshScopes };
    } catch (error) {
      throw refused(error) ? new AuthError('CODE_REJECTED', { scopes, platformCode: error.platformCode }) : error;
    }
  };
}
