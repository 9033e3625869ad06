/**
 * `miniapp-auth-kit/server` runs on edge runtimes: bundled by esbuild for `--platform=neutral` from
 * the built package, it holds no `node:` import (static or dynamic) and no `require`, and the sources
 * it is built from import no `node:` module. Node's crypto and http are reached at run time through
 * `process.getBuiltinModule` only.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

async function neutralBundle(source: string) {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, imports: Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)) };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/server.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
});

test('import from miniapp-auth-kit/server bundles for --platform=neutral with no node: import and nothing external', async () => {
  const { code, imports } = await neutralBundle("export { createWalletClient, WalletError, checkKeys } from 'miniapp-auth-kit/server';");
  expect(imports).toEqual([]);
  expect(code).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(|\brequire\s*\(/);
  expect(code).toContain('createWalletClient');
  // The Node fast path is there, reached at run time only.
  expect(code).toContain('getBuiltinModule');
});

test('the simulator bundles for --platform=neutral too (its fetch needs no socket)', async () => {
  const { imports, code } = await neutralBundle("export { createWalletOpenApiSimulator, createTestWallet } from 'miniapp-auth-kit/server/testing';");
  expect(imports).toEqual([]);
  expect(code).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(|\brequire\s*\(/);
});

test('the sources of the server entries import no node: module, at top level or later', () => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    expect({ file, nodeImports: text.match(/(?:from|import)\s*\(?\s*['"]node:[^'"]+['"]/g) ?? [] }).toEqual({ file, nodeImports: [] });
    for (const [, spec] of text.matchAll(/(?:from|import)\s*['"](\.[^'"]+)['"]/g)) visit(join(dirname(file), `${spec}.ts`));
  };
  visit(join(ROOT, 'server/index.ts'));
  visit(join(ROOT, 'server/testing/index.ts'));
  expect(seen.size).toBeGreaterThan(15);
});
