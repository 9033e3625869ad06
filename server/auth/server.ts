/**
 * `createAuthServer(options) → AuthServer`: the backend half of the flow the kit's `httpSubmitter`
 * talks to, as one fetch-API handler plus the same operations as methods.
 */
import { resolveOptions, type AuthServerOptions } from './options';
import { createCore } from './core';
import { createHandler, type FetchHandler } from './handler';
import { AuthServerError } from './answers';
import type { SessionView, ExchangeRequest } from './exchange';
import { isSessionId } from './requests';
import { digest } from './bytes';

export interface SessionInfo {
  customerId: string;
  scopes: string[];
  expiresAt: number;
}

export interface AuthServer {
  handler: FetchHandler;
  basePath: string;
  /** Creates the store's tables (the first request does it too); rejects with the store's error. */
  ready(): Promise<void>;
  exchangeCode(request: ExchangeRequest): Promise<SessionView>;
  /** The live session, or null. */
  getSession(sessionId: string): Promise<SessionInfo | null>;
  /** Calls `fn(accessToken)`; refreshes the grant once and calls it again when it rejects with a verified WalletError whose action is REFRESH (an answer the client could not verify changes nothing). */
  withAccessToken<T>(sessionId: string, fn: (accessToken: string) => Promise<T>): Promise<T>;
  /** Ends the session everywhere; false when there was none. */
  logout(sessionId: string): Promise<boolean>;
  /** Lets exchanges and refreshes under way finish, stops the sweeper, closes the store. */
  close(): Promise<void>;
}

const SWEEP_EVERY_MS = 10 * 60_000;

export function createAuthServer(options: AuthServerOptions): AuthServer {
  const o = resolveOptions(options);
  const core = createCore(o);
  const handler = createHandler(o, core);
  const sweeper = setInterval(() => void core.ready().then(() => o.store.sweep()).catch((error) => o.logger.warn(`sweep failed: ${String(error?.message ?? error)}`)), SWEEP_EVERY_MS);
  (sweeper as { unref?: () => void }).unref?.();
  let closing: Promise<void> | null = null;

  const idHashOf = async (sessionId: string) => {
    if (!isSessionId(sessionId)) throw new TypeError('sessionId must be a session id (as exchangeCode answered it).');
    await core.ready();
    return digest('session-id', sessionId);
  };

  return {
    handler,
    basePath: o.basePath,
    ready: core.ready,
    exchangeCode: core.exchangeCode,
    async getSession(sessionId) {
      const session = await o.store.findSession({ clientId: o.clientId, idHash: await idHashOf(sessionId) });
      return session && { customerId: session.customerId, scopes: session.scopes, expiresAt: session.expiresAt };
    },
    async withAccessToken(sessionId, fn) {
      if (typeof fn !== 'function') throw new TypeError('withAccessToken: fn must be a function (accessToken) => Promise.');
      await idHashOf(sessionId);
      return core.withAccessToken(await core.sessionOf(sessionId), fn);
    },
    async logout(sessionId) {
      return o.store.deleteSession({ clientId: o.clientId, idHash: await idHashOf(sessionId) });
    },
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        await Promise.all(core.pending());
        if (o.ownsWallet) o.wallet.close?.();
        await o.store.close();
      })();
      return closing;
    },
  };
}

export { AuthServerError };
