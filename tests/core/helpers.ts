/**
 * Shared test helpers for the core suite (not a test file: it does not match *.test.ts).
 * Everything here is a stand-in for what an application or a wallet would do.
 */
import { AuthError, createAuthorizer, memoryStorage } from '../../utils';
import type { AuthCodeHost, EngagementTarget, GetAuthCodeCall, RawAuthCodeResult, StorageAdapter, SubmitContext, SubmitHook } from '../../utils';
import { createWalletSimulator, type UserScript, type WalletSimulator } from '../../utils/testing';

type Listener = (event: { isTrusted?: boolean; type: string }) => void;

export interface FakeTarget extends EngagementTarget {
  /** Calls the listeners of `type` as the browser would for a real (trusted) or scripted event. */
  fire(type: string, isTrusted?: boolean): void;
  listenerCount(): number;
}

/** A page-like event target whose events can be marked trusted (scripts cannot do that). */
export function fakeTarget(): FakeTarget {
  const listeners = new Map<string, Set<Listener>>();
  return {
    addEventListener(type, listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(listener);
    },
    removeEventListener(type, listener) {
      listeners.get(type)?.delete(listener);
    },
    fire(type, isTrusted = true) {
      for (const l of [...(listeners.get(type) ?? [])]) l({ type, isTrusted });
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}

/** Lets every pending microtask and immediate run (the simulator answers in microtasks). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface Tracked<T> {
  readonly settled: boolean;
  readonly value: T | undefined;
  readonly error: unknown;
  readonly promise: Promise<T>;
}

/** Observes a promise without awaiting it (and without leaving an unhandled rejection). */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const t = { settled: false, value: undefined as T | undefined, error: undefined as unknown, promise };
  promise.then(
    (value) => {
      t.settled = true;
      t.value = value;
    },
    (error) => {
      t.settled = true;
      t.error = error;
    },
  );
  return t;
}

/** Awaits a rejection and returns the AuthError (fails the test when it resolves or rejects otherwise). */
export async function authErrorOf(promise: Promise<unknown>): Promise<AuthError> {
  let outcome: unknown;
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    outcome = error;
  }
  if (!(outcome instanceof AuthError)) throw outcome;
  return outcome;
}

export interface SubmitRecord {
  code: string;
  scopes: string[];
  attempt: number;
}

/**
 * A merchant backend over the simulator's OpenAPI side: codes are single use. `plan` lets a test
 * decide, per submission, to refuse or fail instead.
 */
export function fakeBackend(
  sim: WalletSimulator,
  plan?: (record: SubmitRecord, index: number) => unknown | Promise<unknown>,
): { submit: jest.Mock<Promise<unknown>, [string, SubmitContext]>; submitted: SubmitRecord[] } {
  const submitted: SubmitRecord[] = [];
  const submit = jest.fn(async (code: string, ctx: SubmitContext) => {
    const record = { code, scopes: [...ctx.scopes], attempt: ctx.attempt };
    submitted.push(record);
    if (plan) {
      const planned = await plan(record, submitted.length - 1);
      if (planned !== undefined) return planned;
    }
    const r = sim.exchange(code);
    if (!r.ok) throw Object.assign(new Error(`refused: ${r.error}`), { code: r.error });
    return { customerId: r.customerId, scopes: r.scopes };
  });
  return { submit, submitted };
}

/**
 * Wraps the simulator's `my` so every auth code the wallet hands out (to any callback) is recorded.
 */
export function recordingHost(sim: WalletSimulator): { my: WalletSimulator['my']; codes: Set<string> } {
  const codes = new Set<string>();
  const grab = (r: RawAuthCodeResult | undefined) => {
    if (r && typeof r === 'object') {
      for (const k of ['authCode', 'authcode'] as const) if (typeof r[k] === 'string' && r[k]) codes.add(r[k] as string);
    }
  };
  const wrap = <F extends ((r: RawAuthCodeResult) => void) | undefined>(f: F) =>
    typeof f === 'function'
      ? (r: RawAuthCodeResult) => {
          grab(r);
          f(r);
        }
      : undefined;
  const my = {
    ...sim.my,
    getAuthCode(call: Partial<GetAuthCodeCall> & { scopes?: unknown }) {
      return sim.my.getAuthCode({
        scopes: call.scopes,
        success: wrap(call.success),
        fail: wrap(call.fail),
        failed: wrap(call.failed),
        complete: wrap(call.complete),
      } as Partial<GetAuthCodeCall>);
    },
  };
  return { my, codes };
}

/** A storage adapter that keeps every value ever written. */
export function recordingStorage(): StorageAdapter & { writes: string[]; map: Map<string, string> } {
  const map = new Map<string, string>();
  const writes: string[] = [];
  return {
    map,
    writes,
    get: (key) => map.get(key) ?? null,
    set: (key, value) => {
      writes.push(`${key}=${value}`);
      map.set(key, value);
    },
    remove: (key) => void map.delete(key),
  };
}

/**
 * An asynchronous adapter over a map, answering in a later task; setting `failReads` makes that
 * many of the next reads reject. Two adapters over one `map` are two tabs over one storage.
 */
export function asyncMapStorage(map = new Map<string, string>()): StorageAdapter & { map: Map<string, string>; failReads: number } {
  const later = () => new Promise<void>((resolve) => setImmediate(resolve));
  const adapter = {
    map,
    failReads: 0,
    get: async (key: string) => {
      await later();
      if (adapter.failReads > 0) {
        adapter.failReads--;
        throw new Error('EIO');
      }
      return map.get(key) ?? null;
    },
    set: async (key: string, value: string) => void (await later(), map.set(key, value)),
    remove: async (key: string) => void (await later(), map.delete(key)),
  };
  return adapter;
}

/** An authorizer over `storage` with the simulator as its wallet (and, unless given, a `fakeBackend`). */
export function authorizerOver(sim: WalletSimulator, storage: StorageAdapter, options: { host?: AuthCodeHost; submit?: SubmitHook } = {}) {
  return createAuthorizer({ submit: options.submit ?? fakeBackend(sim).submit, host: options.host ?? sim.my, storage, engagementTarget: null });
}

/** Two pages of one miniapp: two authorizers over one storage, with one simulated wallet. */
export function twoPages<S extends StorageAdapter>(user?: UserScript, storage: S = memoryStorage() as S) {
  const sim = createWalletSimulator(user === undefined ? {} : { user });
  return { sim, storage, a: authorizerOver(sim, storage), b: authorizerOver(sim, storage) };
}

/** A deferred promise. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * What a stored value still says about the user: its session and consent record. A sign-out
 * leaves at most a marker (`{ v, epoch }`) so instances that read before it never undo it.
 */
export function storedUserData(text: string | null | undefined): { session: unknown; consent: Record<string, unknown> } {
  if (text === null || text === undefined) return { session: null, consent: {} };
  const parsed = JSON.parse(text) as { session?: unknown; consent?: Record<string, unknown> };
  return { session: parsed.session ?? null, consent: parsed.consent ?? {} };
}
