/**
 * `memoryStore()`: the store of one process (tests, a single instance, development). Every operation
 * runs to its end without yielding, so each is atomic; its clock is the process's (or `now`).
 */
import type { AuthStore, ClaimResult, CodeKey, CodeState, ExchangeCompletion, GrantRecord, RefreshLease, SealedTokens, SessionRecord } from './types';

interface CodeRow {
  idemHash: string | null;
  state: 'pending' | 'done' | 'refused';
  attempt: number;
  leaseUntil: number;
  resultCode: string | null;
  sessionHash: string | null;
  sealedSessionId: string | null;
  replayUntil: number;
  expiresAt: number;
}

interface GrantRow extends GrantRecord {
  refreshAttempt: number;
  refreshLeaseUntil: number;
}

interface SessionRow {
  grantId: string;
  customerId: string;
  scopes: string[];
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** The store's clock (default `Date.now`). */
  now?: () => number;
}

const sep = '\u0000';
const key = (...parts: string[]) => parts.join(sep);

export function memoryStore(options: MemoryStoreOptions = {}): AuthStore {
  if (typeof options !== 'object' || options === null) throw new TypeError('memoryStore: options must be an object.');
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('memoryStore: now must be a function.');
  const now = options.now ?? Date.now;
  const codes = new Map<string, CodeRow>();
  const grants = new Map<string, GrantRow>();
  const grantByCustomer = new Map<string, string>();
  const sessions = new Map<string, SessionRow>();
  const counters = new Map<string, { windowStart: number; count: number; expiresAt: number }>();
  let nextGrant = 1;

  const liveCode = (k: CodeKey): CodeRow | undefined => {
    const row = codes.get(key(k.clientId, k.codeHash));
    return row && row.expiresAt > now() ? row : undefined;
  };

  function stateOf(row: CodeRow | undefined): CodeState {
    if (!row) return { kind: 'absent' };
    const t = now();
    if (row.state === 'refused') return { kind: 'refused', resultCode: row.resultCode as string };
    if (row.state === 'pending') return { kind: 'pending', idemHash: row.idemHash, leaseExpired: row.leaseUntil <= t };
    const replay = row.replayUntil > t && row.sealedSessionId && row.sessionHash ? { sealedSessionId: row.sealedSessionId, sessionHash: row.sessionHash } : null;
    return { kind: 'done', idemHash: row.idemHash, replay };
  }

  const grantCopy = (row: GrantRow): GrantRecord => {
    const { refreshAttempt: _a, refreshLeaseUntil: _l, ...grant } = row;
    return { ...grant, scopes: [...grant.scopes] };
  };

  function sessionRecord(clientId: string, idHash: string, row: SessionRow): SessionRecord | null {
    const grant = grants.get(row.grantId);
    if (!grant || row.expiresAt <= now()) return null;
    return { clientId, idHash, customerId: row.customerId, scopes: [...row.scopes], expiresAt: row.expiresAt, grant: grantCopy(grant) };
  }

  function upsertGrant(clientId: string, g: ExchangeCompletion['grant']): GrantRow {
    const ck = key(clientId, g.customerId);
    const id = grantByCustomer.get(ck);
    const existing = id === undefined ? undefined : grants.get(id);
    const tokens: SealedTokens = { accessToken: g.accessToken, accessTokenExpiresAt: g.accessTokenExpiresAt, refreshToken: g.refreshToken, refreshTokenExpiresAt: g.refreshTokenExpiresAt, keyId: g.keyId };
    if (existing) {
      Object.assign(existing, tokens, { scopes: [...new Set([...existing.scopes, ...g.scopes])].sort(), version: existing.version + 1, reauthRequired: false, refreshLeaseUntil: 0 });
      return existing;
    }
    const row: GrantRow = { id: String(nextGrant++), clientId, customerId: g.customerId, scopes: [...new Set(g.scopes)].sort(), version: 1, reauthRequired: false, refreshAttempt: 0, refreshLeaseUntil: 0, ...tokens };
    grants.set(row.id, row);
    grantByCustomer.set(ck, row.id);
    return row;
  }

  const grantOf = (clientId: string, grantId: string): GrantRow | undefined => {
    const row = grants.get(grantId);
    return row && row.clientId === clientId ? row : undefined;
  };

  return {
    async init() {},

    async claimCode(input): Promise<ClaimResult> {
      const existing = liveCode(input);
      if (existing) return stateOf(existing) as ClaimResult;
      const t = now();
      codes.set(key(input.clientId, input.codeHash), {
        idemHash: input.idemHash, state: 'pending', attempt: 1, leaseUntil: t + input.leaseMs, resultCode: null,
        sessionHash: null, sealedSessionId: null, replayUntil: 0, expiresAt: t + input.retainMs,
      });
      return { kind: 'claimed', attempt: 1 };
    },

    async readCode(k) {
      return stateOf(liveCode(k));
    },

    async takeOverCode(input) {
      const row = liveCode(input);
      if (!row || row.state !== 'pending' || row.leaseUntil > now() || row.idemHash !== input.idemHash) return null;
      row.attempt += 1;
      row.leaseUntil = now() + input.leaseMs;
      return row.attempt;
    },

    async refuseCode(input) {
      const row = liveCode(input);
      if (!row || row.state !== 'pending' || row.attempt !== input.attempt) return false;
      Object.assign(row, { state: 'refused', resultCode: input.resultCode, leaseUntil: 0 });
      return true;
    },

    async releaseCode(input) {
      const row = liveCode(input);
      if (row && row.state === 'pending' && row.attempt === input.attempt) row.leaseUntil = now();
    },

    async completeExchange(input) {
      const row = liveCode(input);
      if (!row || row.state !== 'pending' || row.attempt !== input.attempt) return { ok: false };
      const t = now();
      const grant = upsertGrant(input.clientId, input.grant);
      const session: SessionRow = { grantId: grant.id, customerId: grant.customerId, scopes: [...new Set(input.session.scopes)], expiresAt: t + input.session.ttlMs };
      sessions.set(key(input.clientId, input.session.idHash), session);
      Object.assign(row, { state: 'done', leaseUntil: 0, sessionHash: input.session.idHash, sealedSessionId: input.replay?.sealedSessionId ?? null, replayUntil: input.replay ? t + input.replay.windowMs : 0 });
      return { ok: true, session: sessionRecord(input.clientId, input.session.idHash, session) as SessionRecord };
    },

    async findSession({ clientId, idHash }) {
      const row = sessions.get(key(clientId, idHash));
      return row ? sessionRecord(clientId, idHash, row) : null;
    },

    async deleteSession({ clientId, idHash }) {
      const k = key(clientId, idHash);
      const row = sessions.get(k);
      sessions.delete(k);
      return row !== undefined && row.expiresAt > now();
    },

    ...grantMethods(now, grantOf, grantCopy),
    ...counterMethods(now, codes, sessions, counters),

    async close() {},
  };
}

