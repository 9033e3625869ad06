// The DSL mini program build (dist/miniprogram/): the entry and one folder per component
// (index.axml/acss/js/json), ES2015 syntax with ES module imports and no generators, comments
// stripped (pure annotations kept, for the bundlers of DSL toolchains). The entry, `index.js`, is
// the core chunk: every component imports it (through `shared/ui.js`), so `provideAuthorizer` in
// app.js reaches the components; what only components use and the texts in three languages are in
// `shared/ui.js`, which only components import (a page that imports the entry carries none of it).
// Each component's own `index.js` only registers it: its code is in `shared/ui.js` (one file
// gzipped, not three that repeat what they share).
// `utils/globals.ts` is swapped for `utils/globals.mini.ts`: nothing shipped here names
// globalThis, global, window, self or document. Internal members are shortened as in the H5 build
// (one mapping: `mangleInternals`).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { transformAsync } from '@babel/core';
import terser from '@rollup/plugin-terser';
import { minify as minifyCss } from 'csso';
import { compileKit, declarations, mangleInternals } from './scripts/rollup-parts.mjs';

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

/**
 * What csso leaves as written: the values of custom properties and the fallbacks of `var()` (no
 * space after a comma, `0.45` as `.45`). Quoted strings (font names) stay as they are.
 */
const tightValues = (css) => css.split(/("[^"]*"|'[^']*')/).map((part, i) => (i % 2 ? part : part.replace(/,\s+/g, ',').replace(/([(,:\s])0\.(\d)/g, '$1.$2'))).join('');

/**
 * The kit's own custom properties (`--_mak-*`: set on the roots in shared/base.acss, read by every
 * rule that colours something) ship under short names, `--_m` and a letter or two, one mapping for
 * every file, in the order the sources first name them (shared/base.acss first). The page's
 * `--mak-*` variables keep their names: they are the styles' API.
 */
function privateVarNames(sources) {
  const names = new Map();
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const text of sources) {
    for (const [name] of text.matchAll(/--_mak-[\w-]+/g)) {
      const i = names.size;
      if (!names.has(name)) names.set(name, `--_m${i < 26 ? letters[i] : letters[Math.floor(i / 26) - 1] + letters[i % 26]}`);
    }
  }
  return names;
}

const shortVars = (names) => (css) => css.replace(/--_mak-[\w-]+/g, (name) => names.get(name));

/**
 * What ships of the templates, styles and JSON: minified (a mini program's package is counted in
 * bytes, and the IDE uploads these files as they are). AXML: comments, and the line breaks and
 * indentation between and inside tags (whitespace with a line break is layout of the source, never
 * text the engine renders); ACSS: csso without restructuring (every fallback declaration before
 * its `var()` stays, in order); JSON: compact.
 */
const minify = {
  axml: (text) => text.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ').trim(),
  acss: (text) => tightValues(minifyCss(text, { restructure: false }).css),
  json: (text) => JSON.stringify(JSON.parse(text)),
};

/**
 * The folder's own package.json. It declares no "type": a bundler-based DSL toolchain (webpack 5
 * under MorJS, say) then compiles these scripts as it finds them ("javascript/auto"), with the
 * extensionless imports and `require`s it injects, instead of as the strict ES modules the kit's
 * `"type": "module"` would make them; Node reads them by their syntax. Its `sideEffects` keep
 * what works by being imported: each component's script and styles, and the components' chunk
 * (it registers the Arabic and Kurdish texts).
 */
const FOLDER_PACKAGE = { sideEffects: ['./*/index.js', './shared/ui.js', './**/*.acss'] };

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
      const sources = new Map(files.map((file) => [file, readFileSync(file.source, 'utf8')]));
      const styles = files.filter((file) => file.ext === 'acss').sort((a, b) => Number(b.target.startsWith('shared/')) - Number(a.target.startsWith('shared/')));
      const vars = shortVars(privateVarNames(styles.map((file) => sources.get(file))));
      for (const file of files) {
        const text = minify[file.ext](sources.get(file));
        this.emitFile({ type: 'asset', fileName: file.target, source: file.ext === 'acss' ? vars(text) : text });
      }
      this.emitFile({ type: 'asset', fileName: 'package.json', source: JSON.stringify(FOLDER_PACKAGE) });
    },
  };
}

