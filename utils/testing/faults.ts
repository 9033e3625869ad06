/** Failures the simulated wallet produces on demand, and how it calls a page back. */
import type { GetAuthCodeCall, RawAuthCodeResult, WalletCall, WalletFault } from './types';

const SHAPES = ['hang', 'double', 'throw', 'empty', 'failed-spelling', 'complete-only'];

export function checkFault(fault: unknown): WalletFault {
  const f = fault as { error?: unknown; authErrorScopes?: unknown } | null;
  if (SHAPES.includes(fault as string)) return fault as WalletFault;
  if (typeof f === 'object' && f !== null) {
    if (typeof f.error === 'number' || typeof f.error === 'string') return fault as WalletFault;
    if (typeof f.authErrorScopes === 'string' || (typeof f.authErrorScopes === 'object' && f.authErrorScopes !== null)) return fault as WalletFault;
  }
  throw new TypeError("createWalletSimulator: failNext(fault) takes { error }, { authErrorScopes }, 'hang', 'double', 'throw', 'empty', 'failed-spelling' or 'complete-only'.");
}

/** Calls a page callback the way a wallet does: only if it is a function, never throwing back. */
export function invoke(cb: unknown, result: RawAuthCodeResult): void {
  try {
    if (typeof cb === 'function') cb(result);
  } catch {
    // An exception in the page's callback is the page's; the wallet goes on.
  }
}

/** Calls `success` or `fail` (the `failed` spelling where there is no `fail`), then `complete`. */
export function deliver(call: Partial<GetAuthCodeCall>, kind: 'success' | 'fail', result: RawAuthCodeResult): void {
  invoke(kind === 'success' ? call.success : typeof call.fail === 'function' ? call.fail : call.failed, result);
  invoke(call.complete, result);
}

/** What a fault needs of the wallet: its latency, and codes it really issues and grants. */
export interface FaultHost {
  later(fn: () => void): void;
  issue(scopes: string[]): Promise<string>;
  grant(scopes: string[]): void;
}

/** Answers `call` with `fault` instead of the user's answer. */
export function runFault(host: FaultHost, fault: WalletFault, call: Partial<GetAuthCodeCall>, record: WalletCall, scopes: string[]): void {
  record.outcome = 'fault';
  if (fault === 'hang') return;
  if (fault === 'throw') throw new Error('simulated bridge failure');
  host.later(() => {
    if (fault === 'empty') return deliver(call, 'success', {});
    if (fault === 'failed-spelling') return invoke(call.failed, { error: 1001, errorMessage: 'user cancel' });
    if (fault === 'complete-only' || fault === 'double') {
      void host.issue(scopes).then((authCode) => {
        // A code for consent scopes means the wallet holds them as granted.
        host.grant(scopes);
        if (fault === 'complete-only') return invoke(call.complete, { authCode, authSuccessScopes: scopes });
        invoke(call.success, { authCode, authSuccessScopes: scopes });
        invoke(call.success, { authCode: authCode + 'X', authSuccessScopes: scopes });
        invoke(call.fail, { error: 1002 });
      });
      return;
    }
    if ('error' in fault) return deliver(call, 'fail', { error: fault.error, errorMessage: fault.errorMessage ?? 'simulated error' });
    deliver(call, 'fail', { authErrorScopes: fault.authErrorScopes });
  });
}
