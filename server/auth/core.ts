/**
 * The auth server's parts put together: the store made ready once, the exchange, sessions by their
 * bearer id (stored as hashes), the grant keeper, the limits. The routes (handler.ts) and the public
 * methods (server.ts) both go through here.
 */
import type { UserInfo } from '../openapi/types';
import type { SessionRecord } from '../store/types';
import type { ResolvedOptions } from './options';
import { AuthServerError } from './answers';
import { digest } from './bytes';
import { createExchanger, type ExchangeRequest, type SessionView } from './exchange';
import { createGrantKeeper, sessionExpired } from './grants';
import { createLimits } from './limits';
import { createSealer } from './seal';
import { exchangeFields, isSessionId } from './requests';
import { narrowUserInfo } from './user-info';

export function createCore(o: ResolvedOptions) {
  const sealer = createSealer(o.tokenKeys);
  const exchanger = createExchanger(o, sealer);
  const grants = createGrantKeeper(o, sealer);
  let readiness: Promise<void> | null = null;

  /** Creates the store's tables once; a failure is thrown to every caller and tried again by the next. */
  function ready(): Promise<void> {
    readiness ??= o.store.init().catch((error) => {
      readiness = null;
      throw error;
    });
    return readiness;
  }

  /** The live session behind a bearer id (401 otherwise). */
  async function sessionOf(sessionId: string | null): Promise<SessionRecord> {
    if (!isSessionId(sessionId)) throw new AuthServerError(401, 'SESSION_EXPIRED', 'send Authorization: Bearer <sessionId>');
    const session = await o.store.findSession({ clientId: o.clientId, idHash: await digest('session-id', sessionId) });
    if (!session) throw sessionExpired();
    return session;
  }

  async function exchangeCode(request: ExchangeRequest): Promise<SessionView> {
    const fields = exchangeFields(request);
    await ready();
    return exchanger.exchange(fields);
  }

  const userInfo = async (session: SessionRecord): Promise<UserInfo> =>
    narrowUserInfo(await grants.withAccessToken(session, (token) => o.wallet.inquiryUserInfo(token, { timeoutMs: o.walletTimeoutMs })), session.scopes);

  return {
    store: o.store,
    ready,
    exchangeCode,
    sessionOf,
    userInfo,
    limits: createLimits(o),
    withAccessToken: grants.withAccessToken,
    pending: () => [...exchanger.pending(), ...grants.pending()],
  };
}

export type AuthCore = ReturnType<typeof createCore>;
