/**
 * What the simulator can be told to do wrong, on demand. A fault hits the calls of one API (or all),
 * `times` calls (default: every one until cleared), each with `probability` (default 1).
 *
 * Before the request is processed (an auth code is not spent): `resultCode` answers that result
 * (`resultStatus` F, or U for the table's transient codes; `unsigned: true` leaves the signature out),
 * `UNKNOWN_EXCEPTION` / `REQUEST_TRAFFIC_EXCEED_LIMIT` (U results), `HTTP_500`, `HTTP_503`, `HTTP_429`,
 * `DROP` (the connection closes without an answer), `SLOW` (waits `delayMs`, then answers normally).
 *
 * After it is processed (the code is spent): `NO_SIGNATURE` (an unsigned answer: an unsigned S for a
 * success), `BAD_SIGNATURE` (a real signature over other content), `TAMPERED` (signed, then a byte of
 * the body changed), `STALE_TIME` (Response-Time older than any client's skew window, signed), `EARLY_TIME`
 * (Response-Time before the request was sent, signed), `EPOCH_MS_TIME` (a valid answer whose
 * Response-Time is epoch milliseconds), `OTHER_CLIENT_ID` (signed for another Client-Id), `NOT_JSON`
 * (a signed body that is not JSON), `REPLAY` (the API's previous answer again, byte for byte),
 * `DROP_AFTER` (processed, then the connection closes: the answer is lost).
 */
import type { ApiName } from './operations';

export type SimulatorFaultType =
  | 'UNKNOWN_EXCEPTION'
  | 'REQUEST_TRAFFIC_EXCEED_LIMIT'
  | 'HTTP_500'
  | 'HTTP_503'
  | 'HTTP_429'
  | 'DROP'
  | 'SLOW'
  | 'NO_SIGNATURE'
  | 'BAD_SIGNATURE'
  | 'TAMPERED'
  | 'STALE_TIME'
  | 'EARLY_TIME'
  | 'EPOCH_MS_TIME'
  | 'OTHER_CLIENT_ID'
  | 'NOT_JSON'
  | 'REPLAY'
  | 'DROP_AFTER';

export interface SimulatorFault {
  /** What goes wrong; leave it out with `resultCode` to answer a result. */
  type?: SimulatorFaultType;
  /** Answer this result code instead of processing the request. */
  resultCode?: string;
  /** With `resultCode`: F (default) or U (default for UNKNOWN_EXCEPTION and REQUEST_TRAFFIC_EXCEED_LIMIT). */
  resultStatus?: 'F' | 'U';
  /** With `resultCode`: answer without a signature (the gateway's unsigned error answers). */
  unsigned?: boolean;
  /** The API it hits (default: every API). */
  api?: ApiName | 'any';
  /** How many calls it hits (default: all until `setFault(null)`). */
  times?: number;
  /** The chance it hits a call (default 1). */
  probability?: number;
  /** `SLOW`: how long to wait (default 1000 ms). */
  delayMs?: number;
}

export const FAULT_TYPES: readonly SimulatorFaultType[] = [
  'UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT', 'HTTP_500', 'HTTP_503', 'HTTP_429', 'DROP', 'SLOW', 'NO_SIGNATURE', 'BAD_SIGNATURE',
  'TAMPERED', 'STALE_TIME', 'EARLY_TIME', 'EPOCH_MS_TIME', 'OTHER_CLIENT_ID', 'NOT_JSON', 'REPLAY', 'DROP_AFTER',
];

/** Faults answered after the request was processed. */
export const AFTER_PROCESSING: ReadonlySet<SimulatorFaultType> = new Set([
  'NO_SIGNATURE', 'BAD_SIGNATURE', 'TAMPERED', 'STALE_TIME', 'EARLY_TIME', 'EPOCH_MS_TIME', 'OTHER_CLIENT_ID', 'NOT_JSON', 'REPLAY', 'DROP_AFTER',
]);

/** A fault as given, checked (a TypeError names what is wrong), copied so the caller's object is not counted down. */
export function checkFault(fault: SimulatorFault | null | undefined): SimulatorFault | null {
  if (fault === null || fault === undefined) return null;
  const bad = (message: string): never => {
    throw new TypeError(`setFault: ${message}`);
  };
  if (typeof fault !== 'object') bad('pass a fault object or null.');
  if (fault.type !== undefined && !FAULT_TYPES.includes(fault.type)) bad(`type must be one of ${FAULT_TYPES.join(', ')}.`);
  if (fault.type === undefined && (typeof fault.resultCode !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(fault.resultCode))) bad('give a type or a resultCode.');
  if (fault.api !== undefined && !['applyToken', 'inquiryUserInfo', 'cancelToken', 'any'].includes(fault.api)) bad('api must be applyToken, inquiryUserInfo, cancelToken or any.');
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) bad('times must be a positive integer.');
  if (fault.probability !== undefined && !(fault.probability >= 0 && fault.probability <= 1)) bad('probability must be from 0 to 1.');
  return { ...fault };
}

/** Holds the current fault and counts it down as it hits. */
export function createFaultSlot(initial: SimulatorFault | null, onHit: () => void) {
  let fault = checkFault(initial);
  return {
    set(next: SimulatorFault | null) {
      fault = checkFault(next);
    },
    /** The fault that hits this call of `api`, if any. */
    take(api: ApiName): SimulatorFault | null {
      if (!fault || ((fault.api ?? 'any') !== 'any' && fault.api !== api)) return null;
      if (fault.probability !== undefined && Math.random() >= fault.probability) return null;
      const hit = fault;
      if (hit.times !== undefined && --hit.times <= 0) fault = null;
      onHit();
      return hit;
    },
  };
}
