/**
 * Bad input to the wallet simulator (miniapp-auth-kit/testing): createWalletSimulator options,
 * failNext with junk faults and counts, exchange with junk codes, getAuthCode with junk calls.
 */
import { requestAuthCode } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import type { WalletSimulator } from '../../utils/testing';
import { corpus, printCount } from './count';
import { describeError, expectAuthError, expectCleanResult, expectTyped, installPrototypeGuard, outcome, attempt, runIsolated, watchUnhandled } from './guards';

printCount(__filename);
installPrototypeGuard();

/** One wallet call through the simulator: settles cleanly (no TIMEOUT, nothing unhandled). */
async function oneCall(sim: WalletSimulator, scopes: string[] = ['USER_NAME']): Promise<void> {
  const watch = watchUnhandled();
  let o: Awaited<ReturnType<typeof outcome>>;
  try {
    o = await outcome(requestAuthCode(scopes, { host: sim.my, timeoutMs: 400 }));
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    watch.stop();
  }
  expect(watch.errors.map(describeError)).toEqual([]);
  if (o.kind === 'hang') throw new Error('hung');
  if (o.kind === 'ok') expectCleanResult(o.value as never);
  else {
    expectAuthError(o.error);
    expect((o.error as { code: string }).code).not.toBe('TIMEOUT');
  }
}

describe('createWalletSimulator options', () => {
  const rows: Array<[string, unknown, 'TypeError' | 'works']> = [
    ['null', null, 'TypeError'],
    ['string', 'allow', 'TypeError'],
    ['number', 5, 'TypeError'],
    ['empty object', {}, 'works'],
    ['polluting object', JSON.parse('{"__proto__":{"polluted":true}}'), 'works'],
    ['user a number', { user: 42 }, 'works'],
    ['user an unknown word', { user: 'maybe' }, 'works'],
    ['user null', { user: null }, 'works'],
    ['user {allow: "USER_NAME"} (string)', { user: { allow: 'USER_NAME' } }, 'works'],
    ['user function that throws', { user: () => { throw new Error('script'); } }, 'works'],
    ['user function answering junk', { user: () => 17 }, 'works'],
    ['latencyMs negative', { latencyMs: -5 }, 'works'],
    ['latencyMs NaN', { latencyMs: NaN }, 'works'],
    ['latencyMs string', { latencyMs: '10' }, 'works'],
    ['codeTtlMs junk', { codeTtlMs: 'long' }, 'works'],
    ['now a string', { now: 'now' }, 'works'],
    ['now returning junk', { now: () => 'x' }, 'works'],
    ['customerId object', { customerId: { id: 1 } }, 'works'],
    ['issueCode not a function', { issueCode: 'abc' }, 'works'],
    ['issueCode returning a number', { issueCode: () => 123 }, 'works'],
    ['issueCode throwing', { issueCode: () => { throw new Error('issuer'); } }, 'works'],
    ['storage a string', { storage: 'abc' }, 'works'],
    ['storage polluting', { storage: JSON.parse('{"__proto__":{"polluted":true}}') }, 'works'],
  ];
  const cases = corpus(rows.map(([name, input, want]) => ({ name: `createWalletSimulator(${name})`, input, expect: want })));
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const o = await outcome(attempt(() => createWalletSimulator(input as never)));
    if (want === 'TypeError') {
      if (o.kind !== 'error') throw new Error(`expected a TypeError, got ${o.kind}`);
      expectTyped(o.error, ['TypeError']);
      return;
    }
    if (o.kind === 'error') {
      // Refusing junk options up front is fine too.
      expectTyped(o.error, ['TypeError']);
      return;
    }
    if (o.kind !== 'ok') throw new Error('hang');
    await oneCall(o.value);
  });
});

describe('failNext with junk', () => {
  const faults: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['number', 42],
    ['unknown word', 'explode'],
    ['empty object', {}],
    ['error object', { error: { nested: true } }],
    ['error __proto__', { error: '__proto__' }],
    ['error 1 MB', { error: 'e'.repeat(1 << 20) }],
    ['authErrorScopes __proto__ (JSON.parse)', { authErrorScopes: JSON.parse('{"__proto__":{"polluted":true}}') }],
    ['authErrorScopes __proto__ string', { authErrorScopes: '{"__proto__":{"polluted":true}}' }],
    ['authErrorScopes number', { authErrorScopes: 5 }],
    ['array', ['hang']],
  ];
  const cases = corpus([
    ...faults.map(([name, input]) => ({ name: `failNext(${name})`, input: { fault: input, times: 1 as unknown }, expect: 'typed' })),
    ...([['-1', -1], ['NaN', NaN], ['"2"', '2'], ['0', 0], ['1.5', 1.5]] as Array<[string, unknown]>).map(([name, times]) => ({
      name: `failNext('empty', ${name})`,
      input: { fault: 'empty' as unknown, times },
      expect: 'typed',
    })),
  ]);
  test.each(cases)('$name', async ({ input }) => {
    const sim = createWalletSimulator();
    const o = await outcome(attempt(() => sim.failNext(input.fault as never, input.times as number)));
    if (o.kind === 'error') {
      expectTyped(o.error, ['TypeError']);
      return;
    }
    await oneCall(sim);
  });

  const big = corpus([
    { name: 'failNext("empty", Infinity) returns (child process)', input: 'Infinity', expect: 'returns' },
    { name: 'failNext("empty", 1e9) returns (child process)', input: '1e9', expect: 'returns' },
  ]);
  test.each(big)('$name', ({ input }) => {
    const r = runIsolated(`const sim = testing.createWalletSimulator(); try { sim.failNext('empty', ${input}); } catch (e) { if (!(e instanceof TypeError)) throw e; } console.log('returned');`, 8000);
    if (r.timedOut) throw new Error(`failNext('empty', ${input}) did not return within 8 s (hang)`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('returned');
  }, 15_000);
});

