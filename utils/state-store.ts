/**
 * The persisted state: the backend session and the consent record, in one versioned JSON value.
 * What is read back is untrusted (corrupted, foreign or tampered values): anything that does not
 * parse cleanly is dropped, never thrown.
 */
import { isScopeName } from './scopes';
import type { Session, StorageAdapter } from './types';

export type ConsentRecord = Record<string, 'granted' | 'denied'>;

export interface PersistedState {
  session: Session | null;
  consent: ConsentRecord;
}

const VERSION = 1;
const MAX_STORED_LENGTH = 256 * 1024;

export function emptyState(): PersistedState {
  return { session: null, consent: {} };
}

function readSession(raw: unknown): Session | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (!Array.isArray(r.scopes) || r.scopes.length === 0 || !r.scopes.every(isScopeName)) return null;
  if (r.expiresAt !== undefined && (typeof r.expiresAt !== 'number' || !Number.isFinite(r.expiresAt))) return null;
  const session: Session = { scopes: [...new Set(r.scopes as string[])], data: r.data === undefined ? null : r.data };
  if (typeof r.expiresAt === 'number') session.expiresAt = r.expiresAt;
  return session;
}

function readConsent(raw: unknown): ConsentRecord {
  const out: ConsentRecord = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [scope, state] of Object.entries(raw as Record<string, unknown>)) {
    if (isScopeName(scope) && (state === 'granted' || state === 'denied')) out[scope] = state;
  }
  return out;
}

/** Parses a stored value; returns an empty state for anything unusable. */
export function parseState(text: unknown): PersistedState {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_STORED_LENGTH) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return emptyState();
  }
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== VERSION) return emptyState();
  const r = raw as Record<string, unknown>;
  return { session: readSession(r.session), consent: readConsent(r.consent) };
}

export function serializeState(state: PersistedState): string {
  return JSON.stringify({ v: VERSION, session: state.session, consent: state.consent });
}

/**
 * Reads and writes the state through an adapter that may be sync or async. Writes are chained so
 * an older write never lands after a newer one.
 */
export class StateStore {
  /** The tail of the asynchronous writes still under way, if any. */
  private tail: Promise<void> | null = null;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly key: string,
  ) {}

  /** The stored state, synchronously when the adapter is synchronous. */
  load(): PersistedState | Promise<PersistedState> {
    try {
      const value = this.storage.get(this.key);
      if (value && typeof (value as PromiseLike<unknown>).then === 'function') {
        // Any thenable, adopted into a real promise.
        return Promise.resolve(value).then(parseState, () => emptyState());
      }
      return parseState(value);
    } catch {
      // A broken adapter (or a value whose getters throw) reads as nothing stored.
      return emptyState();
    }
  }

  save(state: PersistedState): Promise<void> {
    const empty = state.session === null && Object.keys(state.consent).length === 0;
    let text: string;
    try {
      text = serializeState(state);
    } catch {
      return Promise.resolve();
    }
    return this.write(() => (empty ? this.storage.remove(this.key) : this.storage.set(this.key, text)));
  }

  clear(): Promise<void> {
    return this.write(() => this.storage.remove(this.key));
  }

  /**
   * Writes at once when nothing is pending (a synchronous adapter holds the state before the
   * caller's task ends, so a reload right after finds it); otherwise after the pending writes, so
   * an older write never lands after a newer one. Storage failures are swallowed: the in-memory
   * state stays authoritative.
   */
  private write(op: () => void | Promise<void>): Promise<void> {
    const run = (): Promise<void> | undefined => {
      try {
        const result = op();
        return result && typeof (result as Promise<void>).then === 'function' ? Promise.resolve(result).catch(() => undefined) : undefined;
      } catch {
        return undefined;
      }
    };
    const started = this.tail ? this.tail.then(run) : run();
    if (!started) return Promise.resolve();
    const tail: Promise<void> = started.then(() => {
      if (this.tail === tail) this.tail = null;
    });
    this.tail = tail;
    return tail;
  }
}
