// The build's rollup config (`MAK_BUILD_CONFIG`, e.g. rollup.config.mjs) with every output it
// writes under `dist/` redirected into the staging folder `MAK_BUILD_STAGE` (scripts/build.mjs
// moves that folder's files into dist/ once the whole build succeeded).
import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const stage = process.env.MAK_BUILD_STAGE;
const configFile = process.env.MAK_BUILD_CONFIG;
if (!stage || !configFile) throw new Error('rollup-staged.mjs is run by scripts/build.mjs (MAK_BUILD_STAGE and MAK_BUILD_CONFIG unset)');

const dist = resolve('dist');

/** `dist/…` → the same path under the staging folder; anything else as it is. */
function staged(path) {
  if (typeof path !== 'string') return path;
  const inDist = relative(dist, resolve(path));
  return inDist === '' || (!inDist.startsWith('..') && !inDist.startsWith(sep)) ? resolve(stage, inDist) : path;
}

const retarget = (output) => ({ ...output, ...(output.dir ? { dir: staged(output.dir) } : {}), ...(output.file ? { file: staged(output.file) } : {}) });

const { default: loaded } = await import(pathToFileURL(configFile).href);
const configs = [loaded].flat();

export default configs.map((config) => ({
  ...config,
  output: Array.isArray(config.output) ? config.output.map(retarget) : config.output && retarget(config.output),
}));
