/**
 * Who is asking, for the attempt limits. The socket's address, unless `trustProxy` says which proxy
 * headers to believe: behind a proxy every request comes from the proxy's address (one client, so a
 * limit locks everyone out), and a header nobody vouches for is whatever a client wrote in it.
 *
 * `trustProxy`:
 * - `false` (default): the socket's address; forwarding headers are ignored (and warned about once);
 * - a number n ≥ 1: n proxies you run append to `X-Forwarded-For`; the client is the n-th address
 *   from its right end (the leftmost ones are the client's own words);
 * - `{ header, hops? }`: `'x-forwarded-for'` or `'forwarded'` with `hops` (default 1), or a header
 *   your edge sets to the client's address alone (`'x-real-ip'`, `'cf-connecting-ip'`, `'fly-client-ip'`).
 */

export type TrustProxy = false | number | { header: string; hops?: number };

const LIST_HEADERS = new Set(['x-forwarded-for', 'forwarded']);
export const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

export function checkTrustProxy(where: string, value: unknown): TrustProxy {
  if (value === undefined || value === false) return false;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 16) return value;
  const v = value as { header?: unknown; hops?: unknown };
  if (typeof v === 'object' && v !== null && typeof v.header === 'string' && /^[a-z0-9-]{1,64}$/i.test(v.header) && (v.hops === undefined || (Number.isInteger(v.hops) && (v.hops as number) >= 1 && (v.hops as number) <= 16))) {
    return { header: v.header.toLowerCase(), ...(v.hops === undefined ? {} : { hops: v.hops as number }) };
  }
  throw new TypeError(`${where}: trustProxy must be false, the number of proxies in front (1-16), or { header, hops? }.`);
}

/** An address as written in a header or by a socket, cleaned (port, brackets, quotes off); null when it is none. */
export function cleanAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let a = raw.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(a);
  if (bracketed) a = bracketed[1] as string;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  return /^[0-9a-f:.]{2,45}$/i.test(a) && /[.:]/.test(a) ? a.toLowerCase() : null;
}

function forwardedFor(value: string): string[] {
  // RFC 7239: `for=192.0.2.60;proto=http, for="[2001:db8::1]"`
  return value.split(',').map((part) => /(?:^|;)\s*for=("[^"]*"|[^;,\s]*)/i.exec(part.trim())?.[1] ?? '');
}

/**
 * The client's address from the request's headers (`get(name)`, lower-case names) and the socket's
 * address, as `trust` allows.
 */
export function clientAddressOf(get: (name: string) => string | null | undefined, socketAddress: string | undefined, trust: TrustProxy): string | null {
  if (trust === false) return cleanAddress(socketAddress);
  const header = typeof trust === 'number' ? 'x-forwarded-for' : trust.header;
  const hops = typeof trust === 'number' ? trust : trust.hops ?? 1;
  const value = get(header);
  if (!value) return cleanAddress(socketAddress);
  if (!LIST_HEADERS.has(header)) return cleanAddress(value.split(',')[0]) ?? cleanAddress(socketAddress);
  const list = header === 'forwarded' ? forwardedFor(value) : value.split(',');
  // Fewer entries than proxies: the header did not come through all of them.
  if (list.length < hops) return cleanAddress(socketAddress);
  return cleanAddress(list[list.length - hops]) ?? cleanAddress(socketAddress);
}

/**
 * The key a client is counted under: an IPv4 address as it is (also written IPv4-mapped), an IPv6
 * address by its /64 (one subscriber's network: a new address in it is no new client).
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** True when a request carries a header that says it came through a proxy. */
export const carriesForwarding = (get: (name: string) => string | null | undefined): boolean => FORWARDING_HEADERS.some((h) => Boolean(get(h)));
