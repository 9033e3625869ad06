/**
 * The persisted state (the backend session and the consent record), shared by every authorizer
 * over one storage: two pages of an H5 miniapp, two tabs. Writes are changes merged into what is
 * stored now (read, apply, write), never a whole-state overwrite, so no instance drops what another
 * stored: with a synchronous adapter (localStorage, `my.*StorageSync`) across pages and tabs; with
 * an asynchronous one, among the instances of one page, whose writes run in turn. A sign-out raises
 * the stored `epoch`: a change made under an older epoch is dropped, so a sign-out is never undone
 * by an instance that read before it.
 * What is read back is untrusted (corrupted, foreign or tampered values): anything that does not
 * parse cleanly is dropped, never thrown; a read that fails is no news.
 */
import { isScopeName } from './scope-names';
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
const MAX_STORED_LENGTH = 262_144; // 256 KiB

export function emptyState(epoch = 0): StoredState {
  return { session: null, consent: {}, epoch };
}

/** A session; `expiresAt` is set only when there is one. */
export function newSession(scopes: string[], data: unknown, expiresAt: number | undefined): Session {
  const session: Session = { scopes, data };
  if (expiresAt !== undefined) session.expiresAt = expiresAt;
  return session;
}

function readSession(raw: unknown): Session | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { scopes, data, expiresAt } = raw as Record<string, unknown>;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isScopeName)) return null;
  if (expiresAt !== undefined && !Number.isFinite(expiresAt)) return null;
  return newSession([...new Set(scopes as string[])], data === undefined ? null : data, expiresAt as number | undefined);
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
  // An empty string is not JSON: it is dropped by the parse.
  if (typeof text !== 'string' || text.length > MAX_STORED_LENGTH) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return emptyState();
  }
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== VERSION) return emptyState();
  const r = raw as Record<string, unknown>;
  const epoch = Number.isSafeInteger(r.epoch) && (r.epoch as number) > 0 ? (r.epoch as number) : 0;
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

/** Calls a storage method: a throw is `FAILED`, a rejection resolves `FAILED`. */
function attempt(op: () => unknown): unknown {
  try {
    const result = op();
    return isThenable(result) ? Promise.resolve(result).then(undefined, () => FAILED) : result;
  } catch {
    return FAILED;
  }
}

/** Hears a state taken up from storage: the view before, the view now, and whether it is a sign-out. */
export type TakeUpListener = (previous: StoredState, next: StoredState, signedOut: boolean) => void;

export interface StateStore {
  /**
   * This instance's view: what was last read or written. Session data too large to store is kept
   * here until another instance's write replaces the view.
   */
  readonly state: StoredState;
  /** Settles once the first value was read (null: it was read at once). */
  readonly ready: Promise<void> | null;
  /** Takes up what another instance stored since this one last looked (synchronous adapters). */
  refresh(): void;
  /**
   * Applies `change`, made under `epoch`, to this view and to what is stored now. Dropped (false)
   * when a sign-out happened since `epoch`.
   */
  update(epoch: number, change: StateChange): boolean;
  /** Forgets session and consent record here and for every instance over this storage. */
  signOut(): Promise<void>;
}

const FAILED = /* @__PURE__ */ Symbol('failed');
const UNSEEN = /* @__PURE__ */ Symbol('unseen');

/**
 * Asynchronous adapters: what the instances of this page share per adapter and key. The
 * read-merge-write operations under way run one after another (`tail`), so none reads a value
 * another is replacing; `written` is the text last written there (null: removed; absent: nothing
 * yet), which the other instances take up before they decide.
 */
interface Shared {
  tail: Promise<void>;
  written?: string | null;
}
const shared = /* @__PURE__ */ new WeakMap<StorageAdapter, Map<string, Shared>>();

function sharedBy(storage: StorageAdapter, key: string): Shared {
  const byKey = shared.get(storage) ?? new Map<string, Shared>();
  shared.set(storage, byKey);
  const slot = byKey.get(key) ?? { tail: Promise.resolve() };
  byKey.set(key, slot);
  return slot;
}

/** A state that holds nothing of the user (empty, or a sign-out marker). */
const holdsNothing = (s: StoredState) => s.session === null && Object.keys(s.consent).length === 0;

