/**
 * Model-based driver for the property tests (not a test file: it does not match *.test.ts).
 *
 * One "world" = one simulated wallet (`createWalletSimulator({ user: 'manual' })`), one shared
 * in-memory storage, one clock (jest's modern fake clock: `Date.now`, advanced by `flush` steps and
 * moved without running timers by `clock` steps) and the page that is "live": one authorizer, or
 * two (`pages: 2`) over one host, one storage adapter and one page target, as when two parts of a
 * page each create one. With `sheet`, each has a consent presenter (the `<consent-prompt>` hook)
 * whose sheets the `sheet` events answer ("Continue" is a tap). `reload` kills the live page (its
 * host, storage and submit wrappers go dead, the wallet page it had open closes, its callers are no
 * longer tracked) and creates a new one over the same storage and wallet.
 *
 * Every wallet call and every submission goes through instrumented wrappers that record, at call
 * time, what the invariants need; `checkStep()` runs after every event and `drain()` at the end.
 *
 * Invariants (a violation throws with the step log; see checkProperty for seeds):
 *  - no consent prompt before engagement without a gesture: a wallet call that would open the
 *    consent page (a consent scope the wallet has not granted) is made only when an authorizer of
 *    the page that has the scopes under way is engaged, inside a synchronous tap (a sheet's
 *    "Continue" too), or for scopes a tap entitled (its own, and those of the requests under way
 *    that it joins/absorbs: later calls of a multi-call plan);
 *  - never two wallet prompts at once, across the page's authorizers: no prompting call while a
 *    page is open (unless made inside a tap while every open page is past its TIMEOUT: a tap on
 *    the page shows that no wallet page covers it), and otherwise `sim.maxOpenPrompts` ≤ 1;
 *  - never two consent sheets at once, no sheet over a wallet page within its TIMEOUT, and no
 *    wallet prompt while a sheet is open;
 *  - each code submitted at most once, only codes the wallet delivered, and never more than
 *    codeMaxAgeMs after the wallet delivered it;
 *  - no denied scope (consentState 'denied') re-prompted without a gesture/entitlement; a
 *    non-gesture authorize of a denied scope rejects DENIED; defer:false before engagement
 *    rejects FIRST_SCREEN;
 *  - every authorize promise settles (an aborted caller at once, with ABORTED; all others by the
 *    end of the drain), resolving with a session that covers its scopes or rejecting an AuthError;
 *  - no unhandled rejection (our listener on the real process and jest-circus' own record);
 *  - the stored value always parses: JSON, version 1, well-formed session and consent record, no
 *    silent scope recorded as denied, no auth code in it; with synchronous storage the live
 *    consentState() equals the stored record;
 *  - only trusted interactions, popstate and markEngaged() engage (untrusted events never do).
 */
import fc from 'fast-check';
import { AuthError, AUTH_ERROR_CODES, createAuthorizer, isScopeName, isSilentScope, SCOPES } from '../../utils';
import type { AuthCodeHost, Authorizer, GetAuthCodeCall, PendingConsent, RawAuthCodeResult, Session, StorageAdapter, SubmitContext } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import type { ConsentRequest, WalletFault, WalletSimulator } from '../../utils/testing';
import { fakeTarget, type FakeTarget } from '../core/helpers';
import { report } from '../support/verbose';

// ---------------------------------------------------------------------------------------------
// Events

export const CATALOGUE = Object.keys(SCOPES);
/** A well-formed scope outside the catalogue: a consent scope. */
export const UNKNOWN_SCOPE = 'PARTNER_LOYALTY_POINTS';
export const ALL_SCOPES = [...CATALOGUE, UNKNOWN_SCOPE];

export const WALLET_ERROR_CODES = [3, 1000, 1001, 1002, 1003, 2001, 11, 10, 4, 12, 1005, 15, 40006] as const;

export type SubmitKind = 'ok' | 'network' | '5xx' | '429' | '4xx' | 'refused' | 'slow';
export type SlowOutcome = 'ok' | 'network' | '5xx' | 'refused';
export type ClockJump = 'small' | 'pastCodeMaxAge' | 'pastSessionTtl' | 'pastCodeTtl' | 'back';

export type Event =
  | { t: 'authorize'; scopes: string[]; defer: boolean; signal: boolean; page?: number }
  | { t: 'tap'; scopes: string[]; trusted: boolean; signal: boolean; page?: number }
  | { t: 'engage'; how: 'markEngaged' | 'click' | 'keydown' | 'popstate' | 'hashchange' | 'untrusted-click' | 'untrusted-popstate'; page?: number }
  | { t: 'sheet'; answer: 'continue' | 'dismiss'; which: number }
  | { t: 'answer'; answer: 'allow' | 'deny' | 'dismiss' | 'partial'; which: number; mask: number }
  | { t: 'fault'; fault: WalletFault; times: number }
  | { t: 'submitNext'; kind: SubmitKind }
  | { t: 'releaseSlow'; which: number; outcome: SlowOutcome }
  | { t: 'abort'; which: number }
  | { t: 'signOut'; page?: number }
  | { t: 'reload' }
  | { t: 'clock'; jump: ClockJump }
  | { t: 'flush'; ms: number };

