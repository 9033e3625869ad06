/**
 * The exchange of an auth code for a session, correct with any number of instances on one store:
 * 1. claim the code (insert-if-absent on its hash) with a lease on the store's clock, before the wallet
 *    is called: of all instances, one holds it;
 * 2. others read the record: a refusal answers the same refusal; a done exchange gives its session
 *    back to the same request (same Idempotency-Key) within the replay window, `USED_CODE` otherwise;
 *    a pending one with another key (or none) is `USED_CODE`, with the same key the request waits for
 *    the first one's result, and takes the claim over when its lease ends (exactly one instance does);
 * 3. completion is one store transaction fenced by the claim's attempt number: an owner whose claim
 *    was taken over commits nothing.
 */
import type { TokenGrant } from '../openapi/types';
import type { CodeKey, CodeState, ClaimResult, SessionRecord } from '../store/types';
import type { ResolvedOptions } from './options';
import { backendBusy, codeUsed } from './answers';
import { digest, randomId, sameText } from './bytes';
import { derivedSealer, type Sealer } from './seal';
import { sealTokens } from './grant-seal';
import { codeRefusal, refusedCode, toApiError } from './wallet-failures';
import { pollDelay, sleep, whileBusy, withDeadline } from './timing';

export interface SessionView {
  sessionId: string;
  customerId: string;
  scopes: string[];
  expiresAt: number;
}

export interface ExchangeRequest {
  authCode: string;
  scopes: string[];
  idempotencyKey?: string;
  /**
   * A live session of the same customer this exchange adds to (incremental authorization): the new
   * session covers its scopes too. Ignored when it is not live or not the same customer's.
   */
  sessionId?: string;
}

const view = (sessionId: string, s: SessionRecord): SessionView => ({ sessionId, customerId: s.customerId, scopes: s.scopes, expiresAt: s.expiresAt });

/** The replay copy of a session id opens only with the code and the key of the request that made it. */
const replaySealer = (clientId: string, authCode: string, idempotencyKey: string) => derivedSealer('miniapp-auth-kit replay', clientId, authCode, idempotencyKey);
const replayAad = (k: CodeKey) => `mak_codes.replay:${k.clientId}:${k.codeHash}`;

