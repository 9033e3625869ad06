/**
 * Set-up of the DSL tests: the shipped files in the harness, `my` from the wallet simulator (a free
 * variable of the mini program's code, as in a DSL engine), and an authorizer created with the
 * bundle's own `createAuthorizer` (no `host`, no `storage`: the defaults find `my`), submitting
 * to an in-memory backend that exchanges codes with the simulator.
 */
import { createWalletSimulator, type UserScript, type WalletSimulator } from '../../utils/testing';
import { MiniProgram } from './harness';

export interface Setup {
  sim: WalletSimulator;
  mp: MiniProgram;
  authorizer: Record<string, any>;
  /** Every code the backend received (to check none leaks anywhere). */
  codes: string[];
  submitted: string[][];
}

const opened: MiniProgram[] = [];
afterEach(() => {
  for (const mp of opened.splice(0)) mp.close();
});

export function setup(options: { user?: UserScript; provide?: boolean; authorizer?: Record<string, unknown> } = {}): Setup {
  const sim = createWalletSimulator({ user: options.user ?? 'allow' });
  const mp = new MiniProgram({ my: sim.my });
  opened.push(mp);
  const codes: string[] = [];
  const submitted: string[][] = [];
  const authorizer = mp.kit.createAuthorizer({
    retryDelayMs: 0,
    submit: (code: string, context: { scopes: string[] }) => {
      codes.push(code);
      const result = sim.exchange(code);
      if (!result.ok) return Promise.reject(Object.assign(new Error(result.error), { code: result.error }));
      submitted.push([...context.scopes]);
      return Promise.resolve({ customerId: result.customerId });
    },
    ...options.authorizer,
  });
  if (options.provide !== false) mp.kit.provideAuthorizer(authorizer);
  return { sim, mp, authorizer, codes, submitted };
}

/** Tracks a callback prop: every payload it received, and the event-like second arguments. */
export function callback(): jest.Mock & { payloads: any[]; events: any[] } {
  const fn = jest.fn() as jest.Mock & { payloads: any[]; events: any[] };
  Object.defineProperty(fn, 'payloads', { get: () => fn.mock.calls.map((c) => c[0]) });
  Object.defineProperty(fn, 'events', { get: () => fn.mock.calls.map((c) => c[1]) });
  return fn;
}

/**
 * The mini program's console after a healthy run: empty, or on an engine without component2
 * lifecycles, the kit's one notice that names the compile option.
 */
export function expectQuietConsole(mp: MiniProgram): void {
  const notice = [expect.stringContaining('"compileOptions": { "component2": true }')];
  expect(mp.logs).toEqual(mp.runtime.engine.component2 ? [] : [notice]);
}
