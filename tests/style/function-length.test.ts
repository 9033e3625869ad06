/**
 * No function in utils/ or components/ is longer than 150 lines, nested functions included: a
 * reader sees a whole function at once. Counted on the TypeScript syntax tree of every source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const MAX_LINES = 150;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

/** Every function-like node of a file with its first line and its length in lines. */
function functionsOf(path: string): Array<{ where: string; lines: number }> {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Array<{ where: string; lines: number }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ where: `${relative(ROOT, path)}:${start + 1}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const files = ['utils', 'components'].flatMap((dir) => sources(join(ROOT, dir)));

test('the sources are there to measure', () => {
  expect(files.length).toBeGreaterThan(30);
  expect(files.flatMap(functionsOf).length).toBeGreaterThan(200);
});

test(`no function in utils/ or components/ is over ${MAX_LINES} lines`, () => {
  const long = files.flatMap(functionsOf).filter((f) => f.lines > MAX_LINES);
  expect(long.map((f) => `${f.where} (${f.lines} lines)`)).toEqual([]);
});
