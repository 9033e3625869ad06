/**
 * Moves a finished build (`from`) into the folder that is served (`to`) without a moment where a
 * file of both is missing: every file is renamed over its old version (an atomic replace), new
 * folders are made first, and what the new build no longer has is removed last.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  const out = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

function kindOf(path) {
  try {
    return lstatSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** Removes the folders under `dir` that became empty (deepest first), and `dir` never. */
function pruneEmpty(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    pruneEmpty(path);
    if (readdirSync(path).length === 0) rmdirSync(path);
  }
}

/** @returns the number of files moved */
export function moveInto(from, to) {
  mkdirSync(to, { recursive: true });
  const fresh = filesUnder(from);
  // Folders first, so that every file's rename has its place (a path that changed kind is replaced).
  for (const file of fresh) {
    const parts = file.split(/[\\/]/);
    for (let i = 1; i < parts.length; i++) {
      const dir = join(to, ...parts.slice(0, i));
      if (kindOf(dir) === 'file') rmSync(dir, { force: true });
      if (kindOf(dir) === null) mkdirSync(dir);
    }
    const target = join(to, file);
    if (kindOf(target) === 'dir') rmSync(target, { recursive: true, force: true });
  }
  for (const file of fresh) renameSync(join(from, file), join(to, file));
  const kept = new Set(fresh);
  for (const file of filesUnder(to)) if (!kept.has(file)) rmSync(join(to, file), { force: true });
  pruneEmpty(to);
  return fresh.length;
}
