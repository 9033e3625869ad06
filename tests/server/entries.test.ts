/**
 * `miniapp-auth-kit/server` imports no `node:` module (edge runtimes bundle it), in the built files and
 * every chunk they import; the Node entries do, and the stores' drivers stay imports (optional peers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const dist = resolve(__dirname, '../../dist');

/** Every module specifier a built file imports, following its relative imports. */
function importsOf(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
  return specifiers.flatMap((s) => (s.startsWith('.') ? importsOf(join(dirname(file), s), seen) : [s]));
}

it.each(['server.js', 'server.cjs'])('dist/%s and its chunks import no node: module and no driver', (file) => {
  expect(existsSync(join(dist, file))).toBe(true);
  expect(importsOf(join(dist, file))).toEqual([]);
});

it.each([
  ['server/node.js', ['node:http']],
  ['server/sqlite.js', ['node:fs', 'node:path', 'better-sqlite3']],
  ['server/postgres.js', []],
])('dist/%s imports only %j from outside', (file, expected) => {
  expect([...new Set(importsOf(join(dist, file)))].sort()).toEqual([...expected].sort());
});
