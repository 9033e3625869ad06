/**
 * No function in utils/, components/ or server/ is longer than 150 lines, nested functions included: a
 * reader sees a whole function at once. Counted on the TypeScript syntax tree of every source.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { filesUnder } from '../support/files';

const ROOT = join(__dirname, '..', '..');
const MAX_LINES = 150;

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

const files = ['utils', 'components', 'server'].flatMap((dir) => filesUnder(join(ROOT, dir))).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const functions = files.flatMap(functionsOf);

test('the sources are there to measure', () => {
  expect(files.length).toBeGreaterThan(30);
  expect(functions.length).toBeGreaterThan(200);
});

test(`no function in utils/, components/ or server/ is over ${MAX_LINES} lines`, () => {
  const long = functions.filter((f) => f.lines > MAX_LINES);
  expect(long.map((f) => `${f.where} (${f.lines} lines)`)).toEqual([]);
});
