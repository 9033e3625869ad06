/**
 * Attempts per client address at exchanging a code, as token buckets: `burst` attempts at once, then
 * `perMinute` more each minute. Every code the backend cannot answer from memory costs a signed
 * applyToken call, so a client making codes up is held to that rate. An attempt is taken when the
 * request arrives (a flood sent all at once is held to the burst too) and given back only when the
 * exchange ends in a session: a client whose codes are real is never limited.
 */

import { HttpError } from './http-util.mjs';

/**
 * The key a client is counted under: an IPv4 address as it is (also when written IPv4-mapped), an IPv6
 * address by its /64 (one subscriber's network: a new address in it is no new client).
 * @param {string} address
 */
function clientKey(address) {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return /** @type {string} */ (mapped[1]);
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * @param {{ burst: number, perMinute: number, now: () => number, maxClients?: number }} options
 */
export function createAttemptLimiter({ burst, perMinute, now, maxClients = 100_000 }) {
  const refillMs = 60_000 / perMinute;
  /** Per client key: attempts left, as of `at`. */
  /** @type {Map<string, { left: number, at: number }>} */
  const buckets = new Map();

  /** @param {string} key */
  function bucketOf(key) {
    const t = now();
    const bucket = buckets.get(key) ?? { left: burst, at: t };
    bucket.left = Math.min(burst, bucket.left + (t - bucket.at) / refillMs);
    bucket.at = t;
    return bucket;
  }

  /** Forgets full buckets (they hold nothing a new one would not); keeps the map bounded. */
  function sweep() {
    for (const [key] of buckets) if (bucketOf(key).left >= burst) buckets.delete(key);
    // Still full: the oldest go (their clients start afresh, with a burst).
    for (const key of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(key);
    }
  }

  /**
   * Takes one attempt for `address`: the client's key, or how long until it has one again.
   * @param {string} address
   * @returns {{ ok: true, key: string } | { ok: false, retryAfterS: number }}
   */
  function take(address) {
    const key = clientKey(address);
    const bucket = bucketOf(key);
    if (bucket.left < 1) return { ok: false, retryAfterS: Math.max(1, Math.ceil(((1 - bucket.left) * refillMs) / 1000)) };
    bucket.left -= 1;
    if (!buckets.has(key) && buckets.size >= maxClients) sweep();
    buckets.set(key, bucket);
    return { ok: true, key };
  }

  /**
   * Runs `run` as one attempt of `address`: refused with 429 TOO_MANY_ATTEMPTS (and Retry-After) when it
   * has none left; given back only when `run` opens (or gives back) a session. A failure keeps it, the
   * wallet's too: a flood of made-up codes that makes the wallet throttle the merchant (U results, 5xx)
   * must not keep itself going.
   * @template T
   * @param {string} address @param {() => Promise<T>} run @returns {Promise<T>}
   */
  async function attempt(address, run) {
    const taken = take(address);
    if (!taken.ok) {
      throw new HttpError(429, 'TOO_MANY_ATTEMPTS', 'too many attempts from this address; try again later', true, { 'Retry-After': String(taken.retryAfterS) });
    }
    const result = await run();
    const bucket = buckets.get(taken.key);
    if (bucket) bucket.left = Math.min(burst, bucket.left + 1);
    return result;
  }

  return { attempt };
}
