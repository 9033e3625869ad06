/**
 * Child processes for the multi-process tests: a fixture script (tests/server/fixtures/) started with
 * `node`, ready once it prints `READY <url>`, stopped cleanly (SIGTERM) or killed (SIGKILL). Their
 * stderr is kept (shown only when a start fails), never passed through: the tests stay quiet.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '../fixtures');

/** The children serve 127.0.0.1 only. */
function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`fixtures listen on 127.0.0.1 only, not ${hostname}`);
}

export interface Child {
  proc: ChildProcessWithoutNullStreams;
  url: string;
  /** Every line the child printed on stdout. */
  lines: string[];
  exited: Promise<number | null>;
  stderr: string[];
}

export interface Spawned {
  proc: ChildProcessWithoutNullStreams;
  /** Resolves once the child prints `READY <url>`. */
  ready: Promise<Child>;
  /** With `waitForGo`: resolves once the child has loaded its modules and waits for `go()`. */
  waiting: Promise<void>;
  go(): void;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * Spawns `node fixtures/<script> ...args` (tests/server/fixtures/, or `script` itself when absolute). With `waitForGo` the child loads its modules, prints
 * `WAITING` and starts its servers only on `go()`, so that several children can start at one moment.
 */
export function spawnChild(script: string, args: string[], { waitForGo = false } = {}): Spawned {
  const proc = spawn(process.execPath, [path.isAbsolute(script) ? script : path.join(FIXTURES, script), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, WAIT_FOR_GO: waitForGo ? '1' : '' },
  });
  running.add(proc);
  const stderr: string[] = [];
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      running.delete(proc);
      resolve(code);
    }),
  );
  proc.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  let out = '';
  const seen = (predicate: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not get ready within 30 s: ${stderr.join('')}`)), 30_000);
      const check = () => {
        const line = lines.find(predicate);
        if (line === undefined) return false;
        clearTimeout(timer);
        resolve(line);
        return true;
      };
      if (check()) return;
      proc.stdout.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        if (!check()) reject(new Error(`${script} exited (${code}) before getting ready: ${stderr.join('')}`));
      });
    });
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    let newline;
    while ((newline = out.indexOf('\n')) !== -1) {
      lines.push(out.slice(0, newline));
      out = out.slice(newline + 1);
    }
  });
  // Listeners run in order: the line splitter above is attached before any `seen` check reads `lines`.
  const ready = seen((l) => l.startsWith('READY ')).then((line) => {
    const url = line.slice('READY '.length).trim();
    assertLoopback(url);
    return { proc, url, lines, exited, stderr };
  });
  return {
    proc,
    ready,
    waiting: waitForGo ? seen((l) => l === 'WAITING').then(() => undefined) : Promise.resolve(),
    go: () => void proc.stdin.write('GO\n'),
  };
}

export const startChild = (script: string, args: string[]): Promise<Child> => spawnChild(script, args).ready;

/** The rest of the first line the child printed that starts with `prefix`. */
export function lineOf(child: Child, prefix: string): string | undefined {
  return child.lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

export async function kill9(child: Child): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}

export async function stopCleanly(child: { proc: ChildProcessWithoutNullStreams; exited?: Promise<number | null> }): Promise<number | null> {
  const exited = child.exited ?? new Promise<number | null>((resolve) => child.proc.once('exit', resolve));
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.proc.exitCode;
  child.proc.kill('SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 10_000);
  });
  const code = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (code !== 'timeout') return code;
  child.proc.kill('SIGKILL');
  await exited;
  return null;
}

/** Stops every child still running (for afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => stopCleanly({ proc })));
}
