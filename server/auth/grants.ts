/**
 * The wallet tokens behind a session, kept fresh lazily: refreshed when they are about to expire or
 * when the wallet refused the access token (`action: 'REFRESH'`), never on a schedule. One instance at
 * a time refreshes a grant (a lease on the grant row, on the store's clock); it stores the rotated
 * tokens by compare-and-set on the grant's version; the others wait for the version to move and use
 * what it stored. A refresh token the wallet no longer honours marks the grant for a new authorization.
 */
import type { GrantRecord, SessionRecord } from '../store/types';
import type { ResolvedOptions } from './options';
import { AuthServerError, backendBusy } from './answers';
import { openToken, sealTokens } from './grant-seal';
import type { Sealer } from './seal';
import { toApiError, walletSaid } from './wallet-failures';
import { pollDelay, sleep, whileBusy, withDeadline } from './timing';

export const reauthRequired = () => new AuthServerError(401, 'REAUTH_REQUIRED', 'the wallet authorization has ended; authorize again');
export const sessionExpired = () => new AuthServerError(401, 'SESSION_EXPIRED', 'no live session; sign in again');

export function createGrantKeeper(o: ResolvedOptions, sealer: Sealer) {
  const { store, clientId } = o;
  /** Rotations under way in this instance, by grant id and version: callers share one. */
  const rotations = new Map<string, Promise<GrantRecord>>();

  const usable = (grant: GrantRecord): GrantRecord => {
    if (grant.reauthRequired) throw reauthRequired();
    return grant;
  };

  /** The grant after a rotation of `grant` (this instance's, or another's). */
  function rotate(grant: GrantRecord): Promise<GrantRecord> {
    const key = `${grant.id}@${grant.version}`;
    let pending = rotations.get(key);
    if (!pending) {
      pending = rotateOnce(grant).finally(() => rotations.delete(key));
      rotations.set(key, pending);
    }
    return pending;
  }

  async function rotateOnce(grant: GrantRecord): Promise<GrantRecord> {
    const ref = { clientId, grantId: grant.id };
    const deadline = Date.now() + o.leaseMs + 1000;
    for (;;) {
      const lease = await whileBusy(deadline, () => store.leaseRefresh({ ...ref, version: grant.version, leaseMs: o.leaseMs }));
      if (lease.kind === 'gone') throw sessionExpired();
      if (lease.kind === 'moved') return usable(lease.grant);
      if (lease.kind === 'leased') return refreshLeased(grant, lease.attempt);
      // Another instance is refreshing: wait for the version to move (or its lease to end).
      if (Date.now() >= deadline) throw backendBusy('the tokens are being refreshed; try again');
      await sleep(pollDelay());
      const now = await whileBusy(deadline, () => store.readGrant(ref));
      if (!now) throw sessionExpired();
      if (now.version !== grant.version) return usable(now);
    }
  }

  async function refreshLeased(grant: GrantRecord, attempt: number): Promise<GrantRecord> {
    const ref = { clientId, grantId: grant.id };
    if (grant.reauthRequired || grant.refreshToken === null || (grant.refreshTokenExpiresAt !== null && grant.refreshTokenExpiresAt <= Date.now())) {
      await store.markReauth({ ...ref, version: grant.version });
      throw reauthRequired();
    }
    let fresh;
    try {
      const refreshToken = await openToken(sealer, grant, 'refresh_token');
      fresh = await withDeadline(o.walletTimeoutMs, 'applyToken', (signal) => o.wallet.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken }, { timeoutMs: o.walletTimeoutMs, signal }));
    } catch (error) {
      if (walletSaid(error, 'REAUTHORIZE')) {
        // USED_REFRESH_TOKEN: perhaps another instance rotated it (one whose lease this one outlived).
        const now = await store.readGrant(ref);
        if (now && now.version !== grant.version) return usable(now);
        await store.markReauth({ ...ref, version: grant.version });
        throw reauthRequired();
      }
      await store.releaseRefresh({ ...ref, attempt }).catch(() => undefined);
      throw toApiError(error, 'applyToken (REFRESH_TOKEN)', o.logger);
    }
    const tokens = await sealTokens(sealer, clientId, grant.customerId, fresh);
    const stored = await whileBusy(Date.now() + o.leaseMs, () => store.commitRefresh({ ...ref, version: grant.version, attempt, tokens }));
    const now = stored ? null : await store.readGrant(ref);
    if (!stored && !now) throw sessionExpired();
    return stored ? { ...grant, ...tokens, version: grant.version + 1, reauthRequired: false } : usable(now as GrantRecord);
  }

  const dueForRefresh = (grant: GrantRecord) => grant.accessTokenExpiresAt !== null && grant.accessTokenExpiresAt - o.refreshMarginMs <= Date.now();

  /**
   * Calls `fn` with the session's access token (refreshed first when due); when `fn` rejects with a
   * verified WalletError whose action is REFRESH (the wallet's own word, not an unsigned answer),
   * refreshes once and calls it again.
   */
  async function withAccessToken<T>(session: SessionRecord, fn: (accessToken: string) => Promise<T>): Promise<T> {
    let grant = usable(session.grant);
    if (dueForRefresh(grant)) grant = await rotate(grant);
    try {
      return await fn(await openToken(sealer, grant, 'access_token'));
    } catch (error) {
      if (!walletSaid(error, 'REFRESH')) throw error;
      grant = await rotate(grant);
      return fn(await openToken(sealer, grant, 'access_token'));
    }
  }

  return { withAccessToken, pending: () => [...rotations.values()].map((p) => p.catch(() => undefined)) };
}

export type GrantKeeper = ReturnType<typeof createGrantKeeper>;
