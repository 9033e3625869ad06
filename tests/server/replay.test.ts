/**
 * Replays an attacker on the path can try against the replay guard: the same signature written
 * another way, and a recorded answer the guard forgot while a request that could accept it was still
 * being signed or checked. Each replays a genuine signed success recorded for one request as the
 * answer to another request sent in the same second: it must be refused, never handed over as the
 * grant.
 */
import type { WalletClientOptions, WalletFetch } from '../../server';
import { cryptoEngine } from '../../server/openapi/crypto-engine';
import { makeClock, world } from './helpers';

interface Recorded {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * A client and simulator in the second that starts `second`, with a fetch on the path between them
 * that records every answer and, once armed, answers a recorded one instead (once).
 */
function onPath(clientOptions: Partial<WalletClientOptions> = {}) {
  const second = Math.floor(Date.now() / 1000) * 1000;
  const clock = makeClock(second + 100);
  const recorded: Recorded[] = [];
  let replay: Recorded | null = null;
  const fetch: WalletFetch = async (url, init) => {
    const armed = replay;
    replay = null;
    if (armed) return new Response(armed.body, { status: armed.status, headers: armed.headers });
    const answer = await w.sim.fetch(url, init);
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => void (headers[name] = value));
    recorded.push({ status: answer.status, body: await answer.clone().text(), headers });
    return answer;
  };
  const w = world({ now: clock.now }, { now: clock.now, fetch, ...clientOptions });
  return { ...w, second, clock, recorded, arm: (answer: Recorded) => void (replay = answer) };
}

/** The outcome of a call, grant or error. */
const settled = <T>(promise: Promise<T>) => promise.then((value) => value, (error: unknown) => error);

/** Holds the first call of `engine[method]` whose signed content contains `marker`, until released. */
function holdFirst(method: 'sign' | 'verify', marker: () => string) {
  const engine = cryptoEngine('node')!;
  const original = engine[method].bind(engine) as (...args: unknown[]) => Promise<unknown>;
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (started = resolve));
  let holding = true;
  const spy = jest.spyOn(engine, method).mockImplementation((async (...args: unknown[]) => {
    if (holding && new TextDecoder().decode(args[1] as Uint8Array).includes(marker())) {
      holding = false;
      started();
      await held;
    }
    return original(...args);
  }) as never);
  return { reached, release, restore: () => spy.mockRestore() };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same signature bytes, written with other (ignored) bits in its last base64 character before `==`. */
function respelled(header: string): string {
  return header.replace(/signature=([A-Za-z0-9+/]+)==/, (_, value: string) => {
    const last = BASE64.indexOf(value.slice(-1));
    return `signature=${value.slice(0, -1)}${BASE64[last ^ 1]}==`;
  });
}

const refusedAsSeen = { name: 'WalletError', verified: false, message: expect.stringMatching(/seen before/) };

test('the same signature spelled with other padding bits is the same answer: refused for another request', async () => {
  const w = onPath();
  const first = await w.exchange();
  const [answer] = w.recorded as [Recorded];
  expect(answer.headers.signature).toMatch(/^algorithm=RSA256, keyVersion=1, signature=[A-Za-z0-9+/]+==$/);
  w.arm({ ...answer, headers: { ...answer.headers, signature: respelled(answer.headers.signature as string) } });
  // Another user's code, sent in the same second: the recorded grant must not become theirs.
  const outcome = await settled(w.exchange());
  expect(outcome).not.toEqual(first);
  expect(outcome).toMatchObject(refusedAsSeen);
});

/** 255 answers recorded, the first one kept for replay: the guard forgets old entries every 256 answers. */
async function primed(clientOptions: Partial<WalletClientOptions> = {}) {
  const w = onPath(clientOptions);
  for (let i = 0; i < 255; i++) await w.exchange();
  return { ...w, recordedAnswer: w.recorded[0] as Recorded };
}

test('a recorded answer is not forgotten while a request sent in its second is still being signed', async () => {
  const w = await primed();
  // The victim's request takes its Request-Time in the recorded answer's second; its signing is held.
  const victimCode = w.code();
  const signing = holdFirst('sign', () => victimCode);
  try {
    const victim = settled(w.exchange(victimCode));
    await signing.reached;
    // Meanwhile the next second begins and another answer arrives: the 256th, which sweeps.
    w.clock.set(w.second + 1100);
    await w.exchange();
    w.arm(w.recordedAnswer);
    signing.release();
    expect(await victim).toMatchObject(refusedAsSeen);
  } finally {
    signing.restore();
  }
});

test('a recorded answer is not forgotten while a request is still checking it: what the guard forgot is refused', async () => {
  // The smallest window makes the race easy to stage; any window has it for a request under way that long.
  const w = await primed({ maxClockSkewMs: 1000 });
  // The victim gets the recorded answer; its time check passes, and its signature check is held.
  const checking = holdFirst('verify', () => w.recordedAnswer.body);
  try {
    w.arm(w.recordedAnswer);
    const victim = settled(w.exchange());
    await checking.reached;
    // Meanwhile the window moves past the recorded answer and the 256th answer sweeps it out.
    w.clock.set(w.second + 1500);
    await w.exchange();
    checking.release();
    expect(await victim).toMatchObject({ name: 'WalletError', verified: false });
  } finally {
    checking.restore();
  }
});
