/**
 * The simulated wallet's users: a pleasant Iraqi name in Latin letters, an avatar and a masked Iraqi
 * mobile number, all derived from the customer id (the same customer always looks the same, nothing is
 * stored); and `GET /sim/avatars/<n>.svg`, their avatars.
 */
import { createHash } from 'node:crypto';
import { sendError } from './http-util.mjs';

/** Prefix of the simulated users' avatars: `/sim/avatars/<n>.svg`. */
export const SIM_AVATARS_PREFIX = '/sim/avatars/';

const FIRST_NAMES = ['Zainab', 'Ali', 'Fatima', 'Hussein', 'Maryam', 'Omar', 'Noor', 'Mustafa', 'Sara', 'Ahmed', 'Huda', 'Karrar', 'Rusul', 'Yousif', 'Aya', 'Haider'];
const LAST_NAMES = ['Al-Hashimi', 'Al-Rubaie', 'Al-Jubouri', 'Al-Saadi', 'Al-Tamimi', 'Al-Obaidi', 'Al-Khafaji', 'Al-Musawi', 'Al-Dulaimi', 'Al-Ani'];
/** Iraqi mobile prefixes (Korek 75x, Asiacell 77x, Zain 78x / 79x). */
const MOBILE_PREFIXES = ['750', '751', '770', '771', '772', '780', '781', '790'];
const AVATAR_COLOURS = ['#0f766e', '#1d4ed8', '#7c3aed', '#b45309', '#be123c', '#15803d', '#0369a1', '#a21caf'];
const AVATAR_COUNT = FIRST_NAMES.length * LAST_NAMES.length;
const AVATAR_RE = /^\/sim\/avatars\/(0|[1-9]\d{0,3})\.svg$/;

/**
 * The fake user data of a customer (deterministic).
 * @param {string} customerId
 * @returns {{ fullName: string, avatar: string, avatarIndex: number, maskedMobile: string, hashLoginId: string }}
 */
export function simulatedUser(customerId) {
  const digest = createHash('sha256').update(`simulated-user:${customerId}`, 'utf8').digest();
  const avatarIndex = digest.readUInt32BE(0) % AVATAR_COUNT;
  const prefix = MOBILE_PREFIXES[/** @type {number} */ (digest[4]) % MOBILE_PREFIXES.length];
  const middle = String(digest.readUInt16BE(5) % 1000).padStart(3, '0');
  const last = String(digest.readUInt16BE(7) % 10000).padStart(4, '0');
  return {
    fullName: nameOf(avatarIndex).join(' '),
    avatar: `${SIM_AVATARS_PREFIX}${avatarIndex}.svg`,
    avatarIndex,
    maskedMobile: `+964 ${prefix} ••• ${last}`,
    hashLoginId: createHash('sha256').update(`+964${prefix}${middle}${last}`, 'utf8').digest('hex'),
  };
}

/** @param {number} index @returns {[string, string]} first and last name of avatar `index` */
function nameOf(index) {
  return [
    /** @type {string} */ (FIRST_NAMES[Math.floor(index / LAST_NAMES.length)]),
    /** @type {string} */ (LAST_NAMES[index % LAST_NAMES.length]),
  ];
}

/**
 * The SVG avatar `index`: the initials (of the first name and of the family name after `Al-`) on a
 * coloured disc. Presentation attributes only: no script, no style element.
 * @param {number} index
 */
export function avatarSvg(index) {
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

/**
 * `GET /sim/avatars/<n>.svg` (and HEAD): the avatar, `image/svg+xml`; 404 for another name under the
 * prefix, 405 for other methods.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} path
 */
export function serveAvatar(req, res, path) {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use GET', {}, { Allow: 'GET, HEAD' });
  }
  const match = AVATAR_RE.exec(path);
  const index = match ? Number(match[1]) : -1;
  if (index < 0 || index >= AVATAR_COUNT) return sendError(res, 404, 'NOT_FOUND', 'no such avatar');
  const svg = avatarSvg(index);
  res.writeHead(200, {
    'Content-Type': 'image/svg+xml',
    'Content-Length': String(Buffer.byteLength(svg)),
    'Cache-Control': 'public, max-age=86400',
    'X-Content-Type-Options': 'nosniff',
    // Opened directly, the image may not run or load anything.
    'Content-Security-Policy': "default-src 'none'",
  });
  res.end(req.method === 'HEAD' ? undefined : svg);
}
