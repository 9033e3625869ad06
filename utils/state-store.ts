/**
 * The persisted state (the backend session and the consent record), shared by every authorizer
 * over one storage: two pages of an H5 miniapp, two tabs. Writes are changes merged into what is
 * stored now (read, apply, write), never a whole-state overwrite, so no instance drops what another
 * stored. A sign-out raises the stored `epoch`: a change made under an older epoch is dropped, so a
 * sign-out is never undone by an instance that read before it.
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

/** What one storage value holds: the state and the sign-out count it belongs to. */
export interface StoredState extends PersistedState {
  epoch: number;
}

/** A change to the state, applied to whatever is stored when it is written. */
export type StateChange = (state: PersistedState) => PersistedState;

const VERSION = 1;
/** The reader's limit, and so the writer's: a value over it would be thrown away on reload. */
export const MAX_STORED_LENGTH = 256 * 1024;

export function emptyState(epoch = 0): StoredState {
  return { session: null, consent: {}, epoch };
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

/** Parses a stored value; an empty state for anything unusable. */
export function parseState(text: unknown): StoredState {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_STORED_LENGTH) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return emptyState();
  }
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== VERSION) return emptyState();
  const r = raw as Record<string, unknown>;
  const epoch = typeof r.epoch === 'number' && Number.isSafeInteger(r.epoch) && r.epoch > 0 ? r.epoch : 0;
  return { session: readSession(r.session), consent: readConsent(r.consent), epoch };
}

/**
 * The text to store: with the session when it fits the reader's limit, else without it (session
 * data is what grows; the consent record must survive). Undefined when nothing can be stored.
 */
