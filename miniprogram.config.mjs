// The DSL mini program build (dist/miniprogram/): the entry and one folder per component
// (index.axml/acss/js/json), ES2015 syntax with ES module imports, comments stripped. The entry
// and every component import one shared chunk, so `provideAuthorizer` in app.js reaches the
// components. `utils/globals.ts` is swapped for `utils/globals.mini.ts`: nothing shipped here
// names globalThis, global, window, self or document.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import terser from '@rollup/plugin-terser';
import { compileKit, declarations } from './scripts/rollup-parts.mjs';

const MINIPROGRAM_COMPONENTS = ['consent-button', 'consent-prompt', 'auth-gate'];
const ENTRY = 'components/miniprogram/index.ts';
const TEMPLATE_FILES = ['axml', 'acss', 'json'];

/** Resolves the core's globals module to its DSL flavour, whoever imports it. */
function miniGlobals() {
  const from = resolve('utils/globals.ts');
  const to = resolve('utils/globals.mini.ts');
  return {
    name: 'miniprogram-globals',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved && resolved.id === from) return to;
      return resolved;
    },
  };
}

const strip = {
  axml: (text) => text.replace(/<!--[\s\S]*?-->\s*/g, ''),
  acss: (text) => text.replace(/\/\*[\s\S]*?\*\/\s*/g, ''),
  json: (text) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`,
};

/** Copies each component's template, styles and JSON beside its compiled index.js, and the styles they share. */
function miniTemplates() {
  const files = [
    ...MINIPROGRAM_COMPONENTS.flatMap((name) =>
      TEMPLATE_FILES.map((ext) => ({ ext, source: `components/${name}/miniprogram/index.${ext}`, target: `${name}/index.${ext}` })),
    ),
    { ext: 'acss', source: 'components/miniprogram/base.acss', target: 'shared/base.acss' },
  ];
  return {
    name: 'miniprogram-templates',
    buildStart() {
      for (const file of files) this.addWatchFile(resolve(file.source));
    },
    generateBundle() {
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: file.target, source: strip[file.ext](readFileSync(file.source, 'utf8')) });
      }
    },
  };
}

/** Readable output without comments (tslib's helpers bring a licence comment that names globals). */
const noComments = () => terser({ compress: false, mangle: false, ecma: 2015, module: true, format: { comments: false, beautify: true, indent_level: 2 } });

// What the DSL engines run without a transpiler: no `?.`, `??`, object spread, class fields.
// The server is no part of a mini program: kept out of its ES2015 compile.
const tsMini = () => compileKit({ target: 'ES2015', removeComments: true, importHelpers: true }, ['utils/testing/**', 'server/**']);

export function miniprogramBuild() {
  const input = { index: ENTRY };
  for (const name of MINIPROGRAM_COMPONENTS) input[`${name}/index`] = `components/${name}/miniprogram/index.ts`;
  const entryIds = new Set(Object.values(input).map((file) => resolve(file)));
  return [
    {
      input,
      plugins: [miniGlobals(), tsMini(), miniTemplates(), noComments()],
      output: {
        dir: 'dist/miniprogram',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'shared/[name].js',
        // One shared chunk: one module instance of the core and the provider for the whole app.
        manualChunks: (id) => (entryIds.has(id) ? undefined : 'kit'),
      },
    },
    // For Node and bundlers that want CommonJS (e.g. a DSL app's own unit tests).
    {
      input: ENTRY,
      plugins: [miniGlobals(), tsMini(), noComments()],
      output: { file: 'dist/miniprogram.cjs', format: 'cjs', exports: 'named' },
    },
    declarations('miniprogram', ENTRY),
  ];
}
