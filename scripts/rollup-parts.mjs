// Build steps both rollup configs use (rollup.config.mjs for the package, miniprogram.config.mjs for
// the DSL kit): the kit's TypeScript compiled for bundling, and one declaration build per entry.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

/** The kit's sources (`utils/`, `components/`, `server/`) compiled for bundling; declarations come from `declarations`. */
export function compileKit(compilerOptions = {}, exclude = []) {
  return typescript({
    tsconfig: './tsconfig.json',
    compilerOptions: { declaration: false, noEmit: false, module: 'esnext', types: [], sourceMap: false, ...compilerOptions },
    include: ['utils/**/*.ts', 'components/**/*.ts', 'server/**/*.ts'],
    exclude: ['tests/**', 'demo-miniapp/**', ...exclude],
  });
}

/** One declaration build for `input`, written for both module formats: `dist/<name>.d.ts` and `.d.cts`. */
export function declarations(name, input, external) {
  return {
    input,
    ...(external ? { external } : {}),
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
  };
}
