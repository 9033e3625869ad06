/**
 * Shared pieces of the load tests: a miniapp session driven through the kit itself (createAuthorizer +
 * httpSubmitter + the wallet simulator minting its codes at the server's `/sim/codes`), a bounded worker
 * pool, latency figures, and a read-only look at the auth server's SQLite file.
 *
 * Everything talks to 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { AuthError, createAuthorizer, httpSubmitter, memoryStorage } from '../../utils';
import type { Authorizer } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { report } from '../support/verbose';

// The loader of the server's ES modules and the temp-dir helpers are the demo-server tests' own.
import { loadServerModule } from '../demo-server/helpers';
export { loadServerModule, removeDir, tempDir } from '../demo-server/helpers';

/** The load tests' own child scripts (run-servers.mjs, run-backend.mjs, open-store.mjs). */
export const fixture = (name: string): string => path.resolve(__dirname, 'fixtures', name);

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`load tests talk to 127.0.0.1 only, not ${hostname}`);
}

/**
 * The wallet simulator in this process, on 127.0.0.1, with the keys of the data directory (created now
 * when missing; a demo child started on `dataDir` reads the same). `extra` goes to `createWalletOpenApi`.
 */
export async function startConfigWallet(dataDir: string, extra: Record<string, unknown> = {}): Promise<{ wallet: any; url: string }> {
  const config = (await loadServerModule('keys.mjs')).loadDemoConfig({ dataDir, env: {} });
  const wallet = (await loadServerModule('wallet-openapi.mjs')).createWalletOpenApi({
    clientId: config.clientId,
    merchantPublicKeyPem: config.merchantPublicKeyPem,
    walletPrivateKeyPem: config.walletPrivateKeyPem,
    merchantKeyVersion: config.keyVersion,
    ...extra,
  });
  const { url } = await wallet.listen(0, '127.0.0.1');
  assertLoopback(url);
  return { wallet, url };
}

/** What the backend answers `POST /api/auth/session` with. */
export interface SessionData {
  sessionId: string;
  customerId?: string;
  scopes: string[];
  expiresAt: number;
}

export interface MiniappSession {
  readonly index: number;
  readonly customerId: string;
  readonly scopes: string[];
  readonly authorizer: Authorizer;
  /** Every code the wallet minted for this miniapp session, in order. */
  readonly codes: string[];
}

/**
 * One miniapp session: its own `my` (the kit's wallet simulator, minting real codes at the server's
 * `/sim/codes`), its own authorizer with `httpSubmitter` posting to `/api/auth/session`, its own storage.
 * `baseUrl` is read on every call, so a session outlives a server restart on another port.
 */
export function miniappSession(
  baseUrl: () => string,
  index: number,
  options: { customerId?: string; scopes?: string[]; walletUrl?: () => string } = {},
): MiniappSession {
  const walletUrl = options.walletUrl ?? baseUrl;
  const customerId = options.customerId ?? `load-${index}`;
  const scopes = options.scopes ?? ['auth_base'];
  const codes: string[] = [];
  const wallet = createWalletSimulator({
    customerId,
    async issueCode(granted, customer) {
      const authCode = await mintCode(walletUrl(), customer, granted);
      codes.push(authCode);
      return authCode;
    },
  });
  // The URL is checked once by httpSubmitter, so the submit hook re-creates it when the base URL moves.
  let submitFor = '';
  let submitter = httpSubmitter({ url: `${baseUrl()}/api/auth/session`, host: null });
  const authorizer = createAuthorizer({
    host: wallet.my,
    submit: (authCode, ctx) => {
      const url = `${baseUrl()}/api/auth/session`;
      if (url !== submitFor) {
        submitFor = url;
        submitter = httpSubmitter({ url, host: null });
      }
      return submitter(authCode, ctx);
    },
    storage: memoryStorage(),
    engagementTarget: null,
  });
  return { index, customerId, scopes, authorizer, codes };
}

export interface Outcome {
  session: MiniappSession;
  data: SessionData | null;
  /** authorize() calls made (1 = first try succeeded). */
  attempts: number;
  /** Error codes of the failed attempts, e.g. BACKEND_ERROR. */
  errors: string[];
  ms: number;
}

/**
 * Authorizes like an application does: `authorize(scopes)` (with a gesture for consent scopes); a
 * retryable error (BACKEND_ERROR from a 503) is retried by calling authorize again (the kit then gets a
 * fresh code), a bounded number of times and within a deadline.
 */
