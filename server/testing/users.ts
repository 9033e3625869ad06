/**
 * The simulator's users: an Iraqi name in Latin letters, an avatar and a masked mobile number, all
 * derived from the customer id (the same customer looks the same on every run and every simulator;
 * nothing is stored), and their avatars as SVG.
 */

export const AVATARS_PREFIX = '/sim/avatars/';

const FIRST_NAMES = ['Zainab', 'Ali', 'Fatima', 'Hussein', 'Maryam', 'Omar', 'Noor', 'Mustafa', 'Sara', 'Ahmed', 'Huda', 'Karrar', 'Rusul', 'Yousif', 'Aya', 'Haider'];
const LAST_NAMES = ['Al-Hashimi', 'Al-Rubaie', 'Al-Jubouri', 'Al-Saadi', 'Al-Tamimi', 'Al-Obaidi', 'Al-Khafaji', 'Al-Musawi', 'Al-Dulaimi', 'Al-Ani'];
/** Iraqi mobile prefixes (Korek 75x, Asiacell 77x, Zain 78x / 79x). */
const MOBILE_PREFIXES = ['750', '751', '770', '771', '772', '780', '781', '790'];
const AVATAR_COLOURS = ['#0f766e', '#1d4ed8', '#7c3aed', '#b45309', '#be123c', '#15803d', '#0369a1', '#a21caf'];
export const AVATAR_COUNT = FIRST_NAMES.length * LAST_NAMES.length;

export interface SimulatedUser {
  fullName: string;
  /** `/sim/avatars/<n>.svg`, a path on the simulator's own origin. */
  avatar: string;
  avatarIndex: number;
  /** `+964 7xx ••• 1234`. */
  maskedMobile: string;
  /** The full number (the simulator hashes it for `hashLoginId`). */
  mobile: string;
}

/** 32 well-mixed bits of `text` with `seed` (FNV-1a, then a final avalanche). */
function hash32(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The first and family name of avatar `index`. */
export function nameOf(index: number): [string, string] {
  return [FIRST_NAMES[Math.floor(index / LAST_NAMES.length) % FIRST_NAMES.length] as string, LAST_NAMES[index % LAST_NAMES.length] as string];
}

/** The fake user behind a customer id (deterministic). */
export function simulatedUser(customerId: string): SimulatedUser {
  const key = `simulated-user:${customerId}`;
  const avatarIndex = hash32(key, 1) % AVATAR_COUNT;
  const prefix = MOBILE_PREFIXES[hash32(key, 2) % MOBILE_PREFIXES.length] as string;
  const middle = String(hash32(key, 3) % 1000).padStart(3, '0');
  const last = String(hash32(key, 4) % 10000).padStart(4, '0');
  return {
    fullName: nameOf(avatarIndex).join(' '),
    avatar: `${AVATARS_PREFIX}${avatarIndex}.svg`,
    avatarIndex,
    maskedMobile: `+964 ${prefix} ••• ${last}`,
    mobile: `+964${prefix}${middle}${last}`,
  };
}

/** Avatar `index`: the initials on a coloured disc; presentation attributes only (no script, no style). */
export function avatarSvg(index: number): string {
  const [first, last] = nameOf(index);
  const initials = `${first[0]}${last.replace(/^Al-/, '')[0]}`.replace(/[^A-Z]/g, '');
  const colour = AVATAR_COLOURS[index % AVATAR_COLOURS.length];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${initials}">` +
    `<circle cx="48" cy="48" r="48" fill="${colour}"/>` +
    `<text x="48" y="48" dy="0.35em" text-anchor="middle" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="38" font-weight="600" fill="#ffffff">${initials}</text>` +
    `</svg>\n`
  );
}

const AVATAR_RE = /^\/sim\/avatars\/(0|[1-9]\d{0,3})\.svg$/;

/** `GET|HEAD /sim/avatars/<n>.svg`: the SVG; 404 for other names under the prefix, 405 for other methods. */
export function avatarResponse(method: string, path: string): Response {
  if (method !== 'GET' && method !== 'HEAD') return jsonError(405, 'METHOD_NOT_ALLOWED', 'use GET', { Allow: 'GET, HEAD' });
  const match = AVATAR_RE.exec(path);
  const index = match ? Number(match[1]) : -1;
  if (index < 0 || index >= AVATAR_COUNT) return jsonError(404, 'NOT_FOUND', 'no such avatar');
  const svg = avatarSvg(index);
  return new Response(method === 'HEAD' ? null : svg, {
    status: 200,
    headers: {
      'Content-Type': 'image/svg+xml',
      'Content-Length': String(new TextEncoder().encode(svg).length),
      'Cache-Control': 'public, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
      // Opened directly, the image may not run or load anything.
      'Content-Security-Policy': "default-src 'none'",
    },
  });
}

/** The `{ error: { code, message } }` answer of the simulator's test routes. */
export function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers },
  });
}
