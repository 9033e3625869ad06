/**
 * Attempts that cost a wallet call, counted in the store (so the limit holds across instances): per
 * client address on `/session`, per session on the routes a session calls the wallet from. Past the limit: 429 with `Retry-After`, and nothing is called.
 */
import type { ResolvedOptions } from './options';
import { AuthServerError } from './answers';
import { clientKey } from './client-address';

export function createLimits(o: ResolvedOptions) {
  async function take(key: string, limit: number): Promise<void> {
    if (!o.attemptLimit) return;
    const { allowed, retryAfterMs } = await o.store.hit({ clientId: o.clientId, key, windowMs: o.attemptLimit.windowMs, limit });
    if (!allowed) {
      const seconds = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
      throw new AuthServerError(429, 'TOO_MANY_ATTEMPTS', 'too many attempts; try again later', { headers: { 'Retry-After': seconds } });
    }
  }
  return {
    /** One exchange attempt of the client at `address`. */
    exchange: (address: string) => take(`exchange:${clientKey(address)}`, o.attemptLimit?.perClient ?? 0),
    /** One wallet call on behalf of a session. */
    sessionCall: (idHash: string) => take(`session:${idHash}`, o.attemptLimit?.perSession ?? 0),
  };
}
