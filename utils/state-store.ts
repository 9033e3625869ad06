/**
 * The persisted state (the backend session and the consent record), shared by every authorizer
 * over one storage: two pages of an H5 miniapp, two tabs. Writes are changes applied to what is
 * stored when they are written (read, apply, write), never a whole-state overwrite, so no instance
 * drops what another stored before that read: with a synchronous adapter (localStorage,
 * `my.*StorageSync`) nothing comes between; with an asynchronous one, the instances of one page
 * read and write in turn, and only another tab's write landing between a read and its write can be
 * lost. A sign-out raises the stored `epoch`: a change made under an older epoch is dropped, so a
 * sign-out is never undone by an instance that read before it.
 * What is read back is untrusted (corrupted, foreign or tampered values): anything that does not
 * parse cleanly is dropped, never thrown; a read that fails is no news, and nothing is written on it.
 */
import { isFunction, isObject, isRecord } from './checks';
import { isScopeName } from './scope-names';
import type { Session, StorageAdapter } from './types';

export type ConsentRecord = Record<string, 'granted' | 'denied'>;

export interface PersistedState {
  session_: Session | null;
  consent_: ConsentRecord;
}

/** What one storage value holds: the state and the sign-out count it belongs to. */
export interface StoredState extends PersistedState {
  epoch_: number;
}

/** A change to the state, applied to whatever is stored when it is written. */
export type StateChange = (state: PersistedState) => PersistedState;

const VERSION = 1;
/** The reader's limit, and so the writer's: a value over it would be thrown away on reload. */
const MAX_STORED_LENGTH = 262_144; // 256 KiB

export function emptyState(epoch = 0): StoredState {
  return { session_: null, consent_: {}, epoch_: epoch };
}

/** A session; `expiresAt` is set only when there is one. */
export function newSession(scopes: string[], data: unknown, expiresAt: number | undefined): Session {
  const session: Session = { scopes, data };
  if (expiresAt !== undefined) session.expiresAt = expiresAt;
  return session;
}

function readSession(raw: unknown): Session | null {
  if (!isObject(raw)) return null;
  const { scopes, data, expiresAt } = raw;
  if (!Array.isArray(scopes) || !scopes[0] || !scopes.every(isScopeName)) return null;
  if (expiresAt !== undefined && !Number.isFinite(expiresAt)) return null;
  return newSession([...new Set(scopes as string[])], data === undefined ? null : data, expiresAt as number | undefined);
}

