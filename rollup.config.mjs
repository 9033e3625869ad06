// Builds the package: ESM + CommonJS per entry (shared code in common chunks so `instanceof
// AuthError` holds across entries), bundled .d.ts/.d.cts, one minified IIFE for pages
// without a bundler, and the DSL mini program kit in dist/miniprogram/ (see miniprogram.config.mjs).
import { existsSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import { miniprogramBuild } from './miniprogram.config.mjs';

const entries = {
  index: 'utils/index.ts',
  testing: 'utils/testing/index.ts',
  ...(existsSync('components/index.ts') ? { components: 'components/index.ts' } : {}),
};
/** The IIFE carries core + components: `globalThis.MiniappAuthKit`. */
const iifeEntry = existsSync('components/global.ts') ? 'components/global.ts' : 'utils/index.ts';

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { declaration: false, noEmit: false, module: 'esnext', types: [], sourceMap: false },
    include: ['utils/**/*.ts', 'components/**/*.ts'],
    exclude: ['tests/**', 'demo-miniapp/**'],
  });

export default [
  {
    input: entries,
    plugins: [ts()],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', exports: 'named' },
    ],
  },
  {
    input: iifeEntry,
    plugins: [ts(), terser({ format: { comments: false } })],
    output: { file: 'dist/miniapp-auth-kit.iife.js', format: 'iife', name: 'MiniappAuthKit', extend: true },
  },
  ...Object.entries(entries).flatMap(([name, input]) => [
    { input, plugins: [dts({ tsconfig: './tsconfig.json' })], output: { file: `dist/${name}.d.ts`, format: 'es' } },
    { input, plugins: [dts({ tsconfig: './tsconfig.json' })], output: { file: `dist/${name}.d.cts`, format: 'es' } },
  ]),
  ...miniprogramBuild(),
];