/**
 * `??` and `?.` after a chain of property reads (no call) read that chain twice, as `pureGetters`
 * assumes, instead of keeping it in a temporary and its `var`: `a.b ?? c` as `a.b != null ? a.b : c`,
 * `a.b?.c()` as `a.b == null ? void 0 : a.b.c()` (one `?.` per chain; others are left to babel).
 */
export const memberNullish = ({ types: t }) => {
  const key = (node) => t.isIdentifier(node) || t.isNumericLiteral(node) || t.isStringLiteral(node);
  const plain = (node) => t.isIdentifier(node) || t.isThisExpression(node) || (t.isMemberExpression(node) && plain(node.object) && (!node.computed || key(node.property)));
  const optional = (node) => t.isOptionalMemberExpression(node) || t.isOptionalCallExpression(node);
  const inner = (node) => (t.isOptionalMemberExpression(node) ? node.object : node.callee);
  /** The chain with every link a plain one. */
  const regular = (node) => {
    if (t.isOptionalMemberExpression(node)) return t.memberExpression(regular(node.object), node.property, node.computed);
    if (t.isOptionalCallExpression(node)) return t.callExpression(regular(node.callee), node.arguments);
    return node;
  };
  const chain = (path) => {
    const { node, parent } = path;
    if (optional(parent) && inner(parent) === node) return;
    // Left to babel: a chain called as a whole (`(o.a?.m)()` keeps `this`), a tag, or deleted.
    if ((t.isCallExpression(parent) && parent.callee === node) || (t.isTaggedTemplateExpression(parent) && parent.tag === node) || t.isUnaryExpression(parent, { operator: 'delete' })) return;
    const links = [];
    for (let link = node; optional(link); link = inner(link)) if (link.optional) links.push(link);
    if (links.length !== 1 || !plain(inner(links[0]))) return;
    const base = inner(links[0]);
    path.replaceWith(t.conditionalExpression(t.binaryExpression('==', t.cloneNode(base), t.nullLiteral()), t.unaryExpression('void', t.numericLiteral(0)), regular(node)));
  };
  return {
    visitor: {
      LogicalExpression(path) {
        const { node } = path;
        if (node.operator !== '??' || !t.isMemberExpression(node.left) || !plain(node.left)) return;
        path.replaceWith(t.conditionalExpression(t.binaryExpression('!=', t.cloneNode(node.left), t.nullLiteral()), t.cloneNode(node.left), node.right));
      },
      OptionalMemberExpression: chain,
      OptionalCallExpression: chain,
    },
  };
};

/**
 * ES2015 syntax in what ships, without generators. For ES2015, TypeScript turns `async` functions
 * into `__awaiter` over `function*`, and an IDE's babel transform of node_modules
 * (`enableNodeModuleBabelTransform`) then needs a regenerator runtime, which the engine cannot take
 * from a global. The kit is compiled for ES2020 and babel lowers the rest: async functions into
 * promise chains (their helpers written out where they are used: smaller once gzipped), `?.` and
 * `??` (without `document.all`, which no mini program has: `x == null` where TypeScript writes
 * `x === null || x === void 0`), `catch {}`, object spread (to `Object.assign`, as TypeScript's
 * ES2017 output) and `**` (to Math.pow).
 */