export interface WorldConfig {
  timeoutMs: number;
  retryDelayMs: number;
  maxRetries: number;
  codeMaxAgeMs: number;
  sessionTtlMs: number | undefined;
  asyncStorage: boolean;
  /** Authorizers on the page, over one host and one storage. */
  pages?: number;
  /** A consent presenter (the sheet) on each. */
  sheet?: boolean;
}

/** A few scopes come up often (so requests overlap, join and hit the consent record); any can. */
const HOT_SCOPES = ['auth_base', 'USER_ID', 'auth_user', 'USER_NAME', 'USER_CONTACTINFO', UNKNOWN_SCOPE];
const scopeArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOT_SCOPES) }, { weight: 1, arbitrary: fc.constantFrom(...ALL_SCOPES) });
const scopesArb = fc.uniqueArray(scopeArb, { minLength: 1, maxLength: 4 });

const faultArb: fc.Arbitrary<WalletFault> = fc.oneof(
  fc.constantFrom(...WALLET_ERROR_CODES).map((error) => ({ error }) as WalletFault),
  fc.constantFrom<WalletFault>('hang', 'double', 'throw', 'empty', 'failed-spelling', 'complete-only'),
  fc
    .record({
      scopes: fc.uniqueArray(fc.constantFrom(...ALL_SCOPES), { minLength: 1, maxLength: 2 }),
      code: fc.constantFrom('10001', '1001', '11', '1002', '12', '4', '99999', ''),
      asString: fc.boolean(),
    })
    .map(({ scopes, code, asString }) => {
      const map = Object.fromEntries(scopes.map((s) => [s, code]));
      return { authErrorScopes: asString ? JSON.stringify(map) : map } as WalletFault;
    }),
);

export const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('authorize' as const), scopes: scopesArb, defer: fc.boolean(), signal: fc.boolean(), page: fc.nat(1) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('tap' as const), scopes: scopesArb, trusted: fc.boolean(), signal: fc.boolean(), page: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('engage' as const),
      how: fc.constantFrom('markEngaged', 'click', 'keydown', 'popstate', 'hashchange', 'untrusted-click', 'untrusted-popstate') as fc.Arbitrary<
        Extract<Event, { t: 'engage' }>['how']
      >,
      page: fc.nat(1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('sheet' as const), answer: fc.constantFrom('continue', 'continue', 'dismiss') as fc.Arbitrary<'continue' | 'dismiss'>, which: fc.nat(3) }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('answer' as const),
      answer: fc.constantFrom('allow', 'allow', 'allow', 'deny', 'dismiss', 'partial') as fc.Arbitrary<'allow' | 'deny' | 'dismiss' | 'partial'>,
      which: fc.nat(3),
      mask: fc.nat(15),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('fault' as const), fault: faultArb, times: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('submitNext' as const),
      kind: fc.constantFrom<SubmitKind>('ok', 'network', '5xx', '429', '4xx', 'refused', 'refused', 'slow', 'slow'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('releaseSlow' as const),
      which: fc.nat(3),
      outcome: fc.constantFrom<SlowOutcome>('ok', 'network', '5xx', 'refused'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), which: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('signOut' as const), page: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'reload' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('clock' as const),
      jump: fc.constantFrom<ClockJump>('small', 'pastCodeMaxAge', 'pastSessionTtl', 'pastCodeTtl', 'back'),
    }),
  },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('flush' as const), ms: fc.constantFrom(0, 0, 1, 10, 100, 1_000, 5_000, 30_000) }) },
);

