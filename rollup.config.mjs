// Builds the package: ESM + CommonJS per entry (shared code in common chunks so `instanceof
// AuthError` holds across entries), bundled .d.ts/.d.cts, one minified IIFE for pages
// without a bundler, and the DSL mini program kit in dist/miniprogram/ (see miniprogram.config.mjs).
import { minify as minifyCss } from 'csso';
import terser from '@rollup/plugin-terser';
import { miniprogramBuild } from './miniprogram.config.mjs';
import { compileKit, declarations, mangleInternals, swapModules } from './scripts/rollup-parts.mjs';

const entries = {
  index: 'utils/index.ts',
  testing: 'utils/testing/index.ts',
  // The kit's errors in plain sentences, for development (the messages themselves are short).
  explain: 'utils/explain.ts',
  components: 'components/index.ts',
  // Languages a page imports when it needs them (English is built in).
  'components/locales/ar': 'components/locales/ar.ts',
  'components/locales/ku': 'components/locales/ku.ts',
  // The merchant's backend. `server` bundles for any runtime (no node: import, nor a driver); the
  // others run in Node and import what they need.
  server: 'server/index.ts',
  'server/node': 'server/node.ts',
  'server/sqlite': 'server/sqlite.ts',
  'server/postgres': 'server/postgres.ts',
  'server/testing': 'server/testing/index.ts',
};
/**
 * Each element built as an entry of its own (not exported): the components entry only re-exports
 * them, so a page that defines one element (`defineConsentButton`) ships neither of the others (the
 * files are free of side effects, so an app's bundler drops one nothing uses; a class in a shared
 * file it cannot drop).
 */
const elementEntries = {
  'chunks/consent-button': 'components/consent-button/consent-button.ts',
  'chunks/consent-prompt': 'components/consent-prompt/consent-prompt.ts',
  'chunks/auth-gate': 'components/auth-gate/auth-gate.ts',
};
/** The package's command (`bin`): one self-contained ESM file, run by node. */
const command = { input: 'server/cli.ts', file: 'dist/cli.js' };
/** Never bundled: Node's built-ins and the stores' drivers (optional peers). */
const external = (id) => id.startsWith('node:') || id === 'better-sqlite3' || id === 'pg';
/** The IIFE carries core + components in all three languages: `globalThis.MiniappAuthKit`. */
const iifeEntry = 'components/global.ts';

/**
 * The elements' CSS (template literals in `styles.ts` and `theme.ts`) minified at build time: the
 * sources stay readable, pages download less. Each piece between `${…}` is whole rules.
 */
function minifiedCss() {
  return {
    name: 'minified-css',
    transform(code, id) {
      if (!/components[\\/].*(styles|theme)\.ts$/.test(id)) return null;
      const css = (text) => (text.trim() ? minifyCss(text, { restructure: false }).css : text);
      return { code: code.replace(/`([^`]*)`/g, (_, body) => '`' + body.split(/(\$\{[^}]*\})/).map((part, i) => (i % 2 ? part : css(part))).join('') + '`'), map: null };
    },
  };
}

/**
 * The kit's TypeScript for H5 pages and Node: the platform's AbortController (the DSL build keeps the
 * stand-in), internal property names shortened.
 */
const ts = () => [minifiedCss(), swapModules({ 'utils/abort-controller.ts': 'utils/abort-controller.web.ts' }), compileKit(), mangleInternals()];

export default [
  {
    input: { ...entries, ...elementEntries },
    external,
    plugins: ts(),
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', exports: 'named' },
    ],
  },
  {
    input: iifeEntry,
    plugins: [...ts(), terser({ format: { comments: false } })],
    output: { file: 'dist/miniapp-auth-kit.iife.js', format: 'iife', name: 'MiniappAuthKit', extend: true },
  },
  {
    input: command.input,
    external,
    plugins: ts(),
    output: { file: command.file, format: 'es', banner: '#!/usr/bin/env node' },
  },
  // One declaration build per entry, written for both module formats.
  ...Object.entries(entries).map(([name, input]) => declarations(name, input, external)),
  ...miniprogramBuild(),
];