export function lowerToEs2015() {
  return {
    name: 'lower-to-es2015',
    async renderChunk(code) {
      const out = await transformAsync(code, {
        babelrc: false,
        configFile: false,
        sourceType: 'unambiguous',
        // Helpers written with ES2015 syntax (arrows, const): smaller than the ES5 ones.
        assumptions: { noDocumentAll: true, setSpreadProperties: true, pureGetters: true },
        plugins: [
          memberNullish,
          '@babel/plugin-transform-optional-chaining',
          '@babel/plugin-transform-nullish-coalescing-operator',
          '@babel/plugin-transform-optional-catch-binding',
          ['@babel/plugin-transform-object-rest-spread', { useBuiltIns: true }],
          ['babel-plugin-transform-async-to-promises', { target: 'es6', inlineHelpers: true }],
          '@babel/plugin-transform-exponentiation-operator',
        ],
      });
      return { code: out.code, map: null };
    },
  };
}

/**
 * Readable output without comments (tslib's helpers bring a licence comment that names globals),
 * but with the sources' pure annotations: a DSL toolchain's bundler then drops the tables a page
 * does not use.
 */
const noComments = () => terser({ compress: false, mangle: false, ecma: 2015, module: true, format: { comments: false, preserve_annotations: true, beautify: true, indent_level: 2 } });

// Compiled for ES2020 (class fields lowered, which babel is not asked to do); what ES2015 engines
// lack of it is lowered by lowerToEs2015 (the static checks parse every shipped file as ES2015).
// The server is no part of a mini program: kept out of its compile.
const tsMini = () => compileKit({ target: 'ES2020', importHelpers: true }, ['utils/testing/**', 'server/**']);

/**
 * The chunk of a module: `ui` when the entry does not import it (directly or not) and it imports
 * the texts (`texts`), else `index`, the entry's own file (no facade re-exporting a `shared/kit.js`:
 * that file is the entry). Nothing in `index` then imports `ui`: a page or app.js that imports the
 * entry loads no text, and the locale registrations stay out of its bundle.
 */
function sharedChunk(entry, texts) {
  const closures = new Map();
  const closure = (id, getModuleInfo) => {
    let found = closures.get(id);
    if (!found) {
      found = new Set();
      const visit = (next) => {
        if (found.has(next)) return;
        found.add(next);
        for (const child of getModuleInfo(next)?.importedIds ?? []) visit(child);
      };
      visit(id);
      closures.set(id, found);
    }
    return found;
  };
  return (id, { getModuleInfo }) => (!closure(entry, getModuleInfo).has(id) && closure(id, getModuleInfo).has(texts) ? 'ui' : 'index');
}

export function miniprogramBuild() {
  const input = { index: ENTRY };
  for (const name of MINIPROGRAM_COMPONENTS) input[`${name}/index`] = `components/${name}/miniprogram/index.ts`;
  const entryIds = new Set(Object.values(input).map((file) => resolve(file)));
  const entryId = resolve(ENTRY);
  const chunkOf = sharedChunk(entryId, resolve('components/shared/i18n.ts'));
  return [
    {
      input,
      // The entry's file also exports, under short names, what the components import of the core
      // (not in its declarations, no part of its API).
      preserveEntrySignatures: 'allow-extension',
      plugins: [miniGlobals(), tsMini(), mangleInternals(), miniTemplates(), lowerToEs2015(), noComments()],
      output: {
        dir: 'dist/miniprogram',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'shared/[name].js',
        // The core in the entry's file, the components in shared/ui.js: one module instance of each
        // for the whole app (see sharedChunk). A component's file imports ui.js alone.
        manualChunks: (id, meta) => (id === entryId ? 'index' : entryIds.has(id) ? undefined : chunkOf(id, meta)),
        hoistTransitiveImports: false,
      },
    },
    // For Node and bundlers that want CommonJS (e.g. a DSL app's own unit tests).
    {
      input: ENTRY,
      plugins: [miniGlobals(), tsMini(), mangleInternals(), lowerToEs2015(), noComments()],
      output: { file: 'dist/miniprogram.cjs', format: 'cjs', exports: 'named' },
    },
    declarations('miniprogram', ENTRY),
  ];
}