function readConsent(raw: unknown): ConsentRecord {
  const out: ConsentRecord = {};
  if (!isRecord(raw)) return out;
  for (const [scope, state] of Object.entries(raw)) {
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
  if (!isObject(raw) || raw.v !== VERSION) return emptyState();
  const epoch = Number.isSafeInteger(raw.epoch) && (raw.epoch as number) > 0 ? (raw.epoch as number) : 0;
  return { session_: readSession(raw.session), consent_: readConsent(raw.consent), epoch_: epoch };
}

/**
 * The text to store: with the session when it fits the reader's limit, else without it (session
 * data is what grows; the consent record must survive). Undefined when nothing can be stored.
 */
export function serializeState(state: StoredState, withSession = true): string | undefined {
  try {
    const text = JSON.stringify({ v: VERSION, epoch: state.epoch_ || undefined, session: withSession ? state.session_ : null, consent: state.consent_ });
    if (text.length <= MAX_STORED_LENGTH) return text;
  } catch {
    // Session data that cannot be serialised: store the rest.
  }
  return withSession && state.session_ ? serializeState(state, false) : undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return isObject(value) && isFunction(value.then);
}

/** Calls a storage method: a throw is `FAILED`, a rejection resolves `FAILED`. */
function attempt(op: () => unknown): unknown {
  try {
    const result = op();
    return isThenable(result) ? Promise.resolve(result).catch(() => FAILED) : result;
  } catch {
    return FAILED;
  }
}

/** Hears a state taken up from storage: the view before, the view now, and whether it is a sign-out. */
export type TakeUpListener = (previous: StoredState, next: StoredState, signedOut: boolean) => void;

export interface StateStore {
  /**
   * This instance's view: what it last read or wrote, with its changes not written yet. Session
   * data too large to store is kept here until another instance's write replaces it.
   */
  readonly state_: StoredState;
  /** Settles once the first value was read (null: it was read at once). */
  readonly ready_: Promise<void> | null;
  /**
   * Takes up what another instance stored since this one last looked: read now (synchronous
   * adapters), or what the page's other instances wrote (asynchronous ones).
   */
  refresh_(): void;
  /** Takes up what is stored now, read after the writes under way (asynchronous adapters too). */
  reread_(): Promise<unknown>;
  /**
   * Applies `change`, made under `epoch`, to this view and to what is stored now: the view before
   * it (to tell what changed), or null when dropped (a sign-out happened since `epoch`).
   */
  update_(epoch: number, change: StateChange): StoredState | null;
  /** Forgets session and consent record here and for every instance over this storage. */
  signOut_(): Promise<unknown>;
}

const FAILED = /* @__PURE__ */ Symbol('failed');
const UNSEEN = /* @__PURE__ */ Symbol('unseen');

/**
 * Asynchronous adapters: what the instances of this page share per adapter and key. Their reads
 * and writes run one after another (`tail_`), so none reads a value another is replacing;
 * `written_` is the text last written there (null: removed; absent: nothing yet), which the other
 * instances take up before they decide.
 */
interface Shared {
  tail_: Promise<void>;
  written_?: string | null;
}
const shared = /* @__PURE__ */ new WeakMap<StorageAdapter, Map<string, Shared>>();

function sharedBy(storage: StorageAdapter, key: string): Shared {
  const byKey = shared.get(storage) ?? new Map<string, Shared>();
  shared.set(storage, byKey);
  const slot = byKey.get(key) ?? { tail_: Promise.resolve() };
  byKey.set(key, slot);
  return slot;
}

/** A state that holds nothing of the user (empty, or a sign-out marker). */
const holdsNothing = (s: StoredState) => s.session_ === null && Object.keys(s.consent_).length === 0;

/** `f(value)`, now or once a promised value is there. */
const then = <T, R>(value: T | PromiseLike<T>, f: (v: T) => R | PromiseLike<R>): R | PromiseLike<R> => (isThenable(value) ? (value as PromiseLike<T>).then(f) : f(value as T));

/**
 * One storage key, read and written through an adapter that may be synchronous or asynchronous.
 * Every write applies this instance's changes to what is stored at that moment, read just before
 * (never to this instance's view, which may lack what another stored): a read that fails writes
 * nothing but a sign-out, and the changes wait for the next write.
 */
export function openStateStore(storage: StorageAdapter, key: string, onTakeUp: TakeUpListener): StateStore {
  /** What this instance last read or wrote, as stored there (with session data too large to store). */
  let stored = emptyState();
  /** The stored text of `stored`: a read that finds it unchanged has nothing to take up. */
  let seen: unknown = UNSEEN;
  /** This instance's changes not written yet, in order. */
  let unwritten: Array<(s: StoredState) => StoredState> = [];
  let state = stored;
  const page = sharedBy(storage, key);
  const read = () => attempt(() => storage.get(key));
  const first = read();
  const sync = !isThenable(first);
  const view = () => unwritten.reduce((s, change) => change(s), stored);

  /** Adopts a value read from storage; a read that failed is no news. */
  function takeUp(value: unknown, announce: boolean): void {
    if (value === seen || value === FAILED) return;
    seen = value;
    const next = parseState(value);
    // A value from before a sign-out this instance knows of (removed or cleared by the app, or
    // written by a tab that had not seen the sign-out) holds nothing of the user: the epoch stays.
    stored = next.epoch_ < stored.epoch_ ? emptyState(stored.epoch_) : next;
    const previous = state;
    state = view();
    if (announce) onTakeUp(previous, state, state.epoch_ > previous.epoch_);
  }

  /** One write (null: remove the key); false when the adapter refuses it. */
  function write(text: string | null): boolean | PromiseLike<boolean> {
    const done = (result: unknown) => result !== FAILED && ((seen = page.written_ = text), true);
    return then(attempt(() => (text === null ? storage.remove(key) : storage.set(key, text))), done);
  }

  /**
   * Writes a state: the key is removed when there is nothing to keep; session data is dropped
   * when the value is too large or the adapter refuses it, never the consent record; a sign-out
   * whose marker is refused removes the key (better lose the marker than keep the user's data).
   * False when nothing could be written.
   */
  function put(next: StoredState): boolean | PromiseLike<boolean> {
    const full = holdsNothing(next) && next.epoch_ === 0 ? null : serializeState(next);
    // Nothing storable, or the very text stored now.
    if (full === undefined || full === seen) return true;
    const lean = next.session_ ? serializeState(next, false) : undefined;
    return then(write(full), (ok) => ok || (lean !== undefined && lean !== full ? write(lean) : holdsNothing(next) && full !== null && write(null)));
  }

  /** Writes the changes not written yet onto `value`, just read (`blind`: a sign-out, written whatever the read gave). */
  function commit(value: unknown, blind: boolean): void | PromiseLike<void> {
    takeUp(value, true);
    // The changes written now: more may come while an asynchronous write is under way.
    const count = unwritten.length;
    if (count === 0 || (value === FAILED && !blind)) return;
    const next = view();
    return then(put(next), (ok) => {
      if (!ok) return;
      stored = next;
      unwritten = unwritten.slice(count);
      state = view();
    });
  }

  /** Reads, then commits: at once, or after the page's reads and writes under way. */
  function save(blind: boolean): Promise<unknown> {
    return Promise.resolve(sync ? commit(read(), blind) : (page.tail_ = page.tail_.then(read).then((value) => commit(value, blind))));
  }

  /** Adds a change to this view, written next. */
  function add(change: (s: StoredState) => StoredState, blind: boolean): Promise<unknown> {
    unwritten.push(change);
    state = view();
    return save(blind);
  }

  const store: StateStore = {
    get state_() {
      return state;
    },
    // `first` is a promise of the kit's own (`attempt`) when the adapter answers later.
    ready_: sync ? null : (first as Promise<unknown>).then((value) => void (seen === UNSEEN && takeUp(value, false))),
    refresh_() {
      // Other tabs' writes reach an asynchronous adapter's users when it reads (`reread`, writes).
      if (sync) takeUp(read(), true);
      else if (page.written_ !== undefined) takeUp(page.written_, true);
    },
    // A read and the commit of what waits to be written, if anything.
    reread_: () => save(false),
    update_(epoch, change) {
      store.refresh_();
      const previous = state;
      if (epoch !== previous.epoch_) return null;
      void add((s) => (s.epoch_ === epoch ? { ...change(s), epoch_: epoch } : s), false);
      return previous;
    },
    signOut_() {
      store.refresh_();
      const epoch = state.epoch_ + 1;
      return add((s) => emptyState(Math.max(s.epoch_ + 1, epoch)), true);
    },
  };
  if (sync) takeUp(first, false);
  return store;
}
