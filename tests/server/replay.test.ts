/**
 * Replays an attacker on the path can try against the replay guard: the same signature written
 * another way, and a recorded answer the guard forgot while a request that could accept it was still
 * being signed. Each replays a genuine signed success recorded for one request as the answer to
 * another request sent in the same second: it must be refused, never handed over as the grant.
 */
import type { WalletFetch } from '../../server';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { makeClock, world } from './helpers';

interface Recorded {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** A fetch in front of the simulator that records answers and, once armed, answers a recorded one instead. */
function onPath(sim: { fetch: (url: string, init: RequestInit) => Promise<Response> }) {
  const recorded: Recorded[] = [];
  let replay: Recorded | null = null;
  const fetch: WalletFetch = async (url, init) => {
    if (replay) return new Response(replay.body, { status: replay.status, headers: replay.headers });
    const answer = await sim.fetch(url, init);
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => void (headers[name] = value));
    recorded.push({ status: answer.status, body: await answer.clone().text(), headers });
    return answer;
  };
  return { fetch, recorded, arm: (answer: Recorded) => void (replay = answer) };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same signature bytes, written with other (ignored) bits in its last base64 character before `==`. */
function respelled(header: string): string {
  return header.replace(/signature=([A-Za-z0-9+/]+)==/, (_, value: string) => {
    const last = BASE64.indexOf(value.slice(-1));
    return `signature=${value.slice(0, -1)}${BASE64[last ^ 1]}==`;
  });
}

test('the same signature spelled with other padding bits is the same answer: refused for another request', async () => {
  const clock = makeClock(Math.floor(Date.now() / 1000) * 1000 + 100);
  const path = { fetch: null as unknown as WalletFetch };
  const w = world({ now: clock.now }, { now: clock.now, fetch: (url, init) => path.fetch(url, init) });
  const wire = onPath(w.sim);
  path.fetch = wire.fetch;
  const first = await w.exchange();
  const [answer] = wire.recorded as [Recorded];
  expect(answer.headers.signature).toMatch(/^algorithm=RSA256, keyVersion=1, signature=[A-Za-z0-9+/]+==$/);
  wire.arm({ ...answer, headers: { ...answer.headers, signature: respelled(answer.headers.signature as string) } });
  // Another user's code, sent in the same second: the recorded grant must not become theirs.
  const outcome = await w.exchange().then((grant) => grant, (error: unknown) => error);
  expect(outcome).not.toEqual(first);
  expect(outcome).toMatchObject({ name: 'WalletError', verified: false, message: expect.stringMatching(/seen before/) });
});

test('a recorded answer is not forgotten while a request sent in its second is still being signed', async () => {
  const second = Math.floor(Date.now() / 1000) * 1000;
  const clock = makeClock(second + 100);
  const path = { fetch: null as unknown as WalletFetch };
  const w = world({ now: clock.now }, { now: clock.now, fetch: (url, init) => path.fetch(url, init) });
  const wire = onPath(w.sim);
  path.fetch = wire.fetch;
  await w.exchange();
  const recordedAnswer = wire.recorded[0] as Recorded;
  // The guard forgets old entries every 256 answers: 255 answers so far, the 256th comes below.
  for (let i = 1; i < 255; i++) await w.exchange();

  // The victim's request takes its Request-Time in the recorded answer's second; its signing is held.
  const engine = cryptoEngine('node')!;
  const originalSign = engine.sign.bind(engine);
  const victimCode = w.code();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let signing: () => void = () => undefined;
  const signingStarted = new Promise<void>((resolve) => (signing = resolve));
  const spy = jest.spyOn(engine, 'sign').mockImplementation(async (key, data) => {
    if (new TextDecoder().decode(data).includes(victimCode)) {
      signing();
      await held;
    }
    return originalSign(key, data);
  });
  try {
    const victim = w.exchange(victimCode).then((grant) => grant, (error: unknown) => error);
    await signingStarted;
    // Meanwhile the next second begins and another answer arrives: the 256th, which sweeps.
    clock.set(second + 1100);
    await w.exchange();
    wire.arm(recordedAnswer);
    release();
    const outcome = await victim;
    expect(outcome).toMatchObject({ name: 'WalletError', verified: false, message: expect.stringMatching(/seen before/) });
  } finally {
    spy.mockRestore();
  }
});

test('a recorded answer is not forgotten while a request is still checking it: what the guard forgot is refused', async () => {
  // The smallest window makes the race easy to stage; any window has it for a request under way that long.
  const second = Math.floor(Date.now() / 1000) * 1000;
  const clock = makeClock(second + 100);
  const path = { fetch: null as unknown as WalletFetch };
  const w = world({ now: clock.now }, { now: clock.now, maxClockSkewMs: 1000, fetch: (url, init) => path.fetch(url, init) });
  const wire = onPath(w.sim);
  path.fetch = wire.fetch;
  await w.exchange();
  const recordedAnswer = wire.recorded[0] as Recorded;
  for (let i = 1; i < 255; i++) await w.exchange();

  // The victim gets the recorded answer; its time check passes, and its signature check is held.
  const engine = cryptoEngine('node')!;
  const originalVerify = engine.verify.bind(engine);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let verifying: () => void = () => undefined;
  const verifyStarted = new Promise<void>((resolve) => (verifying = resolve));
  let holdNext = true;
  const spy = jest.spyOn(engine, 'verify').mockImplementation(async (key, data, signature) => {
    if (holdNext && new TextDecoder().decode(data).includes(recordedAnswer.body)) {
      holdNext = false;
      verifying();
      await held;
    }
    return originalVerify(key, data, signature);
  });
  try {
    let replaying = true;
    path.fetch = async (url, init) => (replaying ? ((replaying = false), new Response(recordedAnswer.body, { status: recordedAnswer.status, headers: recordedAnswer.headers })) : wire.fetch(url, init));
    const victim = w.exchange().then((grant) => grant, (error: unknown) => error);
    await verifyStarted;
    // Meanwhile the window moves past the recorded answer and the 256th answer sweeps it out.
    clock.set(second + 1500);
    await w.exchange();
    release();
    const outcome = await victim;
    expect(outcome).toMatchObject({ name: 'WalletError', verified: false });
  } finally {
    spy.mockRestore();
  }
});