export function serializeState(state: StoredState, withSession = true): string | undefined {
  try {
    const text = JSON.stringify({ v: VERSION, epoch: state.epoch || undefined, session: withSession ? state.session : null, consent: state.consent });
    if (text.length <= MAX_STORED_LENGTH) return text;
  } catch {
    // Session data that cannot be serialised: store the rest.
  }
  return withSession && state.session ? serializeState(state, false) : undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Calls a storage method: a throw is `undefined`, a rejection resolves `undefined`. */
function attempt<T>(op: () => T): T | Promise<unknown> | undefined {
  try {
    const result = op();
    return isThenable(result) ? Promise.resolve(result).then(undefined, () => undefined) : result;
  } catch {
    return undefined;
  }
}

/** Hears a state taken up from storage: the view before, the view now, and whether it is a sign-out. */
export type TakeUpListener = (previous: StoredState, next: StoredState, signedOut: boolean) => void;

const FAILED = Symbol('failed');

/**
 * Asynchronous adapters: the read-merge-write operations under way per adapter and key, shared by
 * every instance in this page, run one after another so none reads a value another is replacing.
 */
const chains = new WeakMap<StorageAdapter, Map<string, Promise<void>>>();

function enqueue(storage: StorageAdapter, key: string, run: () => Promise<void>): Promise<void> {
  const byKey = chains.get(storage) ?? new Map<string, Promise<void>>();
  chains.set(storage, byKey);
  const tail = (byKey.get(key) ?? Promise.resolve()).then(run, run);
  byKey.set(key, tail);
  void tail.then(() => {
    if (byKey.get(key) === tail) byKey.delete(key);
  });
  return tail;
}
const UNSEEN = Symbol('unseen');

/**
 * One storage key, read and written through an adapter that may be synchronous or asynchronous.
 * `onTakeUp` hears every state adopted from storage (another instance's write), and whether it
 * comes from a sign-out this store had not seen.
 */
export class StateStore {
  /** This instance's view: what was last read or written (with session data kept in memory even
   * when it was too large to store). */
  state: StoredState = emptyState();
  /** The stored text last read or written: a read that finds it unchanged has nothing to take up. */
  private seen: unknown = UNSEEN;
  /** Asynchronous adapters: read-merge-write operations under way, run one after another. */
  private pending = 0;

  private constructor(
    private readonly storage: StorageAdapter,
    private readonly key: string,
    private readonly onTakeUp: TakeUpListener,
    private readonly sync: boolean,
  ) {}

  /** Reads the stored value: at once with a synchronous adapter, else `ready` settles when read. */
  static open(storage: StorageAdapter, key: string, onTakeUp: TakeUpListener): { store: StateStore; ready: Promise<void> | null } {
    const first = attempt(() => storage.get(key));
    const store = new StateStore(storage, key, onTakeUp, !isThenable(first));
    if (!isThenable(first)) {
      store.takeUp(first, false);
      return { store, ready: null };
    }
    // A sign-out during the load is already on its way to storage, merged with what is there.
    return { store, ready: Promise.resolve(first).then((value) => (store.pending === 0 ? store.takeUp(value, false) : undefined)) };
  }

  /** Takes up what another instance stored since this one last looked (synchronous adapters). */
  refresh(): void {
    if (this.sync) this.takeUp(attempt(() => this.storage.get(this.key)), true);
  }

  /**
   * Applies `change`, made under `epoch`, to this view and to what is stored now. Dropped (false)
   * when a sign-out happened since `epoch`.
   */
  update(epoch: number, change: StateChange): boolean {
    this.refresh();
    if (epoch !== this.state.epoch) return false;
    const next = { ...change(this.state), epoch };
    this.state = next;
    if (this.sync) this.put(next);
    else this.queue((stored) => (stored.epoch === epoch ? { ...change(stored), epoch } : null));
    return true;
  }

  /** Forgets session and consent record here and for every instance over this storage. */
  signOut(): Promise<void> {
    this.refresh();
    const next = emptyState(this.state.epoch + 1);
    this.state = next;
    if (this.sync) {
      this.put(next);
      return Promise.resolve();
    }
    return this.queue((stored) => emptyState(Math.max(stored.epoch + 1, next.epoch)));
  }

  private takeUp(value: unknown, announce: boolean): void {
    if (value === this.seen) return;
    this.seen = value;
    const stored = parseState(value);
    const previous = this.state;
    const signedOut = stored.epoch > previous.epoch;
    // A value that vanished or cannot be read does not date a sign-out: the epoch stays.
    this.state = { ...stored, epoch: Math.max(stored.epoch, previous.epoch) };
    if (announce) this.onTakeUp(previous, this.state, signedOut);
  }

  /** Asynchronous adapters: read, merge with `merge` (null: drop), write; one at a time. */
  private queue(merge: (stored: StoredState) => StoredState | null): Promise<void> {
    this.pending++;
    const run = async (): Promise<void> => {
      const value = await attempt(() => this.storage.get(this.key));
      const stored = parseState(value);
      const next = merge(stored);
      if (next === null || stored.epoch > next.epoch) {
        this.pending--;
        this.seen = UNSEEN;
        return this.takeUp(value, true);
      }
      await this.put(next);
      // The last write under way holds every change of this instance and what others stored.
      if (--this.pending === 0) this.adoptWritten(next);
    };
    return enqueue(this.storage, this.key, run);
  }

  private adoptWritten(next: StoredState): void {
    const previous = this.state;
    this.state = next;
    this.onTakeUp(previous, next, false);
  }

  /**
   * Writes a state: the key is removed when there is nothing to keep; session data is dropped
   * when the value is too large or the adapter refuses it; the consent record is kept.
   */
  private put(next: StoredState): void | Promise<void> {
    const empty = next.session === null && Object.keys(next.consent).length === 0 && next.epoch === 0;
    const full = empty ? null : serializeState(next);
    if (full === undefined) return;
    const lean = next.session ? serializeState(next, false) : undefined;
    const first = this.write(full);
    const second = (ok: unknown) => (ok === FAILED && lean !== undefined && lean !== full ? this.write(lean) : ok);
    const last = isThenable(first) ? Promise.resolve(first).then(second) : second(first);
    return isThenable(last) ? Promise.resolve(last).then(() => undefined) : undefined;
  }

  /** One write; `FAILED` (or a promise of it) when the adapter throws or rejects. */
  private write(text: string | null): unknown {
    const done = () => {
      this.seen = text;
    };
    try {
      const result = text === null ? this.storage.remove(this.key) : this.storage.set(this.key, text);
      if (!isThenable(result)) return done();
      return Promise.resolve(result).then(done, () => FAILED);
    } catch {
      return FAILED;
    }
  }
}
