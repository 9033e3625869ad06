/**
 * The store conformance suite: what every `AuthStore` must do for the auth server to stay correct
 * with any number of instances (memoryStore, sqliteStore and postgresStore pass it; so must yours).
 * Runner-agnostic: `storeConformanceCases(createStore)` lists the cases (each throws on failure), and
 * `runStoreConformance({ createStore, test })` registers them with your runner's `test`/`it`.
 *
 * ```ts
 * import { runStoreConformance } from 'miniapp-auth-kit/server/testing';
 * runStoreConformance({ createStore: () => myStore(), test: it });
 * ```
 * Each case uses its own random `clientId`, so cases may share one database.
 */
import type { AuthStore, ExchangeCompletion, SealedTokens } from '../store/types';

export interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}

class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceError(message);
}
const same = (actual: unknown, expected: unknown, what: string) =>
  check(JSON.stringify(actual) === JSON.stringify(expected), `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rand = () => Math.random().toString(36).slice(2, 12);
const hash = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
const MIN = 60_000;

const tokens = (tag: string, keyId = 'k1'): SealedTokens => ({
  accessToken: `sealed-access-${tag}`, accessTokenExpiresAt: Date.now() + MIN, refreshToken: `sealed-refresh-${tag}`, refreshTokenExpiresAt: Date.now() + 10 * MIN, keyId,
});

function completion(clientId: string, codeHash: string, attempt: number, customerId: string, scopes = ['auth_base'], over: Partial<ExchangeCompletion> = {}): ExchangeCompletion {
  return {
    clientId, codeHash, attempt,
    grant: { ...tokens(codeHash.slice(0, 6)), customerId, scopes },
    session: { idHash: hash(), scopes, ttlMs: 10 * MIN },
    replay: { sealedSessionId: `sealed-session-${codeHash.slice(0, 6)}`, windowMs: 10 * MIN },
    ...over,
  };
}

/** The cases, each with a fresh store from `createStore` (initialised, closed afterwards). */
export function storeConformanceCases(createStore: () => AuthStore | Promise<AuthStore>): ConformanceCase[] {
  const withStore = (name: string, body: (store: AuthStore, clientId: string) => Promise<void>): ConformanceCase => ({
    name,
    async run() {
      const store = await createStore();
      try {
        await store.init();
        await body(store, `client-${rand()}`);
      } finally {
        await store.close();
      }
    },
  });

  const claim = (store: AuthStore, clientId: string, codeHash: string, idemHash: string | null, leaseMs = MIN, retainMs = 24 * 60 * MIN) =>
    store.claimCode({ clientId, codeHash, idemHash, leaseMs, retainMs });

  /** A grant, made by one exchange: its key. */
  async function grantOf(store: AuthStore, clientId: string) {
    const codeHash = hash();
    await claim(store, clientId, codeHash, null);
    const done = await store.completeExchange(completion(clientId, codeHash, 1, 'cust'));
    check(done.ok, 'commit');
    return { clientId, grantId: done.session.grant.id };
  }

  return [
    withStore('a code is claimed by exactly one of 20 concurrent claims', async (store, clientId) => {
      const codeHash = hash();
      const idem = hash();
      const results = await Promise.all(Array.from({ length: 20 }, () => claim(store, clientId, codeHash, idem)));
      same(results.filter((r) => r.kind === 'claimed').length, 1, 'claims won');
      for (const r of results) if (r.kind !== 'claimed') same(r, { kind: 'pending', idemHash: idem, leaseExpired: false }, 'a lost claim');
      same(await store.readCode({ clientId, codeHash }), { kind: 'pending', idemHash: idem, leaseExpired: false }, 'readCode');
      same(await store.readCode({ clientId, codeHash: hash() }), { kind: 'absent' }, 'an unknown code');
    }),

    withStore('an expired lease is taken over by exactly one, by the same idempotency key only', async (store, clientId) => {
      const codeHash = hash();
      const idem = hash();
      same(await claim(store, clientId, codeHash, idem, 100), { kind: 'claimed', attempt: 1 }, 'claim');
      same(await store.takeOverCode({ clientId, codeHash, idemHash: idem, leaseMs: MIN }), null, 'take-over of a live lease');
      await sleep(200);
      same(await store.readCode({ clientId, codeHash }), { kind: 'pending', idemHash: idem, leaseExpired: true }, 'an expired lease');
      same(await store.takeOverCode({ clientId, codeHash, idemHash: hash(), leaseMs: MIN }), null, 'take-over with another key');
      same(await store.takeOverCode({ clientId, codeHash, idemHash: null, leaseMs: MIN }), null, 'take-over without a key');
      const attempts = await Promise.all(Array.from({ length: 10 }, () => store.takeOverCode({ clientId, codeHash, idemHash: idem, leaseMs: MIN })));
      same(attempts.filter((a) => a !== null), [2], 'take-overs won');
    }),

    withStore('a fenced-out owner commits nothing; the current owner commits everything at once', async (store, clientId) => {
      const codeHash = hash();
      await claim(store, clientId, codeHash, null, 50);
      await sleep(120);
      same(await store.takeOverCode({ clientId, codeHash, idemHash: null, leaseMs: MIN }), 2, 'take-over');
      const stale = completion(clientId, codeHash, 1, 'cust-a');
      same(await store.completeExchange(stale), { ok: false }, 'the fenced-out completion');
      same(await store.findSession({ clientId, idHash: stale.session.idHash }), null, 'its session');
      same(await store.refuseCode({ clientId, codeHash, attempt: 1, resultCode: 'USED_CODE' }), false, 'its refusal');
      const fresh = completion(clientId, codeHash, 2, 'cust-a', ['auth_base', 'USER_NAME']);
      const done = await store.completeExchange(fresh);
      check(done.ok, 'the current owner commits');
      same([done.session.customerId, done.session.scopes, done.session.grant.version, done.session.grant.scopes], ['cust-a', ['auth_base', 'USER_NAME'], 1, ['USER_NAME', 'auth_base'].sort()], 'the session');
      check(done.session.expiresAt > Date.now() + 9 * MIN && done.session.expiresAt < Date.now() + 11 * MIN, 'the session expires after its ttl');
      same(await store.readCode({ clientId, codeHash }), { kind: 'done', idemHash: null, replay: { sealedSessionId: fresh.replay!.sealedSessionId, sessionHash: fresh.session.idHash } }, 'the code');
      same(await store.completeExchange(fresh), { ok: false }, 'a second completion');
      same((await store.findSession({ clientId, idHash: fresh.session.idHash }))?.grant.accessToken, fresh.grant.accessToken, 'the sealed token, as given');
    }),

    withStore('one grant per customer: a second exchange replaces its tokens, adds its scopes and moves its version', async (store, clientId) => {
      const [a, b] = [hash(), hash()];
      await claim(store, clientId, a, null);
      await claim(store, clientId, b, null);
      const first = await store.completeExchange(completion(clientId, a, 1, 'cust', ['auth_base', 'USER_NAME']));
      const second = await store.completeExchange(completion(clientId, b, 1, 'cust', ['USER_CONTACTINFO']));
      check(first.ok && second.ok, 'both commit');
      same(second.session.grant.id, first.session.grant.id, 'the grant');
      same(second.session.grant.version, 2, 'its version');
      same(second.session.grant.scopes, ['USER_CONTACTINFO', 'USER_NAME', 'auth_base'].sort(), 'its scopes');
      same(second.session.scopes, ['USER_CONTACTINFO'], 'the second session\'s own scopes');
      same((await store.findSession({ clientId, idHash: first.session.idHash }))?.grant.version, 2, 'the first session sees the new grant');
    }),

    withStore('a refusal is remembered; a release ends the lease at once', async (store, clientId) => {
      const [refused, released] = [hash(), hash()];
      const idem = hash();
      await claim(store, clientId, refused, idem);
      same(await store.refuseCode({ clientId, codeHash: refused, attempt: 1, resultCode: 'EXPIRED_CODE' }), true, 'refuse');
      same(await claim(store, clientId, refused, idem), { kind: 'refused', resultCode: 'EXPIRED_CODE' }, 'the refused code claimed again');
      await claim(store, clientId, released, idem);
      await store.releaseCode({ clientId, codeHash: released, attempt: 1 });
      same(await store.readCode({ clientId, codeHash: released }), { kind: 'pending', idemHash: idem, leaseExpired: true }, 'released');
      same(await store.takeOverCode({ clientId, codeHash: released, idemHash: idem, leaseMs: MIN }), 2, 'the same request takes it at once');
    }),

    withStore('a code record past its retention counts as absent; the replay copy ends with its window', async (store, clientId) => {
      const [old, done] = [hash(), hash()];
      await claim(store, clientId, old, null, MIN, 100);
      await claim(store, clientId, done, null);
      const finished = completion(clientId, done, 1, 'cust', ['auth_base'], {});
      finished.replay = { sealedSessionId: 'sealed', windowMs: 100 };
      check((await store.completeExchange(finished)).ok, 'commit');
      await sleep(200);
      const again = await claim(store, clientId, old, null);
      check(again.kind === 'claimed', `a record past retention is claimed again (got ${again.kind})`);
      same(await store.readCode({ clientId, codeHash: done }), { kind: 'done', idemHash: null, replay: null }, 'done after the replay window');
      await store.sweep();
      same(await store.readCode({ clientId, codeHash: done }), { kind: 'done', idemHash: null, replay: null }, 'done after a sweep');
    }),

    ...laterCases(withStore, claim, grantOf),
  ];
}

/** Registers every case with `test(name, fn)` (jest's or vitest's `it`, node:test's `test`). */
export function runStoreConformance(options: { createStore: () => AuthStore | Promise<AuthStore>; test: (name: string, fn: () => Promise<void>) => unknown; prefix?: string }): void {
  for (const c of storeConformanceCases(options.createStore)) options.test(`${options.prefix ?? 'store conformance'}: ${c.name}`, () => c.run());
}

type WithStore = (name: string, body: (store: AuthStore, clientId: string) => Promise<void>) => ConformanceCase;
type Claim = (store: AuthStore, clientId: string, codeHash: string, idemHash: string | null, leaseMs?: number, retainMs?: number) => ReturnType<AuthStore['claimCode']>;
type GrantOf = (store: AuthStore, clientId: string) => Promise<{ clientId: string; grantId: string }>;

/** Sessions, client separation, refresh leases and hit counters. */
function laterCases(withStore: WithStore, claim: Claim, grantOf: GrantOf): ConformanceCase[] {
  return [
    withStore('sessions: live until their ttl, deleted once, each client its own', async (store, clientId) => {
      const [a, b] = [hash(), hash()];
      await claim(store, clientId, a, null);
      await claim(store, clientId, b, null);
      const short = completion(clientId, a, 1, 'cust');
      short.session.ttlMs = 100;
      const long = completion(clientId, b, 1, 'cust');
      check((await store.completeExchange(short)).ok && (await store.completeExchange(long)).ok, 'commit');
      same(await store.findSession({ clientId: `${clientId}-other`, idHash: long.session.idHash }), null, 'a session under another client');
      same(await store.deleteSession({ clientId: `${clientId}-other`, idHash: long.session.idHash }), false, 'deleted under another client');
      await sleep(200);
      same(await store.findSession({ clientId, idHash: short.session.idHash }), null, 'an expired session');
      same(await store.deleteSession({ clientId, idHash: long.session.idHash }), true, 'logout');
      same(await store.deleteSession({ clientId, idHash: long.session.idHash }), false, 'logout again');
      same(await store.findSession({ clientId, idHash: long.session.idHash }), null, 'a deleted session');
      await store.sweep();
    }),

    withStore('each client its own codes: one code hash claimed under two client ids', async (store, clientId) => {
      const codeHash = hash();
      same((await claim(store, clientId, codeHash, null)).kind, 'claimed', 'client one');
      same((await claim(store, `${clientId}-b`, codeHash, null)).kind, 'claimed', 'client two');
    }),

    withStore('refresh: one lease among 10, compare-and-set on the version, moved for the late ones', async (store, clientId) => {
      const ref = await grantOf(store, clientId);
      same(await store.readGrant({ clientId: `${clientId}-other`, grantId: ref.grantId }), null, 'the grant under another client');
      const leases = await Promise.all(Array.from({ length: 10 }, () => store.leaseRefresh({ ...ref, version: 1, leaseMs: MIN })));
      const won = leases.filter((l) => l.kind === 'leased');
      same(won.length, 1, 'leases won');
      same(leases.filter((l) => l.kind === 'busy').length, 9, 'busy');
      const attempt = (won[0] as { attempt: number }).attempt;
      same(await store.commitRefresh({ ...ref, version: 1, attempt: attempt + 1, tokens: tokens('x') }), false, 'a commit without the lease');
      same(await store.commitRefresh({ ...ref, version: 1, attempt, tokens: tokens('new', 'k2') }), true, 'the commit');
      same(await store.commitRefresh({ ...ref, version: 1, attempt, tokens: tokens('again') }), false, 'a second commit of the same version');
      const moved = await store.leaseRefresh({ ...ref, version: 1, leaseMs: MIN });
      check(moved.kind === 'moved' && moved.grant.version === 2 && moved.grant.accessToken === 'sealed-access-new' && moved.grant.keyId === 'k2', 'late leases see the new version');
      same((await store.leaseRefresh({ ...ref, grantId: '987654321', version: 1, leaseMs: MIN })).kind, 'gone', 'an unknown grant');
    }),

    withStore('refresh: an expired lease is leased again; a release frees it; reauth marks the version', async (store, clientId) => {
      const ref = await grantOf(store, clientId);
      const first = await store.leaseRefresh({ ...ref, version: 1, leaseMs: 80 });
      await sleep(150);
      const second = await store.leaseRefresh({ ...ref, version: 1, leaseMs: MIN });
      check(first.kind === 'leased' && second.kind === 'leased' && second.attempt > first.attempt, 'an expired lease is taken again');
      same(await store.commitRefresh({ ...ref, version: 1, attempt: first.attempt, tokens: tokens('stale') }), false, 'the fenced-out refresh');
      await store.releaseRefresh({ ...ref, attempt: second.attempt });
      same((await store.leaseRefresh({ ...ref, version: 1, leaseMs: MIN })).kind, 'leased', 'after a release');
      await store.markReauth({ ...ref, version: 7 });
      same((await store.readGrant(ref))?.reauthRequired, false, 'reauth of another version');
      await store.markReauth({ ...ref, version: 1 });
      same((await store.readGrant(ref))?.reauthRequired, true, 'reauth');
    }),

    withStore('hits: counted per key across the window, refused past the limit with the time left', async (store, clientId) => {
      const hits = await Promise.all(Array.from({ length: 5 }, () => store.hit({ clientId, key: 'exchange:203.0.113.9', windowMs: MIN, limit: 3 })));
      same(hits.filter((h) => h.allowed).length, 3, 'allowed');
      for (const h of hits.filter((x) => !x.allowed)) check(h.retryAfterMs > 0 && h.retryAfterMs <= MIN, `retryAfterMs ${h.retryAfterMs}`);
      same((await store.hit({ clientId, key: 'exchange:203.0.113.10', windowMs: MIN, limit: 3 })).allowed, true, 'another key');
      same((await store.hit({ clientId: `${clientId}-b`, key: 'exchange:203.0.113.9', windowMs: MIN, limit: 3 })).allowed, true, 'another client');
    }),
  ];
}