/** One storage key, read and written through an adapter that may be synchronous or asynchronous. */
export function openStateStore(storage: StorageAdapter, key: string, onTakeUp: TakeUpListener): StateStore {
  let state = emptyState();
  /** The stored text last read or written: a read that finds it unchanged has nothing to take up. */
  let seen: unknown = UNSEEN;
  /** Asynchronous adapters: read-merge-write operations of this instance under way. */
  let pending = 0;
  const page = sharedBy(storage, key);
  const read = () => attempt(() => storage.get(key));
  const first = read();
  const sync = !isThenable(first);

  /** Adopts a value read from storage. A read that failed is no news: the view stays. */
  function takeUp(value: unknown, announce: boolean): void {
    if (value === seen || value === FAILED) return;
    seen = value;
    const stored = parseState(value);
    const previous = state;
    // A value that vanished (removed, cleared by the app) does not date a sign-out: the epoch stays.
    state = { ...stored, epoch: Math.max(stored.epoch, previous.epoch) };
    if (announce) onTakeUp(previous, state, stored.epoch > previous.epoch);
  }

  /** One write (null: remove the key); false when the adapter refuses it. */
  function write(text: string | null): boolean | PromiseLike<boolean> {
    const done = (result: unknown) => result !== FAILED && ((seen = page.written = text), true);
    const result = attempt(() => (text === null ? storage.remove(key) : storage.set(key, text)));
    return isThenable(result) ? result.then(done) : done(result);
  }

  /**
   * Writes a state: the key is removed when there is nothing to keep; session data is dropped
   * when the value is too large or the adapter refuses it, never the consent record; a sign-out
   * whose marker is refused removes the key (better lose the marker than keep the user's data).
   */
  function put(next: StoredState): void | PromiseLike<unknown> {
    const full = holdsNothing(next) && next.epoch === 0 ? null : serializeState(next);
    // Nothing to write, or (synchronous adapters, just read) the very text stored now.
    if (full === undefined || (sync && full === seen)) return;
    const retry = (ok: boolean) => {
      if (ok) return true;
      const lean = next.session ? serializeState(next, false) : undefined;
      return lean !== undefined && lean !== full ? write(lean) : holdsNothing(next) && full !== null && write(null);
    };
    const first = write(full);
    return isThenable(first) ? first.then(retry) : void retry(first);
  }

  /**
   * Asynchronous adapters: read, merge, write; in turn. `merge` gets what another instance stored
   * since this one last looked, or null when no one did (it builds on this instance's view, which
   * keeps session data too large to store); it returns null to drop the change (a sign-out came first).
   */
  function queue(merge: (stored: StoredState | null) => StoredState | null): Promise<void> {
    pending++;
    return (page.tail = page.tail.then(async () => {
      const value = await read();
      const fresh = value !== seen && value !== FAILED;
      const next = merge(fresh ? parseState(value) : null);
      if (next === null) {
        pending--;
        return takeUp(value, true);
      }
      await put(next);
      // The last write under way holds this instance's changes and what others stored.
      if (--pending === 0) {
        const previous = state;
        state = next;
        onTakeUp(previous, next, next.epoch > previous.epoch);
      }
    }));
  }

  const store: StateStore = {
    get state() {
      return state;
    },
    ready: sync ? null : Promise.resolve(first).then((value) => void (pending === 0 && seen === UNSEEN && takeUp(value, false))),
    refresh() {
      if (pending > 0) return;
      // Synchronous adapters are read; with asynchronous ones, what the other instances of this
      // page wrote is taken up (other tabs' writes reach an asynchronous adapter's users on write).
      if (sync) takeUp(read(), true);
      else if (page.written !== undefined) takeUp(page.written, true);
    },
    update(epoch, change) {
      store.refresh();
      if (epoch !== state.epoch) return false;
      state = { ...change(state), epoch };
      if (sync) put(state);
      else void queue((stored) => ((stored ?? state).epoch === epoch ? { ...change(stored ?? state), epoch } : null));
      return true;
    },
    signOut() {
      store.refresh();
      const epoch = state.epoch + 1;
      state = emptyState(epoch);
      if (sync) return Promise.resolve(put(state)).then(() => undefined);
      return queue((stored) => emptyState(stored ? Math.max(stored.epoch + 1, epoch) : epoch));
    },
  };
  if (sync) takeUp(first, false);
  return store;
}
