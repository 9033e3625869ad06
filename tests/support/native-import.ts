/**
 * `import()` of the demo's ES modules from tests that ts-jest compiles to CommonJS. Jest's own module
 * system cannot load ES modules without --experimental-vm-modules; Node's loader, reached through a
 * function compiled in the main context, can: the modules run exactly as `node` runs them (and
 * outside Jest's registry).
 *
 * Node 20 marks that loader option experimental and prints one ExperimentalWarning per process, in
 * the middle of the test results. That one warning, and only it, is dropped; every other warning
 * still shows.
 */
import * as vm from 'node:vm';

const FEATURE = 'vm.USE_MAIN_CONTEXT_DEFAULT_LOADER';
const FILTERED = Symbol.for('miniapp-auth-kit.tests.native-import-warning-filter');

/** Node's own `process` (Jest gives each test file a copy, which Node's internals do not use). */
const nodeProcess = vm.runInThisContext('process') as NodeJS.Process & { [FILTERED]?: true };

if (!nodeProcess[FILTERED]) {
  nodeProcess[FILTERED] = true;
  const emitWarning = nodeProcess.emitWarning;
  nodeProcess.emitWarning = function filtered(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.startsWith(FEATURE)) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof emitWarning;
}

export const nativeImport = vm.runInThisContext('(specifier) => import(specifier)', {
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}) as (specifier: string) => Promise<any>;