/** The grant's refresh lease and compare-and-set, over the rows memoryStore keeps. */
function grantMethods(now: () => number, grantOf: (clientId: string, grantId: string) => GrantRow | undefined, grantCopy: (row: GrantRow) => GrantRecord): Pick<AuthStore, 'readGrant' | 'leaseRefresh' | 'commitRefresh' | 'releaseRefresh' | 'markReauth'> {
  return {
    async readGrant({ clientId, grantId }) {
      const row = grantOf(clientId, grantId);
      return row ? grantCopy(row) : null;
    },

    async leaseRefresh(input): Promise<RefreshLease> {
      const row = grantOf(input.clientId, input.grantId);
      if (!row) return { kind: 'gone' };
      if (row.version !== input.version) return { kind: 'moved', grant: grantCopy(row) };
      if (row.refreshLeaseUntil > now()) return { kind: 'busy' };
      row.refreshAttempt += 1;
      row.refreshLeaseUntil = now() + input.leaseMs;
      return { kind: 'leased', attempt: row.refreshAttempt };
    },

    async commitRefresh(input) {
      const row = grantOf(input.clientId, input.grantId);
      if (!row || row.version !== input.version || row.refreshAttempt !== input.attempt) return false;
      Object.assign(row, input.tokens, { version: row.version + 1, refreshLeaseUntil: 0, reauthRequired: false });
      return true;
    },

    async releaseRefresh(input) {
      const row = grantOf(input.clientId, input.grantId);
      if (row && row.refreshAttempt === input.attempt) row.refreshLeaseUntil = 0;
    },

    async markReauth(input) {
      const row = grantOf(input.clientId, input.grantId);
      if (row && row.version === input.version) Object.assign(row, { reauthRequired: true, refreshLeaseUntil: 0 });
    },
  };
}

/** Attempt counters, and the sweep of what has expired. */
function counterMethods(now: () => number, codes: Map<string, CodeRow>, sessions: Map<string, SessionRow>, counters: Map<string, { windowStart: number; count: number; expiresAt: number }>): Pick<AuthStore, 'hit' | 'sweep'> {
  return {
    async hit({ clientId, key: name, windowMs, limit }) {
      const t = now();
      const windowStart = Math.floor(t / windowMs) * windowMs;
      const k = key(clientId, name);
      const row = counters.get(k);
      const count = row && row.windowStart === windowStart ? row.count + 1 : 1;
      counters.set(k, { windowStart, count, expiresAt: windowStart + windowMs });
      return { allowed: count <= limit, retryAfterMs: count <= limit ? 0 : windowStart + windowMs - t };
    },

    async sweep() {
      const t = now();
      for (const [k, row] of codes) if (row.expiresAt <= t) codes.delete(k);
      for (const row of codes.values()) if (row.replayUntil <= t) row.sealedSessionId = null;
      for (const [k, row] of sessions) if (row.expiresAt <= t) sessions.delete(k);
      for (const [k, row] of counters) if (row.expiresAt <= t) counters.delete(k);
    },
  };
}
