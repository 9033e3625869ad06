/**
 * Replay of a code (issue 9, item 6): the same code sent again within the replay window gets the stored
 * session back only with the `Idempotency-Key` it was first sent with (the kit's httpSubmitter sends one
 * random value per code); with another key, or with none, it is answered USED_CODE. Never a second
 * exchange at the wallet.
 */
import { randomUUID } from 'node:crypto';
import { filesContain } from './helpers';
import { MINUTE, closeWorlds, codeFor, count, dbFiles, expectError, makeWorld, session } from './world';
import { waitUntil } from '../support/wait-until';

afterEach(closeWorlds);

describe('the same code again', () => {
  it('with the same Idempotency-Key: the same session, one exchange; the key is stored only as a hash', async () => {
    const world = await makeWorld();
    const code = codeFor(world);
    const key = randomUUID();
    const first = await session(world, code, ['auth_base'], key);
    expect(first.status).toBe(200);
    const again = await session(world, code, ['auth_base'], key);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(world.wallet.stats.authorizationCode).toBe(1);
    await world.backend.close();
    expect(filesContain(dbFiles(world), key)).toBe(false);
    expect(world.logs.join('\n')).not.toContain(key);
  });

  it('with another Idempotency-Key: USED_CODE, the stored session is not handed out', async () => {
    const world = await makeWorld();
    const code = codeFor(world);
    const first = await session(world, code, ['auth_base'], randomUUID());
    expect(first.status).toBe(200);
    const other = await session(world, code, ['auth_base'], randomUUID());
    expectError(other, 409, 'USED_CODE');
    expect(other.text).not.toContain(first.json.sessionId);
    expect(world.wallet.stats.authorizationCode).toBe(1);
  });

  it('without an Idempotency-Key: USED_CODE, whether the first request had one or not', async () => {
    const world = await makeWorld();
    const keyed = codeFor(world);
    expect((await session(world, keyed, ['auth_base'], randomUUID())).status).toBe(200);
    expectError(await session(world, keyed), 409, 'USED_CODE');

    const bare = codeFor(world);
    const first = await session(world, bare);
    expect(first.status).toBe(200); // a client without the header still signs in
    expectError(await session(world, bare), 409, 'USED_CODE');
    expectError(await session(world, bare, ['auth_base'], randomUUID()), 409, 'USED_CODE');
    expect(world.wallet.stats.authorizationCode).toBe(2);
  });

  it('with the same key after the replay window: USED_CODE, without calling the wallet', async () => {
    const world = await makeWorld();
    const code = codeFor(world);
    const key = randomUUID();
    expect((await session(world, code, ['auth_base'], key)).status).toBe(200);
    world.clock.advance(11 * MINUTE);
    expectError(await session(world, code, ['auth_base'], key), 409, 'USED_CODE');
    expect(world.wallet.stats.authorizationCode).toBe(1);
  });

  it('refuses a malformed Idempotency-Key with 400 BAD_REQUEST before any exchange', async () => {
    const world = await makeWorld();
    for (const bad of ['', 'has space', 'x'.repeat(256), 'tab\there']) {
      expectError(await session(world, codeFor(world), ['auth_base'], bad), 400, 'BAD_REQUEST');
    }
    expect(world.wallet.stats.applyToken).toBe(0);
  });
});

describe('the same code at once', () => {
  it('20 requests with one key: one exchange, the same session for all', async () => {
    const world = await makeWorld({ latencyMs: 100 });
    const code = codeFor(world);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => session(world, code, ['auth_base'], key)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.json.sessionId)).size).toBe(1);
    expect(world.wallet.stats.authorizationCode).toBe(1);
    expect(count(world, 'sessions')).toBe(1);
  });

  it('20 requests with 20 keys (or none): one session, every other request USED_CODE', async () => {
    const world = await makeWorld({ latencyMs: 100 });
    const code = codeFor(world);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => session(world, code, ['auth_base'], i % 4 === 3 ? undefined : randomUUID())));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) expectError(a, 409, 'USED_CODE');
    expect(world.wallet.stats.authorizationCode).toBe(1);
    expect(count(world, 'sessions')).toBe(1);
  });

  it('two backends over one database: the same key waits for the other backend and gets its session; another key gets USED_CODE', async () => {
    const world = await makeWorld({ latencyMs: 300 });
    const first = world.backend;
    const firstUrl = world.url;
    const { url: secondUrl } = await world.startBackend();
    const code = codeFor(world);
    const key = randomUUID();
    const pending = session(world, code, ['auth_base'], key, firstUrl);
    // The first backend's claim is in the shared database before the others ask.
    await waitUntil(() => first.db.prepare('SELECT COUNT(*) AS n FROM exchanged_codes').get().n > 0, "the first backend's claim");
    const [same, other] = await Promise.all([session(world, code, ['auth_base'], key, secondUrl), session(world, code, ['auth_base'], randomUUID(), secondUrl)]);
    const opened = await pending;
    expect(opened.status).toBe(200);
    expect(same.status).toBe(200);
    expect(same.json).toEqual(opened.json);
    expectError(other, 409, 'USED_CODE');
    expect(world.wallet.stats.authorizationCode).toBe(1);
  });
});