export const configArb: fc.Arbitrary<WorldConfig> = fc.record({
  timeoutMs: fc.constantFrom(1_000, 5_000, 60_000),
  retryDelayMs: fc.constantFrom(0, 10, 200),
  maxRetries: fc.integer({ min: 0, max: 2 }),
  codeMaxAgeMs: fc.constantFrom(2_000, 60_000, 5 * 60_000),
  sessionTtlMs: fc.constantFrom<number | undefined>(undefined, 20_000, 10 * 60_000),
  asyncStorage: fc.boolean(),
  pages: fc.constantFrom(1, 1, 2),
  sheet: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------
// The world

const STORAGE_KEY = 'miniapp-auth-kit';
const T0 = Date.UTC(2025, 0, 1);
const SIM_CODE_TTL_MS = 10 * 60_000;

interface Instance {
  readonly id: number;
  auth: Authorizer;
  readonly target: FakeTarget;
  dead: boolean;
  loaded: boolean;
  /** Model of engagement: a trusted interaction, a navigation or markEngaged(). */
  engagedModel: boolean;
  /**
   * Consent scopes a gesture entitles to prompt without engagement: the tapped scopes and the
   * scopes of the requests under way at the tap (a tap opens a waiting prompt it joins, and later
   * calls of a multi-call plan follow without a new gesture). Narrowed after every step to the
   * scopes still pending.
   */
  entitled: Set<string>;
  /**
   * A tap made before an asynchronous storage load runs once the state is loaded (not inside the
   * tap, as the contract allows): until the step after the load ends, the requests then under way
   * count as entitled too.
   */
  preloadTap: boolean;
}

interface Caller {
  readonly id: number;
  readonly inst: Instance;
  readonly scopes: string[];
  readonly gesture: boolean;
  readonly controller: AbortController | null;
  /** Checked when it settles: the code the contract requires at call time, if any. */
  readonly expect: 'DENIED' | 'FIRST_SCREEN' | null;
  settled: boolean;
  value?: Session;
  error?: unknown;
}

interface Slow {
  code: string;
  inst: Instance;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  done: boolean;
}

export class Violation extends Error {
  override name = 'InvariantViolation';
}

function readScopes(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return ['auth_base'];
}

function refusal(code: string): Error {
  return Object.assign(new Error(`refused: ${code}`), { code });
}

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

export class World {
  readonly sim: WalletSimulator;
  readonly map = new Map<string, string>();
  readonly violations: string[] = [];
  readonly log: string[] = [];
  /** The live page's authorizers (one, or two over one host). */
  pages: Instance[] = [];
  /** Every sheet the presenters were given. */
  readonly sheets: Array<{ inst: Instance; pending: PendingConsent }> = [];
  private nextInstance = 1;
  private nextCaller = 1;
  readonly callers: Caller[] = [];
  /** Every code the wallet delivered → clock time of delivery (the wallet issues it in that task). */
  readonly issuedAt = new Map<string, number>();
  readonly submitted = new Set<string>();
  private readonly submitPlan: SubmitKind[] = [];
  readonly slow: Slow[] = [];
  /** Faults queued in the wallet (mirrors the simulator's queue: every forwarded call takes one). */
  private pendingFaults = 0;
  /** The instance whose synchronous tap handler is running. */
  private gestureOf: Instance | null = null;
  /** Callers whose signal the last step aborted: they must have rejected ABORTED by its end. */
  private justAborted: Caller[] = [];

  /** Fake time the timers have run (`flush` steps and the drain): clock jumps run no timer. */
  timerNow = 0;
  /** When each wallet page opened, in timer time. */
  readonly openedAt = new Map<number, number>();
  /** Pages past their TIMEOUT when a tap opened another prompt: left by the user (the tap shows it). */
  readonly abandoned = new Set<number>();

  constructor(readonly config: WorldConfig) {
    this.sim = createWalletSimulator({ user: 'manual', now: () => Date.now(), customerId: '10000011193988040001' });
    this.sim.onPrompt((p) => void this.openedAt.set(p.id, this.timerNow));
    this.pages = this.createPage();
  }

  /** The authorizer an event is for. */
  private page(n = 0): Instance {
    return this.pages[n % this.pages.length] as Instance;
  }

  /** Sheets open now on the live page. */
  openSheets(): Array<{ inst: Instance; pending: PendingConsent }> {
    return this.sheets.filter((s) => !s.inst.dead && !s.pending.signal.aborted);
  }

  /** A wallet page whose call has timed out: a tap may take its turn. */
  pastTimeout(p: ConsentRequest): boolean {
    return this.timerNow - (this.openedAt.get(p.id) as number) >= this.config.timeoutMs;
  }

  private violate(message: string): void {
    this.violations.push(message);
  }

  // -------------------------------------------------------------------------------------------
  // Instrumented wrappers (one set per page, shared by its authorizers)

  /** Whether some authorizer of the page may open a consent page for `prompting` now. */
  private checkPrompting(pages: Instance[], prompting: string[]): void {
    const verdicts = pages.map((inst) => {
      const pendingNow = new Set(inst.auth.snapshot().pendingScopes);
      const entitled = this.gestureOf === inst || prompting.every((s) => inst.entitled.has(s) || (inst.preloadTap && pendingNow.has(s)));
      // The call is this authorizer's only if it has the scopes under way.
      const mine = prompting.every((s) => pendingNow.has(s));
      return { mine, engaged: inst.auth.engaged || entitled, undenied: entitled || !prompting.some((s) => inst.auth.consentState(s) === 'denied') };
    });
    const ids = pages.map((i) => i.id).join(',');
    if (!verdicts.some((v) => v.mine && v.engaged)) this.violate(`consent prompt for [${prompting}] before engagement without a gesture (instance ${ids})`);
    else if (!verdicts.some((v) => v.mine && v.engaged && v.undenied)) this.violate(`denied scope(s) in [${prompting}] re-prompted without a gesture (instance ${ids})`);
  }

  /** The wallet behind the page's `my`: every call checked, every code it hands out recorded. */
  private hostFor(pages: Instance[]): AuthCodeHost {
    const world = this;
    const dead = () => pages[0]!.dead;
    return {
      getAuthCode(call: Partial<GetAuthCodeCall> & { scopes?: unknown }) {
        // A dead page's bridge never answers.
        if (dead()) return;
        const scopes = readScopes(call.scopes);
        const faulted = world.pendingFaults > 0;
        if (faulted) world.pendingFaults--;
        // Consent scopes the wallet would open its consent page for.
        const prompting = scopes.filter((s) => !isSilentScope(s) && !world.sim.grants.has(s));
        const inGesture = pages.some((p) => world.gestureOf === p);
        // A call for consent scopes inside a tap takes the turn of a page past its TIMEOUT: for the
        // model that page is gone from the screen (the tap shows it; its late answer may still come).
        if (inGesture && scopes.some((s) => !isSilentScope(s))) {
          for (const p of world.onScreen()) if (world.pastTimeout(p)) world.abandoned.add(p.id);
        }
        if (prompting.length > 0) {
          world.checkPrompting(pages, prompting);
          // A prompt still open counts as open until it answers or, past its TIMEOUT, a tap comes
          // (a tap on the page shows that no wallet page covers it).
          const live = world.onScreen();
          if (!faulted && live.length > 0) {
            world.violate(`second wallet prompt for [${prompting}] while [${live.map((p) => p.consentScopes.join(','))}] is open`);
          }
          if (world.openSheets().length > 0) world.violate(`wallet prompt for [${prompting}] while a sheet is open`);
        }
        world.log.push(`    wallet call [${scopes}]${prompting.length ? ` prompting [${prompting}]` : ''}${faulted ? ' (fault)' : ''}`);
        const wrap = (cb: ((r: RawAuthCodeResult) => void) | undefined) =>
          typeof cb === 'function'
            ? (r: RawAuthCodeResult) => {
                if (dead()) return;
                if (r && typeof r === 'object') {
                  for (const k of ['authCode', 'authcode'] as const) {
                    const code = r[k];
                    if (typeof code === 'string' && code && !world.issuedAt.has(code)) {
                      world.issuedAt.set(code, Date.now());
                      // A wallet that hands out a code for a scope has granted it. The simulator's
                      // 'double' and 'complete-only' faults issue codes for consent scopes without
                      // recording the grant; keep its bookkeeping consistent so a later silent
                      // fetch of a scope the kit (rightly) records as granted does not open a page.
                      if (Array.isArray(r.authSuccessScopes)) {
                        for (const s of r.authSuccessScopes) if (typeof s === 'string') (world.sim.grants as Set<string>).add(s);
                      }
                    }
                  }
                }
                cb(r);
              }
            : undefined;
        return world.sim.my.getAuthCode({
          scopes: call.scopes,
          success: wrap(call.success),
          fail: wrap(call.fail),
          failed: wrap(call.failed),
          complete: wrap(call.complete),
        } as Partial<GetAuthCodeCall>);
      },
    };
  }

  private storageFor(pages: Instance[]): StorageAdapter {
    const map = this.map;
    const dead = () => pages[0]!.dead;
    if (this.config.asyncStorage) {
      return {
        get: (key) => Promise.resolve().then(() => map.get(key) ?? null),
        set: (key, value) => Promise.resolve().then(() => void (dead() || map.set(key, value))),
        remove: (key) => Promise.resolve().then(() => void (dead() || map.delete(key))),
      };
    }
    return {
      get: (key) => map.get(key) ?? null,
      set: (key, value) => void (dead() || map.set(key, value)),
      remove: (key) => void (dead() || map.delete(key)),
    };
  }

  private submitFor(pages: Instance[]): (code: string, ctx: SubmitContext) => Promise<unknown> {
    const world = this;
    return (code, ctx) => {
      if (pages[0]!.dead) return new Promise(() => undefined);
      const at = Date.now();
      if (world.submitted.has(code)) world.violate(`code submitted twice (attempt ${ctx.attempt}, scopes [${ctx.scopes}])`);
      world.submitted.add(code);
      const issued = world.issuedAt.get(code);
      if (issued === undefined) world.violate('submitted a code the wallet never delivered');
      else if (at - issued > world.config.codeMaxAgeMs) {
        world.violate(`code submitted ${at - issued} ms after issue (codeMaxAgeMs ${world.config.codeMaxAgeMs})`);
      }
      const kind = world.submitPlan.shift() ?? 'ok';
      world.log.push(`    submit attempt ${ctx.attempt} [${ctx.scopes}] → ${kind}`);
      switch (kind) {
        case 'ok':
          return Promise.resolve().then(() => world.exchange(code));
        case 'network':
          return Promise.reject(new TypeError('Failed to fetch'));
        case '5xx':
          return Promise.reject(httpError(503));
        case '429':
          return Promise.reject(httpError(429));
        case '4xx':
          return Promise.reject(httpError(400));
        case 'refused':
          return Promise.reject(refusal('USED_CODE'));
        case 'slow':
          return new Promise((resolve, reject) => world.slow.push({ code, inst: pages[0]!, resolve, reject, done: false }));
      }
    };
  }

  /** A sheet the presenter shows: never two, never over a wallet page within its TIMEOUT. */
  private present(inst: Instance, pending: PendingConsent): void {
    // A page that reloaded is gone, with what it would still show.
    if (inst.dead) return;
    if (this.openSheets().length > 0) this.violate(`sheet for [${pending.scopes}] while another sheet is open`);
    const live = this.onScreen().filter((p) => !this.pastTimeout(p));
    if (live.length > 0) this.violate(`sheet for [${pending.scopes}] over the open wallet page [${live.map((p) => p.consentScopes.join(','))}]`);
    this.sheets.push({ inst, pending });
    this.log.push(`    sheet [${pending.scopes}] (instance ${inst.id})`);
  }

  /** A live page: its authorizers over one host, one storage and one page target. */
  private createPage(): Instance[] {
    const target = fakeTarget();
    const pages: Instance[] = [];
    const host = this.hostFor(pages);
    const storage = this.storageFor(pages);
    const submit = this.submitFor(pages);
    for (let n = 0; n < (this.config.pages ?? 1); n++) {
      const inst: Instance = { id: this.nextInstance++, auth: undefined as unknown as Authorizer, target, dead: false, loaded: false, engagedModel: false, entitled: new Set(), preloadTap: false };
      inst.auth = createAuthorizer({
        submit,
        host,
        storage,
        now: () => Date.now(),
        engagementTarget: target,
        timeoutMs: this.config.timeoutMs,
        retryDelayMs: this.config.retryDelayMs,
        maxRetries: this.config.maxRetries,
        codeMaxAgeMs: this.config.codeMaxAgeMs,
        ...(this.config.sessionTtlMs !== undefined ? { sessionTtlMs: this.config.sessionTtlMs } : {}),
      });
      if (this.config.sheet) inst.auth.setConsentPresenter((pending) => this.present(inst, pending));
      void inst.auth.ready().then(() => {
        inst.loaded = true;
      });
      pages.push(inst);
    }
    return pages;
  }

  /** The merchant backend: the wallet OpenAPI's single-use, expiring codes. */
  exchange(code: string): unknown {
    const r = this.sim.exchange(code);
    if (!r.ok) throw refusal(r.error);
    return { customerId: r.customerId, scopes: r.scopes };
  }

  // -------------------------------------------------------------------------------------------
  // Events

  private call(inst: Instance, scopes: string[], gesture: boolean, defer: boolean, withSignal: boolean): void {
    const auth = inst.auth;
    const controller = withSignal ? new AbortController() : null;
    let expect: Caller['expect'] = null;
    if (!gesture && inst.loaded) {
      const session = auth.session();
      const needed = scopes.filter((s) => !session?.scopes.includes(s));
      if (needed.some((s) => auth.consentState(s) === 'denied')) expect = 'DENIED';
      else if (!defer && !auth.engaged && needed.some((s) => auth.consentState(s) !== 'granted')) expect = 'FIRST_SCREEN';
    }
    const options = { gesture, defer, ...(controller ? { signal: controller.signal } : {}) };
    let promise: Promise<Session>;
    if (gesture) {
      // Everything the tap may open (its own scopes and the waiting requests it joins).
      for (const s of [...scopes, ...auth.snapshot().pendingScopes]) inst.entitled.add(s);
      if (!inst.loaded) inst.preloadTap = true;
      this.gestureOf = inst;
      try {
        promise = auth.authorize(scopes, options);
      } finally {
        this.gestureOf = null;
      }
    } else {
      promise = auth.authorize(scopes, options);
    }
    const caller: Caller = { id: this.nextCaller++, inst, scopes, gesture, controller, expect, settled: false };
    this.callers.push(caller);
    promise.then(
      (value) => {
        caller.settled = true;
        caller.value = value;
        this.checkOutcome(caller);
      },
      (error) => {
        caller.settled = true;
        caller.error = error;
        this.checkOutcome(caller);
      },
    );
  }

  private checkOutcome(c: Caller): void {
    if (c.inst.dead) return;
    const what = `authorize#${c.id}([${c.scopes}]${c.gesture ? ', gesture' : ''})`;
    if (c.error === undefined) {
      const session = c.value;
      if (!session || !Array.isArray(session.scopes) || !c.scopes.every((s) => session.scopes.includes(s))) {
        this.violate(`${what} resolved with a session that does not cover its scopes: ${JSON.stringify(session)}`);
      }
      if (c.expect) this.violate(`${what} resolved, expected ${c.expect}`);
      this.log.push(`    ${what} → resolved`);
      return;
    }
    if (!(c.error instanceof AuthError) || !AUTH_ERROR_CODES.includes(c.error.code)) {
      this.violate(`${what} rejected with a non-AuthError: ${String(c.error)}`);
      return;
    }
    if (c.expect && c.error.code !== c.expect) this.violate(`${what} rejected ${c.error.code}, expected ${c.expect}`);
    this.log.push(`    ${what} → ${c.error.code}`);
  }

  async run(event: Event): Promise<void> {
    this.log.push(`${JSON.stringify(event)}`);
    const inst = this.page('page' in event ? event.page : 0);
    // Trusted events reach the page, and so every authorizer of it.
    const engageAll = () => this.pages.forEach((p) => (p.engagedModel = true));
    switch (event.t) {
      case 'authorize':
        this.call(inst, event.scopes, false, event.defer, event.signal);
        break;
      case 'tap':
        // A real tap: pointerdown/click reach the page (trusted) before the handler runs; an
        // untrusted one models a DSL page or a scripted click on the consent button.
        if (event.trusted) {
          inst.target.fire('pointerdown', true);
          engageAll();
        }
        this.call(inst, event.scopes, true, true, event.signal);
        break;
      case 'engage':
        switch (event.how) {
          case 'markEngaged':
            inst.auth.markEngaged();
            inst.engagedModel = true;
            break;
          case 'click':
          case 'keydown':
          case 'popstate':
            inst.target.fire(event.how, true);
            engageAll();
            break;
          case 'hashchange':
            // A trusted hashchange may or may not count: the core ignores it on purpose (a router
            // setting the hash at launch fires a trusted one). Either way is accepted here.
            inst.target.fire(event.how, true);
            for (const p of this.pages) p.engagedModel = p.engagedModel || p.auth.engaged;
            break;
          case 'untrusted-click':
            inst.target.fire('click', false);
            break;
          case 'untrusted-popstate':
            inst.target.fire('popstate', false);
            break;
        }
        break;
      case 'answer': {
        const prompts = this.sim.prompts;
        const p: ConsentRequest | undefined = prompts[event.which % Math.max(1, prompts.length)];
        if (!p) break;
        if (event.answer === 'partial') {
          const allow = p.consentScopes.filter((_, i) => (event.mask >> i) & 1);
          p.answer({ allow });
        } else p.answer(event.answer);
        break;
      }
      case 'fault':
        this.sim.failNext(event.fault, event.times);
        this.pendingFaults += event.times;
        break;
      case 'submitNext':
        this.submitPlan.push(event.kind);
        break;
      case 'releaseSlow': {
        const open = this.slow.filter((s) => !s.done);
        const s = open[event.which % Math.max(1, open.length)];
        if (s) this.release(s, event.outcome);
        break;
      }
      case 'abort': {
        const abortable = this.callers.filter((c) => !c.settled && !c.inst.dead && c.controller && !c.controller.signal.aborted);
        const c = abortable[event.which % Math.max(1, abortable.length)];
        if (c) {
          c.controller?.abort();
          this.justAborted.push(c);
        }
        break;
      }
      case 'signOut':
        void inst.auth.signOut();
        break;
      case 'sheet': {
        const open = this.openSheets();
        const sheet = open[event.which % Math.max(1, open.length)];
        if (!sheet) break;
        if (event.answer === 'dismiss') {
          sheet.pending.dismiss();
          break;
        }
        // "Continue" is a tap: it entitles the sheet's scopes and the requests under way.
        for (const s of [...sheet.pending.scopes, ...sheet.inst.auth.snapshot().pendingScopes]) sheet.inst.entitled.add(s);
        this.gestureOf = sheet.inst;
        try {
          sheet.pending.proceed();
        } finally {
          this.gestureOf = null;
        }
        break;
      }
      case 'reload':
        this.reload();
        break;
      case 'clock': {
        const c = this.config;
        const delta =
          event.jump === 'small'
            ? 1_000
            : event.jump === 'pastCodeMaxAge'
              ? c.codeMaxAgeMs + 1
              : event.jump === 'pastSessionTtl'
                ? (c.sessionTtlMs ?? 60 * 60_000) + 1
                : event.jump === 'pastCodeTtl'
                  ? SIM_CODE_TTL_MS + 1
                  : -30_000;
        // The wall clock jumps (device sleep, clock change); no timer runs.
        jest.setSystemTime(Date.now() + delta);
        break;
      }
      case 'flush':
        await this.advance(event.ms);
        break;
    }
    // Events are tasks: every microtask the step queued runs before the next one (as in a page),
    // but no timer runs unless the step was a flush.
    await realTurn();
    this.checkStep();
  }

  /** The wallet pages open and not left by the user. */
  onScreen(): ConsentRequest[] {
    return this.sim.prompts.filter((p) => !this.abandoned.has(p.id));
  }

  /** Runs the timers `ms` ahead. */
  private async advance(ms: number): Promise<void> {
    this.timerNow += ms;
    await jest.advanceTimersByTimeAsync(ms);
  }

  private release(s: Slow, outcome: SlowOutcome): void {
    s.done = true;
    switch (outcome) {
      case 'ok':
        try {
          s.resolve(this.exchange(s.code));
        } catch (error) {
          s.reject(error);
        }
        break;
      case 'network':
        s.reject(new TypeError('Failed to fetch'));
        break;
      case '5xx':
        s.reject(httpError(502));
        break;
      case 'refused':
        s.reject(refusal('INVALID_CODE'));
        break;
    }
  }

  /** The page reloads: its authorizers are gone (its wallet page closes with it). */
  private reload(): void {
    for (const old of this.pages) old.dead = true;
    for (const p of this.sim.prompts) p.dismiss();
    this.pages = this.createPage();
  }

  // -------------------------------------------------------------------------------------------
  // Invariants

  /** After every step. Throws a Violation with the step log. */
  checkStep(): void {
    // Never two wallet prompts at once.
    if (this.onScreen().length > 1 || (this.abandoned.size === 0 && this.sim.maxOpenPrompts > 1)) {
      this.violate(`${this.onScreen().length} wallet prompts open at once (max ever ${this.sim.maxOpenPrompts})`);
    }
    if (this.openSheets().length > 1) this.violate(`${this.openSheets().length} sheets open at once`);
    // The stored session and consent record always parse (and never hold a code).
    const raw = this.map.get(STORAGE_KEY);
    if (raw !== undefined) this.checkStored(raw);
    for (const inst of this.pages) this.checkPage(inst, raw);
    // A caller's abort settles its promise at once, with ABORTED.
    for (const c of this.justAborted.splice(0)) {
      if (c.inst.dead) continue;
      if (!c.settled) this.violate(`authorize#${c.id}([${c.scopes}]) did not settle when its signal aborted`);
      else if (!(c.error instanceof AuthError) || c.error.code !== 'ABORTED') {
        this.violate(`authorize#${c.id}([${c.scopes}]) settled ${c.error instanceof AuthError ? c.error.code : 'resolved'} after its signal aborted, expected ABORTED`);
      }
    }
    this.throwIfViolated();
  }

  /** One authorizer of the live page after a step. */
  private checkPage(inst: Instance, raw: string | undefined): void {
    // Engagement: only trusted interactions, navigations and markEngaged() engage.
    if (inst.auth.engaged !== inst.engagedModel) {
      this.violate(`engaged is ${inst.auth.engaged}, expected ${inst.engagedModel} (untrusted events must not engage; instance ${inst.id})`);
    }
    // With synchronous storage, the stored consent record is the live one.
    if (!this.config.asyncStorage && inst.loaded) {
      let stored: Record<string, string> = {};
      try {
        if (raw !== undefined) stored = (JSON.parse(raw) as { consent?: Record<string, string> }).consent ?? {};
      } catch {
        // Reported by checkStored.
      }
      for (const s of ALL_SCOPES) {
        const expected = isSilentScope(s) ? 'granted' : (stored[s] ?? 'unknown');
        const actual = inst.auth.consentState(s);
        if (actual !== expected) this.violate(`consentState(${s}) is ${actual} but storage says ${expected} (instance ${inst.id})`);
      }
    }
    // Entitlement lasts as long as the requests it covers.
    const pending = new Set(inst.auth.snapshot().pendingScopes);
    if (inst.preloadTap && inst.loaded) {
      for (const s of pending) inst.entitled.add(s);
      inst.preloadTap = false;
    }
    for (const s of [...inst.entitled]) if (!pending.has(s)) inst.entitled.delete(s);
  }

  private checkStored(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      this.violate(`stored value is not JSON: ${raw.slice(0, 200)}`);
      return;
    }
    const fail = (why: string) => this.violate(`stored value ${why}: ${raw.slice(0, 300)}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('is not an object');
    const v = value as Record<string, unknown>;
    if (v.v !== 1) fail('has no version 1');
    const keys = Object.keys(v).sort().join(',');
    if (keys !== 'consent,session,v' && keys !== 'consent,epoch,session,v') fail(`has keys ${keys}`);
    // The sign-out count: a positive integer, and never lower than a sign-out already seen.
    if (v.epoch !== undefined && (!Number.isSafeInteger(v.epoch) || (v.epoch as number) < 1)) fail('has a malformed epoch');
    const session = v.session;
    if (session !== null) {
      if (typeof session !== 'object' || Array.isArray(session) || session === undefined) fail('has a malformed session');
      else {
        const s = session as Record<string, unknown>;
        if (!Array.isArray(s.scopes) || s.scopes.length === 0 || !s.scopes.every(isScopeName)) fail('has malformed session scopes');
        else if (new Set(s.scopes).size !== s.scopes.length) fail('has duplicate session scopes');
        if (s.expiresAt !== undefined && (typeof s.expiresAt !== 'number' || !Number.isFinite(s.expiresAt))) fail('has a malformed expiresAt');
        if (!('data' in s)) fail('has a session without data');
      }
    }
    const consent = v.consent;
    if (typeof consent !== 'object' || consent === null || Array.isArray(consent)) fail('has a malformed consent record');
    else {
      for (const [scope, state] of Object.entries(consent)) {
        if (!isScopeName(scope) || (state !== 'granted' && state !== 'denied')) fail(`has consent entry ${scope}=${String(state)}`);
        if (isSilentScope(scope) && state === 'denied') fail(`records silent scope ${scope} as denied`);
      }
    }
    for (const code of this.issuedAt.keys()) if (raw.includes(code)) fail('contains an auth code');
  }

  throwIfViolated(): void {
    if (this.violations.length > 0) {
      throw new Violation(`${this.violations.join('\n')}\n--- steps ---\n${this.log.slice(-80).join('\n')}`);
    }
  }

  /**
   * End of a sequence: the user engages, every wallet page is dismissed, every slow submission
   * answers and the timers run past every timeout and backoff, until nothing is pending. Then
   * every authorize promise of the live page must have settled.
   */
  async drain(): Promise<void> {
    this.log.push('--- drain ---');
    // From now on the user answers every wallet page at once ("not now").
    this.sim.onPrompt((p) => queueMicrotask(() => p.dismiss()));
    for (let round = 0; round < 30; round++) {
      const live = this.callers.filter((c) => !c.inst.dead);
      const busy = live.some((c) => !c.settled) || this.sim.prompts.length > 0 || this.openSheets().length > 0 || this.slow.some((s) => !s.done && !s.inst.dead);
      if (!busy && round > 0) break;
      for (const inst of this.pages) {
        if (!inst.auth.engaged) {
          inst.auth.markEngaged();
          inst.engagedModel = true;
        }
      }
      for (const p of this.sim.prompts) p.dismiss();
      for (const sheet of this.openSheets()) sheet.pending.dismiss();
      for (const s of this.slow) if (!s.done) this.release(s, 'ok');
      await this.advance(0);
      this.checkStep();
      await this.advance(this.config.timeoutMs + 1_000 + this.config.retryDelayMs * 8);
      this.checkStep();
    }
    const unsettled = this.callers.filter((c) => !c.inst.dead && !c.settled);
    if (unsettled.length > 0) {
      this.violate(`authorize promise(s) never settled: ${unsettled.map((c) => `#${c.id}([${c.scopes}])`).join(', ')}`);
    }
    this.throwIfViolated();
  }
}

// ---------------------------------------------------------------------------------------------
// Harness: fake timers, unhandled rejections, seeds

const realSetImmediate = setImmediate;
/** A real macrotask turn: Node reports unhandled rejections at the end of one. */
export function realTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/**
 * Unhandled rejections. Jest runs the test in a sandbox whose `process` never emits
 * 'unhandledRejection'; jest-circus listens on the real (parent) process and keeps its own record
 * per test. Both are watched: our listener on the parent process (reached through circus' state)
 * and circus' per-test record.
 */
interface CircusState {
  parentProcess?: NodeJS.Process;
  currentlyRunningTest?: { unhandledRejectionErrorByPromise?: Map<Promise<unknown>, unknown> } | null;
}
function circusState(): CircusState | undefined {
  const sym = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
  return sym ? ((globalThis as Record<symbol, unknown>)[sym] as CircusState) : undefined;
}
const unhandledByPromise = new Map<Promise<unknown>, unknown>();
const seenByJest = new Set<Promise<unknown>>();
const onUnhandled = (reason: unknown, promise: Promise<unknown>) => {
  unhandledByPromise.set(promise, reason);
};
const onHandled = (promise: Promise<unknown>) => {
  unhandledByPromise.delete(promise);
};
let watched: NodeJS.Process = process;

/** Unhandled rejections since the last call (ours and jest's record). */
export function takeUnhandled(): unknown[] {
  const out = [...unhandledByPromise.values()];
  unhandledByPromise.clear();
  const jestRecord = circusState()?.currentlyRunningTest?.unhandledRejectionErrorByPromise;
  if (jestRecord) {
    for (const [promise, reason] of jestRecord) {
      if (seenByJest.has(promise)) continue;
      seenByJest.add(promise);
      if (!out.includes(reason)) out.push(reason);
    }
  }
  return out;
}

export function installHarness(): void {
  beforeAll(() => {
    watched = circusState()?.parentProcess ?? process;
    watched.on('unhandledRejection', onUnhandled);
    watched.on('rejectionHandled', onHandled);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  });
  afterAll(() => {
    jest.useRealTimers();
    watched.off('unhandledRejection', onUnhandled);
    watched.off('rejectionHandled', onHandled);
  });
}

/** One sequence, from a fresh world. */
export async function runSequence(config: WorldConfig, events: Event[]): Promise<World> {
  jest.clearAllTimers();
  jest.setSystemTime(T0);
  takeUnhandled();
  const world = new World(config);
  for (const event of events) await world.run(event);
  await world.drain();
  await realTurn();
  await realTurn();
  const unhandled = takeUnhandled();
  if (unhandled.length > 0) {
    throw new Violation(`unhandled rejection(s): ${unhandled.map(String).join('; ')}\n--- steps ---\n${world.log.slice(-80).join('\n')}`);
  }
  return world;
}

/**
 * Runs `property` with the seed and path from FC_SEED / FC_PATH when given; on failure the error
 * names the seed, the path and the command that replays exactly the failing sequence.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  file: string,
  property: fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  const seed = Number(process.env.FC_SEED) || undefined;
  const path = process.env.FC_PATH || undefined;
  const params: fc.Parameters<Ts> = { numRuns, verbose: 1, endOnFailure: false };
  if (seed !== undefined) params.seed = seed;
  if (path !== undefined) params.path = path;
  const details = await fc.check(property, params);
  // The number of sequences run, with MAK_VERBOSE=1 (a failure below names the seed and path anyway).
  report(`[property] ${name}: ${details.numRuns} sequences run, seed ${details.seed}${path ? `, path ${path}` : ''}${details.failed ? ' – FAILED' : ''}`);
  if (details.failed) {
    const summary = fc.defaultReportMessage(details) ?? '';
    const repro = `FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ''} npx jest ${file}`;
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${name} failed (seed ${details.seed}, path ${details.counterexamplePath}). Reproduce with:\n  ${repro}\n\n${cause}\n\n${summary}`);
  }
}
