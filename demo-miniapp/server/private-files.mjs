/**
 * The demo's key files on disk: private to their owner (files 0600, folders it creates 0700), and
 * created exclusively, so that two processes starting at once on an empty folder end up with ONE key,
 * not each its own (the one that loses reads the winner's).
 */
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Creates `dir` (and missing parents) readable by its owner only; an existing folder is left as it is. */
export function makePrivateDir(/** @type {string} */ dir) {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/**
 * The text of `file`, or null when it does not exist.
 * @param {string} file
 */
function readIfExists(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Creates `file` with `text`, mode 0600, unless it exists. Atomic: the text goes to a temporary file
 * first, which is then hard-linked to the name (a link never replaces an existing file), so nobody ever
 * reads a half-written key.
 * @param {string} file
 * @param {string} text
 * @returns {boolean} false when the file existed already (it is left untouched)
 */
export function createExclusive(file, text) {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, text, { mode: FILE_MODE, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * The text of `file`; when it does not exist yet, `make()`'s text, written exclusively. Two callers at
 * once get the same text.
 * @param {string} file
 * @param {() => string} make
 * @returns {{ text: string, created: boolean }}
 */
export function readOrCreate(file, make) {
  const existing = readIfExists(file);
  if (existing !== null) return { text: existing, created: false };
  const text = make();
  if (createExclusive(file, text)) return { text, created: true };
  return { text: /** @type {string} */ (readIfExists(file)), created: false };
}
