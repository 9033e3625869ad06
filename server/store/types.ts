/**
 * The store behind `createAuthServer`: a few atomic domain operations, not CRUD, because "exactly one
 * instance wins" cannot be built from reads and writes a store does not tie together. Every time the
 * operations compare (leases, expiries, windows) is the store's own clock (the database's), never an
 * instance's. `clientId` is part of every key: one store serves several miniapps.
 *
 * What a store keeps is never a secret in plain text: codes, idempotency keys and session ids arrive
 * as hashes, tokens and the replay copy of a session id arrive sealed.
 *
 * `miniapp-auth-kit/server/testing` exports the conformance suite every store must pass.
 */

/** Wallet tokens as the store keeps them: sealed, with the id of the key they were sealed under. */
export interface SealedTokens {
  accessToken: string;
  accessTokenExpiresAt: number | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: number | null;
  keyId: string;
}

export interface GrantRecord extends SealedTokens {
  id: string;
  clientId: string;
  customerId: string;
  /** Every scope granted so far, over every code of this customer. */
  scopes: string[];
  /** Moves on every change of the tokens (exchange, refresh): the compare-and-set of a refresh. */
  version: number;
  /** The wallet no longer honours the refresh token: the user must authorize again. */
  reauthRequired: boolean;
}

export interface SessionRecord {
  clientId: string;
  idHash: string;
  customerId: string;
  /** What this session was opened for (the code's scopes). */
  scopes: string[];
  expiresAt: number;
  grant: GrantRecord;
}

export type CodeState =
  | { kind: 'absent' }
  | { kind: 'pending'; idemHash: string | null; leaseExpired: boolean }
  /** `replay` only within the replay window. */
  | { kind: 'done'; idemHash: string | null; replay: { sealedSessionId: string; sessionHash: string } | null }
  | { kind: 'refused'; resultCode: string };

export type ClaimResult = { kind: 'claimed'; attempt: number } | Exclude<CodeState, { kind: 'absent' }>;

export interface CodeKey {
  clientId: string;
  codeHash: string;
}

export interface ExchangeCompletion extends CodeKey {
  /** The fencing token of the claim: the completion commits only while it is still the code's. */
  attempt: number;
  grant: SealedTokens & { customerId: string; scopes: string[] };
  session: { idHash: string; scopes: string[]; ttlMs: number };
  /** The session id sealed for a replay of the same request (null: the request came without an Idempotency-Key). */
  replay: { sealedSessionId: string; windowMs: number } | null;
}

export type RefreshLease = { kind: 'leased'; attempt: number } | { kind: 'moved'; grant: GrantRecord } | { kind: 'busy' } | { kind: 'gone' };

export interface GrantKey {
  clientId: string;
  grantId: string;
}

export interface AuthStore {
  /** Creates the tables when they are not there (several instances starting at once: one does it). */
  init(): Promise<void>;

  /**
   * Claims the code for an exchange (insert-if-absent on its hash) with a lease of `leaseMs`, or
   * answers what is known of it. A record older than `retainMs` counts as absent.
   */
  claimCode(input: CodeKey & { idemHash: string | null; leaseMs: number; retainMs: number }): Promise<ClaimResult>;
  /** What is known of the code, without claiming it. */
  readCode(key: CodeKey): Promise<CodeState>;
  /** Takes over a pending claim of the same idempotency key whose lease ended: the new attempt, or null (another instance took it, or it settled). */
  takeOverCode(input: CodeKey & { idemHash: string | null; leaseMs: number }): Promise<number | null>;
  /** The wallet refused the code: remembered (a fenced-out attempt changes nothing). */
  refuseCode(input: CodeKey & { attempt: number; resultCode: string }): Promise<boolean>;
  /** A retryable failure: ends this attempt's lease, so the same request may take the code over at once. */
  releaseCode(input: CodeKey & { attempt: number }): Promise<void>;
  /**
   * One transaction: the code done, the grant upserted by (client, customer) (scopes added up, tokens
   * replaced, version moved), the session inserted. Nothing is written when the attempt is no longer
   * the code's (`ok: false`).
   */
  completeExchange(input: ExchangeCompletion): Promise<{ ok: true; session: SessionRecord } | { ok: false }>;

  /** A live (unexpired) session with its grant, or null. */
  findSession(input: { clientId: string; idHash: string }): Promise<SessionRecord | null>;
  deleteSession(input: { clientId: string; idHash: string }): Promise<boolean>;

  readGrant(key: GrantKey): Promise<GrantRecord | null>;
  /** Leases the grant's refresh while its version is still `version` and no lease is live. */
  leaseRefresh(input: GrantKey & { version: number; leaseMs: number }): Promise<RefreshLease>;
  /** Compare-and-set: stores the rotated tokens when the version and the lease are still the caller's. */
  commitRefresh(input: GrantKey & { version: number; attempt: number; tokens: SealedTokens }): Promise<boolean>;
  releaseRefresh(input: GrantKey & { attempt: number }): Promise<void>;
  /** The refresh token is refused: the grant needs a new authorization (unless it moved meanwhile). */
  markReauth(input: GrantKey & { version: number }): Promise<void>;

  /** Counts one hit on `key` in the current window of `windowMs`. */
  hit(input: { clientId: string; key: string; windowMs: number; limit: number }): Promise<{ allowed: boolean; retryAfterMs: number }>;

  /** Drops what has expired (sessions, code records, replay copies, counters). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** A store that cannot serve now (a lock held elsewhere, a connection lost): retryable. */
export class StoreBusyError extends Error {
  readonly code = 'STORE_BUSY';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreBusyError';
  }
}

/** A store that cannot be used at all (a corrupt file, a schema of another version, a bad option). */
export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
