/**
 * Made-up codes (issue 9, item 7): each one would cost a signed applyToken call. Attempts per client
 * address are limited (429 with Retry-After; an exchange that ends in a session gives its attempt back),
 * and a refused code is remembered for a code's lifetime: sent again, it is refused without a call.
 */
import { randomUUID } from 'node:crypto';
import { postJson } from './helpers';
import { MINUTE, closeWorlds, codeFor, expectError, madeUp, makeWorld, session } from './world';
import type { World } from './world';

afterEach(closeWorlds);

/** The test's stand-in for a trusted proxy's client address header. */
const fromAddress = (req: { headers: Record<string, string | string[] | undefined> }) => String(req.headers['x-test-client'] ?? req.headers.host);
const sessionFrom = (world: World, address: string, authCode: string, url = world.url) =>
  postJson(`${url}/api/auth/session`, { authCode, scopes: ['auth_base'] }, { 'X-Test-Client': address, 'Idempotency-Key': randomUUID() });

describe('attempts per client address', () => {
  it('made-up codes: after the burst, 429 with Retry-After and no wallet call; attempts come back with time', async () => {
    const world = await makeWorld({}, { attemptLimit: { burst: 5, perMinute: 6 }, clientAddress: fromAddress });
    for (let i = 0; i < 5; i++) expectError(await sessionFrom(world, '198.51.100.7', madeUp()), 400, 'INVALID_CODE');
    const limited = await sessionFrom(world, '198.51.100.7', madeUp());
    expectError(limited, 429, 'TOO_MANY_ATTEMPTS');
    expect(limited.json.error.retryable).toBe(true);
    expect(limited.headers.get('retry-after')).toBe('10'); // 6 a minute: one every 10 s
    // A real code from that address is refused too while it lasts: the backend cannot tell it apart.
    expectError(await sessionFrom(world, '198.51.100.7', codeFor(world)), 429, 'TOO_MANY_ATTEMPTS');
    expect(world.wallet.stats.applyToken).toBe(5);

    // Another address is not concerned.
    expect((await sessionFrom(world, '203.0.113.9', codeFor(world))).status).toBe(200);
    // 10 s later one attempt is back, and only one.
    world.clock.advance(10_000);
    expect((await sessionFrom(world, '198.51.100.7', codeFor(world))).status).toBe(200);
    expectError(await sessionFrom(world, '198.51.100.7', madeUp()), 400, 'INVALID_CODE');
    expectError(await sessionFrom(world, '198.51.100.7', madeUp()), 429, 'TOO_MANY_ATTEMPTS');
    expect(world.wallet.stats.applyToken).toBe(8);
  });

  it('made-up codes all at once: only the burst reaches the wallet', async () => {
    const world = await makeWorld({ latencyMs: 50 }, { attemptLimit: { burst: 5, perMinute: 6 }, clientAddress: fromAddress });
    const answers = await Promise.all(Array.from({ length: 50 }, () => sessionFrom(world, '198.51.100.7', madeUp())));
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(45);
    expect(world.wallet.stats.applyToken).toBe(5);
  });

  it('exchanges that end in a session give their attempt back: a busy client is never limited', async () => {
    const world = await makeWorld({}, { attemptLimit: { burst: 3, perMinute: 1 }, clientAddress: fromAddress });
    for (let i = 0; i < 30; i++) expect((await sessionFrom(world, '198.51.100.7', codeFor(world))).status).toBe(200);
  });

  it('IPv6 clients are counted by their /64: a new address in the same network gets no new attempts', async () => {
    const world = await makeWorld({}, { attemptLimit: { burst: 2, perMinute: 1 }, clientAddress: fromAddress });
    expectError(await sessionFrom(world, '2001:db8:1:2::1', madeUp()), 400, 'INVALID_CODE');
    expectError(await sessionFrom(world, '2001:db8:1:2:abcd::9', madeUp()), 400, 'INVALID_CODE');
    expectError(await sessionFrom(world, '2001:db8:1:2:ffff:1:2:3', madeUp()), 429, 'TOO_MANY_ATTEMPTS');
    expectError(await sessionFrom(world, '2001:db8:1:3::1', madeUp()), 400, 'INVALID_CODE');
  });

  it('is on by default', async () => {
    const world = await makeWorld();
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await session(world, madeUp()));
    expect(answers.some((a) => a.status === 429)).toBe(true);
    expect(world.wallet.stats.applyToken).toBeLessThan(40);
  });
});

describe('refused codes are remembered', () => {
  it('the same refused code again is refused without a wallet call, also by a restarted backend, until its lifetime is over', async () => {
    const world = await makeWorld({}, { codeLifetimeMs: 60 * MINUTE });
    const fake = madeUp();
    const used = codeFor(world);
    expect((await session(world, used, ['auth_base'], randomUUID())).status).toBe(200);
    expectError(await session(world, fake), 400, 'INVALID_CODE');
    expect(world.wallet.stats.applyToken).toBe(2);
    expectError(await session(world, fake), 400, 'INVALID_CODE');
    expectError(await session(world, fake, ['auth_base'], randomUUID()), 400, 'INVALID_CODE');
    expect(world.wallet.stats.applyToken).toBe(2);

    await world.backend.close();
    await world.startBackend();
    expectError(await session(world, fake), 400, 'INVALID_CODE');
    expect(world.wallet.stats.applyToken).toBe(2);

    // After a code's lifetime the record is gone (the wallet would answer for itself).
    world.clock.advance(61 * MINUTE);
    await world.backend.close();
    await world.startBackend();
    expectError(await session(world, fake), 400, 'INVALID_CODE');
    expect(world.wallet.stats.applyToken).toBe(3);
  });

  it('a transient failure is not remembered: the same code works once the wallet is back', async () => {
    const world = await makeWorld();
    const code = codeFor(world);
    const key = randomUUID();
    world.wallet.setFault({ type: 'UNKNOWN_EXCEPTION', times: 1 });
    expectError(await session(world, code, ['auth_base'], key), 503, 'BACKEND_ERROR');
    expect((await session(world, code, ['auth_base'], key)).status).toBe(200);
  });
});