export function createExchanger(o: ResolvedOptions, sealer: Sealer) {
  const { store, clientId } = o;
  /** Exchanges under way in this instance, by code hash: the same request shares one. */
  const underWay = new Map<string, { idemHash: string | null; promise: Promise<SessionView> }>();

  async function exchange(request: ExchangeRequest): Promise<SessionView> {
    const codeHash = await digest('auth-code', request.authCode);
    const idemHash = request.idempotencyKey === undefined ? null : await digest('idempotency-key', request.idempotencyKey);
    const current = underWay.get(codeHash);
    if (current) {
      if (idemHash !== null && current.idemHash !== null && sameText(current.idemHash, idemHash)) return current.promise;
      throw codeUsed();
    }
    const promise = settle(request, { clientId, codeHash }, idemHash).finally(() => underWay.delete(codeHash));
    underWay.set(codeHash, { idemHash, promise });
    return promise;
  }

  async function settle(request: ExchangeRequest, key: CodeKey, idemHash: string | null): Promise<SessionView> {
    // Before the wallet is called, a busy store is worth a short wait at most: then a retryable 503.
    const claimDeadline = Date.now() + 1500;
    const waitDeadline = Date.now() + o.leaseMs + 1000;
    let state: ClaimResult | CodeState = await whileBusy(claimDeadline, () => store.claimCode({ ...key, idemHash, leaseMs: o.leaseMs, retainMs: o.codeRetentionMs }));
    for (;;) {
      switch (state.kind) {
        case 'claimed':
          return callWallet(request, key, state.attempt);
        case 'refused':
          throw codeRefusal(state.resultCode);
        case 'done':
          return replay(request, key, idemHash, state);
        case 'absent':
          state = await whileBusy(claimDeadline, () => store.claimCode({ ...key, idemHash, leaseMs: o.leaseMs, retainMs: o.codeRetentionMs }));
          continue;
        case 'pending': {
          if (idemHash === null || state.idemHash === null || !sameText(state.idemHash, idemHash)) throw codeUsed();
          if (state.leaseExpired) {
            const attempt = await whileBusy(claimDeadline, () => store.takeOverCode({ ...key, idemHash, leaseMs: o.leaseMs }));
            if (attempt !== null) return callWallet(request, key, attempt);
          }
          if (Date.now() >= waitDeadline) throw backendBusy('this code is being exchanged; try again');
          await sleep(pollDelay());
          state = await whileBusy(waitDeadline, () => store.readCode(key));
        }
      }
    }
  }

  async function callWallet(request: ExchangeRequest, key: CodeKey, attempt: number): Promise<SessionView> {
    let grant: TokenGrant;
    try {
      grant = await withDeadline(o.walletTimeoutMs, 'applyToken', (signal) => o.wallet.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: request.authCode }, { timeoutMs: o.walletTimeoutMs, signal }));
    } catch (error) {
      const refused = refusedCode(error);
      // A refusal settles the code for good (made-up codes cost one signed call each, not one per try);
      // anything else ends this attempt's lease, so the same request may try again at once.
      await (refused ? store.refuseCode({ ...key, attempt, resultCode: refused }) : store.releaseCode({ ...key, attempt })).catch(() => undefined);
      throw toApiError(error, 'applyToken (AUTHORIZATION_CODE)', o.logger);
    }
    try {
      return await complete(request, key, attempt, grant);
    } catch (error) {
      await store.releaseCode({ ...key, attempt }).catch(() => undefined);
      throw error;
    }
  }

  /** The session's scopes: the code's, and those of the earlier session it adds to when that one is the same customer's. */
  async function sessionScopes(request: ExchangeRequest, customerId: string): Promise<string[]> {
    if (request.sessionId === undefined) return request.scopes;
    const earlier = await store.findSession({ clientId, idHash: await digest('session-id', request.sessionId) }).catch(() => null);
    return earlier && earlier.customerId === customerId ? [...new Set([...earlier.scopes, ...request.scopes])] : request.scopes;
  }

  async function complete(request: ExchangeRequest, key: CodeKey, attempt: number, grant: TokenGrant): Promise<SessionView> {
    const sessionId = randomId();
    const [idHash, tokens, sealedSessionId, scopes] = await Promise.all([
      digest('session-id', sessionId),
      sealTokens(sealer, clientId, grant.customerId, grant),
      request.idempotencyKey === undefined ? null : replaySealer(clientId, request.authCode, request.idempotencyKey).then((s) => s.seal(sessionId, replayAad(key))),
      sessionScopes(request, grant.customerId),
    ]);
    // The wallet has spent the code: the store gets the whole lease to take the result.
    const done = await whileBusy(Date.now() + o.leaseMs, () =>
      store.completeExchange({
        ...key,
        attempt,
        grant: { ...tokens, customerId: grant.customerId, scopes: request.scopes },
        session: { idHash, scopes, ttlMs: o.sessionTtlMs },
        replay: sealedSessionId === null ? null : { sealedSessionId, windowMs: o.replayWindowMs },
      }),
    );
    // Fenced out: another instance took the claim over (this one outlived its lease).
    if (!done.ok) throw codeUsed();
    o.logger.info?.(`code exchanged; session opened for customer ${grant.customerId}`);
    return view(sessionId, done.session);
  }

  async function replay(request: ExchangeRequest, key: CodeKey, idemHash: string | null, state: Extract<CodeState, { kind: 'done' }>): Promise<SessionView> {
    if (idemHash === null || state.idemHash === null || !sameText(state.idemHash, idemHash) || !state.replay || request.idempotencyKey === undefined) throw codeUsed();
    let sessionId: string;
    try {
      sessionId = await (await replaySealer(clientId, request.authCode, request.idempotencyKey)).open(state.replay.sealedSessionId, replayAad(key));
    } catch {
      throw codeUsed();
    }
    const session = await store.findSession({ clientId, idHash: state.replay.sessionHash });
    if (!session) throw codeUsed();
    return view(sessionId, session);
  }

  return {
    exchange,
    /** Exchanges under way here (to let them finish on close). */
    pending: () => [...underWay.values()].map((e) => e.promise.catch(() => undefined)),
  };
}

export type Exchanger = ReturnType<typeof createExchanger>;