export async function authorizeWithRetry(
  session: MiniappSession,
  { maxAttempts = 1, retryDelayMs = 100, deadline = Infinity }: { maxAttempts?: number; retryDelayMs?: number; deadline?: number } = {},
): Promise<Outcome> {
  const started = performance.now();
  const errors: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await session.authorizer.authorize(session.scopes, { gesture: true });
      return { session, data: result.data as SessionData, attempts: attempt, errors, ms: performance.now() - started };
    } catch (error) {
      errors.push(error instanceof AuthError ? `${error.code}${error.retryable ? '(retryable)' : ''}` : String(error));
      const retryable = error instanceof AuthError && error.retryable;
      if (!retryable || attempt >= maxAttempts || Date.now() + retryDelayMs > deadline) {
        return { session, data: null, attempts: attempt, errors, ms: performance.now() - started };
      }
      await sleep(retryDelayMs);
    }
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Figures of a load run print only with `MAK_VERBOSE=1` (the test run stays quiet otherwise). */
export { report };

export function figures(label: string, outcomes: Outcome[], elapsedMs: number, extra: Record<string, unknown> = {}): string {
  const ok = outcomes.filter((o) => o.data);
  const ms = ok.map((o) => o.ms);
  const line =
    `[load] ${label}: ${ok.length}/${outcomes.length} sessions in ${(elapsedMs / 1000).toFixed(2)} s ` +
    `(${((ok.length * 1000) / elapsedMs).toFixed(1)} exchanges/s); per session p50 ${percentile(ms, 50).toFixed(0)} ms, ` +
    `p95 ${percentile(ms, 95).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms` +
    Object.entries(extra)
      .map(([k, v]) => `; ${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('');
  report(line);
  return line;
}

/** Counts of each error code over all outcomes. */
export function errorTally(outcomes: Outcome[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const o of outcomes) for (const e of o.errors) tally[e] = (tally[e] ?? 0) + 1;
  return tally;
}

export interface DbSnapshot {
  /** Session id hashes (`sessionHash`). */
  sessions: Set<string>;
  /** Each session's grant row and scopes. */
  sessionsByHash: Map<string, { grantId: number; scopes: string[] }>;
  /**
   * Code hashes (`codeHash`) of done exchanges, and of claims still held (pending under a live lease). A
   * code whose exchange failed transiently is released (pending, its lease ended): free for a resend.
   */
  codesDone: Set<string>;
  codesPending: Set<string>;
  /** One grant row per customer. */
  grantRows: number;
}

/** How the auth server stores a session id and a code: SHA-256 under a purpose label, hex. */
export const sessionHash = (sessionId: string): string => sha256(`session-id\0${sessionId}`);
export const codeHash = (authCode: string): string => sha256(`auth-code\0${authCode}`);

/** Reads the auth server's SQLite file read-only (WAL: a reader sees every committed transaction). */
export function readDb(dbPath: string): DbSnapshot {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const sessionsByHash = new Map<string, { grantId: number; scopes: string[] }>();
    for (const row of db.prepare('SELECT id_hash, grant_id, scopes FROM mak_sessions').all() as { id_hash: string; grant_id: number; scopes: string }[]) {
      sessionsByHash.set(row.id_hash, { grantId: row.grant_id, scopes: JSON.parse(row.scopes) });
    }
    const codesDone = new Set<string>();
    const codesPending = new Set<string>();
    const now = Date.now();
    for (const row of db.prepare('SELECT code_hash, state, lease_until FROM mak_codes').all() as { code_hash: string; state: string; lease_until: number | null }[]) {
      if (row.state === 'done') codesDone.add(row.code_hash);
      else if (row.state === 'pending' && row.lease_until !== null && row.lease_until > now) codesPending.add(row.code_hash);
    }
    const grantRows = (db.prepare('SELECT count(*) AS n FROM mak_grants').get() as { n: number }).n;
    return { sessions: new Set(sessionsByHash.keys()), sessionsByHash, codesDone, codesPending, grantRows };
  } finally {
    db.close();
  }
}

/** A code minted by the simulated wallet at `walletUrl` (its loopback-only `/sim/codes`). */
export async function mintCode(walletUrl: string, customerId: string, scopes: string[] = ['auth_base']): Promise<string> {
  const response = await fetch(`${walletUrl}/sim/codes`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scopes, customerId }),
  });
  if (!response.ok) throw new Error(`/sim/codes answered HTTP ${response.status}`);
  return ((await response.json()) as { authCode: string }).authCode;
}

/** `POST /api/auth/session` as the kit's httpSubmitter sends it, with `Idempotency-Key: key` when given. */
export async function postSession(baseUrl: string, authCode: string, key?: string, scopes: string[] = ['auth_base']): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/api/auth/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    body: JSON.stringify({ authCode, scopes }),
  });
  return { status: response.status, body: await response.json() };
}

/** `GET /api/auth/me` with the session id as bearer. */
export async function me(baseUrl: string, sessionId: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/api/auth/me`, { headers: { Authorization: `Bearer ${sessionId}` } });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i] as T);
      }
    }),
  );
  return results;
}