describe('exchange and getAuthCode with junk', () => {
  const codes: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['number', 1],
    ['empty', ''],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['1 MB', 'c'.repeat(1 << 20)],
    ['object', { toString: () => 'x' }],
  ];
  const calls: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['string', 'USER_NAME'],
    ['scopes junk', { scopes: { a: 1 }, success: () => undefined }],
    ['callbacks not functions', { scopes: ['USER_NAME'], success: 'x', fail: 1, complete: {} }],
  ];
  const cases = corpus([
    ...codes.map(([name, input]) => ({ name: `exchange(${name})`, input, expect: 'INVALID_CODE' })),
    ...calls.map(([name, input]) => ({ name: `my.getAuthCode(${name})`, input, expect: 'no-crash' })),
  ]);
  test.each(cases)('$name', async ({ name, input, expect: want }) => {
    const sim = createWalletSimulator();
    if (want === 'INVALID_CODE') {
      const o = await outcome(attempt(() => sim.exchange(input as string)));
      if (o.kind !== 'ok') throw new Error(o.kind === 'error' ? describeError(o.error) : 'hang');
      expect(o.value).toEqual({ ok: false, error: 'INVALID_CODE' });
      return;
    }
    const watch = watchUnhandled();
    try {
      const o = await outcome(attempt(() => sim.my.getAuthCode(input as never)));
      if (o.kind === 'error') expectTyped(o.error, ['TypeError']);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      watch.stop();
    }
    expect(watch.errors.map(describeError)).toEqual([]);
    void name;
  });
});

describe('which scopes a call names: my.getAuthCode (lenient) and the raw bridge (strict)', () => {
  const REFUSED = { error: 2, errorMessage: 'invalid parameter: scopeNicks' };
  type Want = { answer: 'code' | typeof REFUSED; scopes: string[] };
  const refused: Want = { answer: REFUSED, scopes: [] };
  const bridgeRows: Array<[string, unknown, Want]> = [
    ['params undefined', undefined, refused],
    ['params null', null, refused],
    ['params a string', 'USER_NAME', refused],
    ['no scopeNicks', {}, refused],
    ['`scopes` instead of scopeNicks', { scopes: ['USER_NAME'] }, refused],
    ['scopeNicks a string', { scopeNicks: 'USER_NAME' }, refused],
    ['scopeNicks empty', { scopeNicks: [] }, refused],
    ['scopeNicks without a string', { scopeNicks: [5, null] }, refused],
    ['scopeNicks array-like', { scopeNicks: { 0: 'USER_NAME', length: 1 } }, refused],
    ['scopeNicks with junk among names', { scopeNicks: ['USER_NAME', 7] }, { answer: 'code', scopes: ['USER_NAME'] }],
  ];
  // PLATFORM.md: other wallets take a string and default to auth_base.
  const myRows: Array<[string, unknown, Want]> = [
    ['no scopes', {}, { answer: 'code', scopes: ['auth_base'] }],
    ['scopes a string', { scopes: 'USER_NAME' }, { answer: 'code', scopes: ['USER_NAME'] }],
  ];
  const cases = corpus([
    ...bridgeRows.map(([name, input, want]) => ({ name: `bridge.call('getAuthCode', ${name})`, input: { via: 'bridge' as const, params: input }, expect: want })),
    ...myRows.map(([name, input, want]) => ({ name: `my.getAuthCode(${name})`, input: { via: 'my' as const, params: input }, expect: want })),
  ]);
  test.each(cases)('$name', async ({ input, expect: want }) => {
    const sim = createWalletSimulator({ user: 'allow' });
    const answers: Array<{ authCode?: unknown; authcode?: unknown }> = [];
    const answered = new Promise<void>((resolve) => {
      const answer = (r: (typeof answers)[number]) => (answers.push(r), resolve());
      if (input.via === 'bridge') sim.bridge.call('getAuthCode', input.params as never, answer);
      else sim.my.getAuthCode({ ...(input.params as object), success: answer, fail: answer });
    });
    if ((await outcome(answered)).kind === 'hang') throw new Error('the wallet never answered');
    await new Promise((r) => setImmediate(r));
    expect(answers).toHaveLength(1);
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]?.scopes).toEqual(want.scopes);
    if (want.answer === 'code') {
      const code = answers[0]?.authCode ?? answers[0]?.authcode;
      expect(sim.exchange(code as string)).toMatchObject({ ok: true, scopes: want.scopes });
    } else {
      expect(answers[0]).toEqual(want.answer);
      expect(sim.calls[0]).toMatchObject({ prompted: false, outcome: 'invalid' });
      expect(sim.prompts).toHaveLength(0);
      expect([...sim.grants]).toEqual([]);
    }
  });
});
