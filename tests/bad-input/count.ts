/**
 * Shared case counter of the bad-input corpus (not a test file). Every corpus goes through
 * `corpus()`, so the number reported is the number of `test.each` cases of the file. Each file's
 * count is also written under the OS temp dir, keyed by the Jest run, so the running total across
 * files is reported too. Printed with MAK_VERBOSE=1 only: a passing run is quiet.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { report } from '../support/verbose';

let fileCount = 0;

export interface Case<I = unknown, E = unknown> {
  name: string;
  input: I;
  expect: E;
}

/** Registers a corpus (its cases are counted) and returns it for `test.each`. */
export function corpus<T extends { name: string }>(cases: T[]): T[] {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate bad-input case name: ${c.name}`);
    seen.add(c.name);
  }
  fileCount += cases.length;
  return cases;
}

function runDir(): string {
  // Workers share the Jest parent process; in band, the parent is this process.
  const runId = process.env.JEST_WORKER_ID !== undefined && process.ppid ? process.ppid : process.pid;
  return path.join(os.tmpdir(), 'miniapp-auth-kit-bad-input', String(runId));
}

/** Reports `bad-input corpus: N cases in <file>` after the file's tests, and the running total (MAK_VERBOSE=1). */
export function printCount(file: string): void {
  afterAll(() => {
    const name = path.basename(file);
    report(`bad-input corpus: ${fileCount} cases in ${name}`);
    try {
      const dir = runDir();
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.count`), String(fileCount));
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.count'));
      const total = files.reduce((sum, f) => sum + Number(fs.readFileSync(path.join(dir, f), 'utf8')), 0);
      report(`bad-input corpus: ${total} cases in ${files.length} file(s) of this run so far`);
    } catch {
      // The per-file count above is what matters.
    }
  });
}
