/** Shared checks of the bad-input corpus (not a test file). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUTH_ERROR_CODES, AuthError, isScopeName } from '../../utils';
import type { AuthCodeResult } from '../../utils';

const PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

function shape(o: object): string {
  return Reflect.ownKeys(o)
    .map((k) => String(k))
    .sort()
    .join(',');
}

/** After every case: no `polluted` on any object, the built-in prototypes unchanged. */
export function installPrototypeGuard(): void {
  const before = PROTOTYPES.map(([name, proto]) => [name, shape(proto), Object.getPrototypeOf(proto)] as const);
  afterEach(() => {
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(([] as unknown as { polluted?: unknown }).polluted).toBeUndefined();
    for (const [name, keys, parent] of before) {
      const proto = PROTOTYPES.find(([n]) => n === name)![1];
      expect(`${name}: ${shape(proto)}`).toBe(`${name}: ${keys}`);
      expect(Object.getPrototypeOf(proto)).toBe(parent);
    }
  });
}

/**
 * The caller's own exception, from a getter of the caller's own object: the kit hands it back
 * unchanged (a rejection, never a synchronous throw, a hang or another error).
 */
export const OWN_ERROR = new Error("the caller's own getter failed");

/** An object whose `key` getter throws `OWN_ERROR`. */
export function throwingGetter(key: string): object {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw OWN_ERROR;
    },
  });
}

/** The TypeErrors the kit throws on purpose for programmer errors (options, arguments). */
const KIT_TYPE_ERROR =
  /^(requestAuthCode|options\.host|timeoutMs|bridgeWaitMs|createAuthorizer|authorize|httpSubmitter|submit:|subscribe\(|setConsentPresenter\(|defineConsentElements|createWalletSimulator|my\.getAuthCode|<consent-button>|<consent-prompt>|<auth-gate>)/;

export function isKitTypeError(error: unknown): error is TypeError {
  return error instanceof TypeError && KIT_TYPE_ERROR.test(error.message);
}

/** A typed error: an `AuthError` with a contract code, or one of the kit's own TypeErrors. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}(${(error as { code?: unknown }).code ?? ''}): ${error.message.slice(0, 200)}`;
  try {
    return `non-Error ${typeof error}: ${String(error).slice(0, 200)}`;
  } catch {
    return `non-Error ${typeof error}`;
  }
}

export function expectAuthError(error: unknown, codes?: readonly string[]): asserts error is AuthError {
  if (!(error instanceof AuthError)) throw new Error(`expected an AuthError, got ${describeError(error)}`);
  expect(AUTH_ERROR_CODES).toContain(error.code);
  if (codes) expect(codes).toContain(error.code);
  expect(typeof error.retryable).toBe('boolean');
  expect(Array.isArray(error.scopes)).toBe(true);
  for (const s of error.scopes) expect(typeof s).toBe('string');
  if (error.platformCode !== undefined) {
    expect(['string', 'number']).toContain(typeof error.platformCode);
    expect(String(error.platformCode).length).toBeLessThanOrEqual(64);
  }
  expect(error.message.length).toBeLessThan(1000);
}

export function expectTyped(error: unknown, codes?: readonly string[]): void {
  if (isKitTypeError(error)) {
    if (codes && !codes.includes('TypeError')) throw new Error(`expected AuthError ${codes.join('|')}, got ${describeError(error)}`);
    return;
  }
  if (codes && codes.length === 1 && codes[0] === 'TypeError') throw new Error(`expected the kit's TypeError, got ${describeError(error)}`);
  expectAuthError(error, codes?.filter((c) => c !== 'TypeError'));
}

/** Neither the message, the stack nor any own field of the error carries `secret`. */
export function expectNoSecret(error: unknown, secret: string): void {
  if (!secret) return;
  const e = error as Record<string, unknown> | null;
  const texts: string[] = [];
  if (e && typeof e === 'object') {
    for (const k of Reflect.ownKeys(e)) {
      try {
        texts.push(String((e as Record<PropertyKey, unknown>)[k]));
      } catch {
        /* ignore */
      }
    }
    texts.push(String((e as { message?: unknown }).message ?? ''), String((e as { stack?: unknown }).stack ?? ''));
    const cause = (e as { cause?: unknown }).cause;
    if (cause !== undefined) {
      try {
        texts.push(JSON.stringify(cause) ?? '', String(cause));
      } catch {
        texts.push(String(cause));
      }
    }
  }
  for (const t of texts) expect(t.includes(secret)).toBe(false);
}

/** A clean `requestAuthCode` result. */
export function expectCleanResult(result: AuthCodeResult): void {
  expect(typeof result.authCode).toBe('string');
  expect(result.authCode.length).toBeGreaterThan(0);
  expect(result.authCode.length).toBeLessThanOrEqual(4096);
  expect(Array.isArray(result.grantedScopes)).toBe(true);
  for (const s of result.grantedScopes) expect(isScopeName(s)).toBe(true);
  expect(typeof result.failedScopes).toBe('object');
  expect(result.failedScopes).not.toBeNull();
  expect([Object.prototype, null]).toContain(Object.getPrototypeOf(result.failedScopes));
  for (const [k, v] of Object.entries(result.failedScopes)) {
    expect(isScopeName(k)).toBe(true);
    expect(typeof v).toBe('string');
  }
  expect(Object.prototype.hasOwnProperty.call(result.failedScopes, '__proto__')).toBe(false);
}

/** Settles `promise` or reports that it did not within `ms` (real timers). */
export async function outcome<T>(promise: Promise<T>, ms = 2000): Promise<{ kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'hang' }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<{ kind: 'hang' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ kind: 'ok' as const, value }),
        (error: unknown) => ({ kind: 'error' as const, error }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls `fn` and turns a synchronous throw into a rejection (a public API may do either). */
export function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Records unhandled rejections and uncaught exceptions while a case runs. */
export function watchUnhandled(): { readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onRejection = (reason: unknown) => errors.push(reason);
  const onException = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    errors,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

/** The built kit (`npm test` builds first), for cases run in a child process. */
function builtKit(): { kit: string; testing: string } {
  const dist = path.resolve(__dirname, '../../dist');
  const kit = path.join(dist, 'index.cjs');
  const testing = path.join(dist, 'testing.cjs');
  if (!fs.existsSync(kit) || !fs.existsSync(testing)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  return { kit, testing };
}

/**
 * Runs `script` in a child Node process with `kit` (the built core) and `testing` (its testing entry) in
 * scope; for inputs that may hang or exhaust memory. Resolves with what the child printed.
 */
export function runIsolated(script: string, timeoutMs = 5000): { timedOut: boolean; status: number | null; signal: string | null; stdout: string; stderr: string } {
  const built = builtKit();
  const code = `const kit = require(${JSON.stringify(built.kit)}); const testing = require(${JSON.stringify(built.testing)});\n(async () => { ${script} })().then(() => process.exit(0), (e) => { console.error(e); process.exit(3); });`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', '-e', code], { timeout: timeoutMs, encoding: 'utf8' });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM';
  return { timedOut, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').slice(0, 2000) };
}
