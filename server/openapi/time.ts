/**
 * `Request-Time` out, `Response-Time` in. Requests carry ISO 8601 with an offset at second precision
 * (SuperQi's docs); answers are accepted in that form (fractions allowed) or as epoch milliseconds
 * (Alipay's Java SDK).
 */

/** ISO 8601 at second precision with a numeric offset (`2024-01-01T12:00:00+00:00`), in the zone `offsetMinutes` east of UTC. */
export function formatRequestTime(ms: number, offsetMinutes = 0): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * An ISO 8601 date-time with an offset (`Z`, `±HH:MM`, `±HHMM`), range-checked (no Feb 30); a local
 * time without an offset is refused: its instant is ambiguous.
 */
export function parseIsoTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = ISO_RE.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const offH = m[10] ? Number(m[10]) : 0;
  const offM = m[11] ? Number(m[11]) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(utc).getUTCDate() !== day) return null;
  return utc - (m[9] === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
}

/** A `Response-Time`: ISO 8601 with an offset, or epoch milliseconds. */
export function parseResponseTime(value: unknown): number | null {
  if (typeof value === 'string' && /^\d{1,16}$/.test(value.trim())) return Number(value.trim());
  return parseIsoTime(value);
}

/** The start of the second `ms` falls in: a time sent at second precision cannot be earlier than this. */
export const secondOf = (ms: number): number => Math.floor(ms / 1000) * 1000;
