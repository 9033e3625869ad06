// `npm run bench`: size and speed figures of the kit, measured side by side in one run.
// Not a test: it prints figures (and ratios to the raw my.getAuthCode path) for the README.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';
import { performance } from 'node:perf_hooks';

const kit = await import('../dist/index.js');
const { createWalletSimulator } = await import('../dist/testing.js');

/** Minified + gzip size of an ESM entry, bundled the way an application bundler would. */
async function bundleSize(entry) {
  const bundle = await rollup({ input: entry, onwarn: () => {} });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser({ format: { comments: false } })] });
  await bundle.close();
  const code = output.filter((o) => o.type === 'chunk').map((o) => o.code).join('\n');
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const rows = [];
function report(name, value, note = '') {
  rows.push({ name, value, note });
  console.log(`${name.padEnd(48)} ${String(value).padEnd(22)} ${note}`);
}

// --- Sizes ------------------------------------------------------------------------------------
const core = await bundleSize('dist/index.js');
report('core entry (min + gzip)', kb(core.gzip), `${kb(core.min)} minified; target <= 3 KB`);
if (existsSync('dist/components.js')) {
  const iife = readFileSync('dist/miniapp-auth-kit.iife.js');
  report('core + elements IIFE (min + gzip)', kb(gzipSync(iife, { level: 9 }).length), `${kb(iife.length)} minified; target <= 8 KB`);
}

// --- Speed ------------------------------------------------------------------------------------
/** ops/s of an async operation run `n` times in sequence, best of `rounds`. */
async function opsPerSecond(fn, n, rounds = 5) {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, n / s);
  }
  return best;
}

const sim = createWalletSimulator();
/** The hand-written path every team writes today: a promise around my.getAuthCode. */
const rawGetAuthCode = () =>
  new Promise((resolve, reject) => sim.my.getAuthCode({ scopes: ['auth_base'], success: resolve, fail: reject }));

const submit = async (code, ctx) => ({ user: 'u1', scopes: ctx.scopes });
const cachedAuthorizer = kit.createAuthorizer({ host: sim.my, submit, engagementTarget: null, storage: kit.memoryStorage() });
await cachedAuthorizer.authorize('auth_base');

const N = 20_000;
const raw = await opsPerSecond(rawGetAuthCode, N);
const cached = await opsPerSecond(() => cachedAuthorizer.authorize('auth_base'), N);
report('raw my.getAuthCode promise (simulator)', `${Math.round(raw).toLocaleString('en')} ops/s`, 'baseline');
report('cached authorize()', `${Math.round(cached).toLocaleString('en')} ops/s`, `${(cached / raw).toFixed(2)}x the raw path (no wallet call, no network)`);

// 1 000 concurrent authorize calls: one prompt, one submission.
{
  const wallet = createWalletSimulator({ latencyMs: 5 });
  let submissions = 0;
  const a = kit.createAuthorizer({
    host: wallet.my,
    engagementTarget: null,
    storage: kit.memoryStorage(),
    submit: async (code, ctx) => (submissions++, { scopes: ctx.scopes }),
  });
  const t0 = performance.now();
  const sessions = await Promise.all(Array.from({ length: 1000 }, () => a.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true })));
  const ms = performance.now() - t0;
  const prompts = wallet.calls.filter((c) => c.prompted).length;
  report('1 000 concurrent authorize()', `${ms.toFixed(1)} ms`, `${prompts} prompt(s), ${wallet.calls.length} wallet call(s), ${submissions} submission(s), ${sessions.length} sessions`);
  if (prompts !== 1 || submissions !== 1) {
    console.error('single flight broken');
    process.exitCode = 1;
  }
}

export { rows };
