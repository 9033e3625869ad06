/**
 * Who holds a claim on a code (an exchange under way): this machine, this process, this backend
 * instance. A claim whose owner is gone (the process was killed: `kill -9`, a crash, a power cut) will
 * never be finished; whoever meets it may clear it at once instead of waiting it out. Another machine's
 * processes cannot be checked from here: their claims are left to the time-out rule.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Backend instances alive in this process (a process may run several over one database). */
const liveInstances = new Set();

/** A new owner identity for one backend instance, alive until `retire()`. */
export function newClaimOwner() {
  const instance = randomBytes(8).toString('hex');
  liveInstances.add(instance);
  return {
    /** Stored with each claim. */
    id: JSON.stringify([hostname(), process.pid, instance]),
    retire: () => void liveInstances.delete(instance),
  };
}

/**
 * True when the claim's owner is certainly gone: a process of this machine that no longer runs, an
 * instance of this process that was closed, or no owner at all (a claim of an earlier version, whose
 * processes are gone once this one runs on the database).
 * @param {string | null} owner
 */
export function claimOwnerIsGone(owner) {
  if (owner === null) return true;
  let host;
  let pid;
  let instance;
  try {
    [host, pid, instance] = JSON.parse(owner);
  } catch {
    return true;
  }
  if (host !== hostname()) return false;
  if (pid === process.pid) return !liveInstances.has(instance);
  return !processRuns(pid);
}

/** @param {unknown} pid */
function processRuns(pid) {
  if (!Number.isInteger(pid) || /** @type {number} */ (pid) <= 0) return false;
  try {
    process.kill(/** @type {number} */ (pid), 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}
