// `npm run bench`: the kit's size and speed, measured side by side in one run, written to
// BENCHMARKS.md. Not a test: every figure is a measurement of this run on this machine, and every
// speed is given as a ratio to a baseline measured in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const kit = await import('../dist/index.js');
const { createWalletSimulator } = await import('../dist/testing.js');

const lines = [];
const log = (s = '') => {
  console.log(s);
  lines.push(s);
};
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const fmt = (n, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

// --- Sizes ------------------------------------------------------------------------------------

/** Another library's own published browser bundle, taken from its npm tarball. */
function publishedBundle(spec, file) {
  const dir = mkdtempSync(join(tmpdir(), 'mak-bench-'));
  try {
    const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const { filename, version } = JSON.parse(out)[0];
    execFileSync('tar', ['xzf', join(dir, filename), '-C', dir]);
    const code = readFileSync(join(dir, 'package', file));
    return { version, min: code.length, gzip: gzip(code) };
  } catch (error) {
    return { error: String(error.message ?? error).split('\n')[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Each use case as a page's bundler sees it (bench/sizes.mjs: the same measure as the size check
// of `npm test`), the DSL folder as a mini program ships it, and two other auth clients' bundles.
const { BUDGETS, DSL_BUDGETS, DSL_TARGETS, DSL_USE_CASES, OTHER_CLIENTS, TARGETS, USE_CASES, attributeCore, gzip, measureAll, measureDsl } = await import('./sizes.mjs');
const kitSizes = await measureAll();
const coreParts = await attributeCore();
const dslSizes = existsSync('dist/miniprogram') ? await measureDsl() : null;
const iife = readFileSync('dist/miniapp-auth-kit.iife.js');
const oidc = publishedBundle('oidc-client-ts@3', 'dist/browser/oidc-client-ts.min.js');
const auth0 = publishedBundle('@auth0/auth0-spa-js@2', 'dist/auth0-spa-js.production.js');

// --- Client speed: ratios to the raw my.getAuthCode path -----------------------------------------

/** Best ops/s over `rounds` of `n` sequential awaited calls. */
async function opsPerSecond(fn, n, rounds = 5) {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

const submit = async (_code, ctx) => ({ scopes: ctx.scopes });
const sim = createWalletSimulator();
/** What teams hand-write today: a promise around my.getAuthCode. */
const rawGetAuthCode = () => new Promise((resolve, reject) => sim.my.getAuthCode({ scopes: ['auth_base'], success: resolve, fail: reject }));

const N = 20_000;
const rawOps = await opsPerSecond(rawGetAuthCode, N);
const cachedAuthorizer = kit.createAuthorizer({ host: sim.my, submit, engagementTarget: null, storage: kit.memoryStorage() });
await cachedAuthorizer.authorize('auth_base');
const cachedOps = await opsPerSecond(() => cachedAuthorizer.authorize('auth_base'), N);

/**
 * Time from the tap to the wallet's getAuthCode being entered: kit (gesture) vs a raw call. The
 * median of many samples, so that a garbage collection in one sample does not move the figure.
 */
function tapToWallet(iterations) {
  let entered = 0;
  const host = {
    getAuthCode() {
      entered = performance.now();
    },
  };
  const kitSamples = [];
  const rawSamples = [];
  for (let i = 0; i < iterations; i++) {
    const a = kit.createAuthorizer({ host, submit, engagementTarget: null, storage: kit.memoryStorage(), timeoutMs: 1 });
    let t0 = performance.now();
    a.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true }).catch(() => {});
    kitSamples.push(entered - t0);
    t0 = performance.now();
    host.getAuthCode({ scopes: ['USER_NAME', 'USER_AVATAR'], success() {}, fail() {} });
    rawSamples.push(entered - t0);
  }
  const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1] * 1000;
  return { kit: median(kitSamples), raw: median(rawSamples) };
}
tapToWallet(2_000); // warm-up
const tap = tapToWallet(20_000);
await new Promise((r) => setTimeout(r, 20)); // let the 1 ms timeouts of the tap runs fire

/** 1 000 concurrent calls: the kit (one prompt, one submission) vs 1 000 raw calls. */
async function concurrent() {
  const wallet = createWalletSimulator();
  let submissions = 0;
  const a = kit.createAuthorizer({
    host: wallet.my,
    engagementTarget: null,
    storage: kit.memoryStorage(),
    submit: async (_code, ctx) => (submissions++, { scopes: ctx.scopes }),
  });
  let t0 = performance.now();
  await Promise.all(Array.from({ length: 1000 }, () => a.authorize(['USER_NAME', 'USER_AVATAR'], { gesture: true })));
  const kitMs = performance.now() - t0;
  const prompts = wallet.calls.filter((c) => c.prompted).length;
  const rawWallet = createWalletSimulator();
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: 1000 }, () => new Promise((resolve, reject) => rawWallet.my.getAuthCode({ scopes: ['USER_NAME', 'USER_AVATAR'], success: resolve, fail: reject }))),
  );
  const rawMs = performance.now() - t0;
  return { kitMs, rawMs, prompts, submissions, kitCalls: wallet.calls.length, rawPrompts: rawWallet.calls.filter((c) => c.prompted).length, rawCalls: rawWallet.calls.length };
}
await concurrent(); // warm-up
// Best of five runs for each side.
const runs = [];
for (let i = 0; i < 5; i++) runs.push(await concurrent());
const conc = { ...runs[0], kitMs: Math.min(...runs.map((r) => r.kitMs)), rawMs: Math.min(...runs.map((r) => r.rawMs)) };

// --- Backend: exchanges per second vs the RSA sign + verify bounds (bench/backend.mjs) ------------

let backend = null;
if (existsSync('demo-miniapp/server/start-servers.mjs')) {
  const { measureBackend } = await import('./backend.mjs');
  backend = await measureBackend({ rounds: 3 });
}

// --- The auth server (createAuthServer): exchanges per second per store, CPU beside RSA ------------

/** PostgreSQL for the bench: MAK_PG_URL, else a throwaway cluster when the package is installed. */
function benchPostgres() {
  if (process.env.MAK_PG_URL) return { url: process.env.MAK_PG_URL, stop() {} };
  try {
    const env = execFileSync('bash', ['scripts/pg-cluster.sh', 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const url = /MAK_PG_URL=(\S+)/.exec(env)?.[1];
    const dir = /MAK_PG_DIR=(\S+)/.exec(env)?.[1];
    return url ? { url, stop: () => execFileSync('bash', ['scripts/pg-cluster.sh', 'stop', dir]) } : null;
  } catch {
    return null;
  }
}

let authServer = null;
let pgNote = '';
{
  const { measureAuthServer, memoryStore } = await import('./auth-server.mjs');
  const { sqliteStore } = await import('../dist/server/sqlite.js');
  const pg = benchPostgres();
  const stores = [
    { name: '`memoryStore()`', make: () => memoryStore() },
    { name: '`sqliteStore()` (a file, WAL)', make: (dir, tag = '') => sqliteStore({ filename: join(dir, `bench${tag}.sqlite`) }) },
  ];
  let pool = null;
  if (pg) {
    const { Pool } = (await import('pg')).default;
    pool = new Pool({ connectionString: pg.url, max: 16 });
    stores.push({ name: '`postgresStore()` (PostgreSQL on this machine)', make: () => import('../dist/server/postgres.js').then((m) => m.postgresStore({ pool })) });
  } else pgNote = 'PostgreSQL not measured: no MAK_PG_URL and no `postgresql` package to start one.';
  try {
    authServer = await measureAuthServer({ stores });
  } finally {
    await pool?.end();
    pg?.stop();
  }
}

// --- Wallet client: signatures per second of both engines, and a call beside the raw RSA cost ----

const { measureWalletClient } = await import('./wallet-client.mjs');
const walletClient = await measureWalletClient();

// --- Report -------------------------------------------------------------------------------------

const cpu = cpus()[0]?.model ?? 'unknown CPU';
log('# Benchmarks');
log();
log(`Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} × ${cpu}.`);
log('Every figure below was measured in the same run; speeds are ratios to a baseline of that run.');
log();
log('## Bundle size (minified + gzip -9)');
log();
log('Each use case is bundled from `dist/` through the package\'s exports with esbuild (ESM, minified) and gzipped at level 9, as a page\'s bundler would ship it (`bench/sizes.mjs`; `npm test` checks the ceilings). The other libraries are their own published browser bundles.');
log();
log('| use case | minified | min + gzip | vs oidc-client-ts | vs auth0-spa-js | ceiling in `npm test` | issue 18 ceiling |');
log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const ratio = (n, other) => (other.error ? '–' : `${fmt(n / other.gzip, 2)}×`);
const limit = (n) => (n === undefined ? '' : kb(n));
for (const useCase of USE_CASES) {
  const s = kitSizes[useCase.id];
  log(`| ${useCase.label} | ${kb(s.min)} | **${kb(s.gzip)}** | ${ratio(s.gzip, oidc)} | ${ratio(s.gzip, auth0)} | ${limit(BUDGETS[useCase.id])} | ${limit(TARGETS[useCase.id])} |`);
}
const iifeGzip = gzip(iife);
log(`| the IIFE (core + elements, three languages, no bundler) | ${kb(iife.length)} | **${kb(iifeGzip)}** | ${ratio(iifeGzip, oidc)} | ${ratio(iifeGzip, auth0)} | | |`);
for (const useCase of dslSizes ? DSL_USE_CASES : []) {
  const s = dslSizes[useCase.id];
  log(`| ${useCase.label} | ${kb(s.min)} | **${kb(s.gzip)}** | ${ratio(s.gzip, oidc)} | ${ratio(s.gzip, auth0)} | ${limit(DSL_BUDGETS[useCase.id])} | ${limit(DSL_TARGETS[useCase.id])} |`);
}
for (const [name, other] of [[`oidc-client-ts ${oidc.version ?? ''} (dist/browser/oidc-client-ts.min.js)`, oidc], [`@auth0/auth0-spa-js ${auth0.version ?? ''} (dist/auth0-spa-js.production.js)`, auth0]]) {
  log(other.error ? `| ${name} | – | – | | | | not measured: ${other.error} |` : `| ${name} | ${kb(other.min)} | **${kb(other.gzip)}** | | | | |`);
}
log();
log('Beside other auth clients for their minimal use (issue 18\'s size review, min + gzip): ' + OTHER_CLIENTS.map(([name, kbs]) => `${name} ${kbs.toFixed(1)} KB`).join(', ') + `; the kit's silent login is ${kb(kitSizes['silent-login'].gzip)}, a page with one consent button ${kb(kitSizes['one-button'].gzip)}.`);
log();
log('### Where the core entry\'s bytes go');
log();
log(`The core's sources bundled by esbuild (${kb(coreParts.total.min)} minified, ${kb(coreParts.total.gzip)} min + gzip), each module counted under the contract clause it serves; a group's min + gzip is its share of the whole. Emptying every developer-facing sentence would bring the entry to ${kb(coreParts.withoutMessages)}${coreParts.withoutMessages > TARGETS.core ? `: shorter messages alone cannot reach the ${kb(TARGETS.core)} target` : ''}.`);
log();
log('| part | minified | share | ≈ min + gzip |');
log('| --- | ---: | ---: | ---: |');
for (const part of coreParts.parts) log(`| ${part.label} | ${kb(part.min)} | ${fmt(part.share * 100)} % | ${kb(part.gzip)} |`);
log();
log('## Client speed, against the raw `my.getAuthCode` path (wallet simulator)');
log();
log('| operation | kit | raw `my.getAuthCode` | ratio |');
log('| --- | ---: | ---: | ---: |');
log(`| cached \`authorize('auth_base')\` (no wallet call, no network) | ${fmt(cachedOps)} ops/s | ${fmt(rawOps)} ops/s | **${fmt(cachedOps / rawOps, 1)}×** faster |`);
log(`| tap → wallet \`getAuthCode\` entered (\`gesture: true\`), median | ${fmt(tap.kit, 2)} µs | ${fmt(tap.raw, 2)} µs | **${fmt(tap.kit / Math.max(tap.raw, 1e-3), 1)}×** the raw time, still synchronous in the same task |`);
log(`| 1 000 concurrent calls for the same consent scopes, best of 5 | ${fmt(conc.kitMs, 1)} ms, ${conc.prompts} prompt, ${conc.submissions} submission | ${fmt(conc.rawMs, 1)} ms, ${conc.rawPrompts} prompts | **${fmt(conc.kitMs / conc.rawMs, 2)}×** the raw time, ${conc.rawPrompts}× fewer prompts |`);
if (backend) {
  const ms = (n) => `${fmt(n, 2)} ms`;
  log();
  log('## The demo\'s backend (`demo-miniapp/server/`: createAuthServer on sqliteStore), against the RSA bounds of this machine');
  log();
  log(`An exchange: \`POST /api/auth/session\` (with an \`Idempotency-Key\`) carrying a code the wallet simulator minted beforehand, the signed \`applyToken\` call, the wallet's checks and signed answer, its verification, the encrypted SQLite write, the answer. The servers (wallet simulator + auth server) run in the benchmark's process; the load comes from another process (${backend.concurrency} clients, kept-alive connections). RSA runs as the servers run it: asynchronously, on libuv's thread pool, over all ${cpus().length} cores. Best of ${backend.rounds} alternating runs of each side.`);
  log();
  log('| figure | value |');
  log('| --- | ---: |');
  log(`| RSA-2048 sign + verify pairs per second (asynchronous, ${backend.concurrency} at a time) | ${fmt(backend.rsaPairsPerSecond)} /s |`);
  log(`| the merchant's own bound: one pair per exchange (signs the request, verifies the answer) | ${fmt(backend.bounds.merchant)} /s |`);
  log(`| the whole loop's bound: two pairs per exchange (the wallet verifies and signs too) | ${fmt(backend.bounds.loop)} /s |`);
  log(`| exchanges per second (load from another process) | ${fmt(backend.perSecond)} /s (${backend.done} done, ${backend.failed} failed) |`);
  log(`| ratio to the merchant's own bound | ${fmt(backend.perSecond / backend.bounds.merchant, 2)} |`);
  log(`| **ratio to the whole loop's bound** | **${fmt(backend.perSecond / backend.bounds.loop, 2)}** |`);
  log(`| CPU time per exchange: servers (of which RSA, two pairs) / load generator | ${ms(backend.cpuMsPerExchange.servers)} (${ms(2 * backend.rsaCpuMsPerPair)}) / ${ms(backend.cpuMsPerExchange.load)} |`);
}
if (authServer) {
  const ms = (n) => `${fmt(n, 3)} ms`;
  log();
  log('## The auth server (`createAuthServer`), per store, against its RSA cost');
  log();
  log(`An exchange: \`POST /api/auth/session\` through \`listen()\` (the Node adapter), the claim in the store, the signed \`applyToken\` call to the wallet OpenAPI simulator and the verification of its answer, the tokens sealed (AES-256-GCM), the completion transaction, the answer. The auth server runs in the benchmark's process; the simulator and the load (${authServer.concurrency} clients, kept-alive connections) run in processes of their own, so the CPU time below is the auth server's alone. Its RSA cost: one RSA-2048 sign + verify pair per exchange (it signs the request, verifies the answer), on libuv's thread pool as it runs it. Best of ${authServer.rounds} runs per store. The wallet client is the kit's \`createWalletClient\`, made by the auth server from its options.`);
  log();
  log('| store | exchanges per second | CPU per exchange | of which RSA (one pair) | everything but RSA | **everything but RSA / RSA** | the auth server\'s own share (instant wallet) | **own share / RSA** |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of authServer.results) {
    const rest = Math.max(0, r.cpuMs - r.rsaCpuMs);
    log(`| ${r.name} | ${fmt(r.perSecond)} /s (${r.done} done, ${r.failed} failed) | ${ms(r.cpuMs)} | ${ms(r.rsaCpuMs)} | ${ms(rest)} | **${fmt(rest / r.rsaCpuMs, 2)}** | ${ms(r.own.cpuMs)} (${fmt(r.own.perSecond)} /s) | **${fmt(r.own.cpuMs / r.rsaCpuMs, 2)}** |`);
  }
  log();
  log('"Everything but RSA" is the whole process: the HTTP server, the handler, the store, the sealing, and the wallet client\'s HTTP request and answer checks. "Own share" is the same exchange with a wallet that answers at once in the process (no RSA, no wallet HTTP): what createAuthServer, its store and the Node adapter cost; the rest is the wallet client\'s.');
  if (pgNote) log(`\n${pgNote}`);
  log();
  log('Goal: everything but RSA under half of RSA (a ratio below 0.5).');
}
{
  const { signatures: sig, rawPair, calls } = walletClient;
  const us = (perSecond) => 1e6 / perSecond;
  log();
  log('## Wallet client (`miniapp-auth-kit/server`), against the raw RSA cost');
  log();
  log("RSA-2048 SHA-256 signatures of a request's signed content, one after another, on the kit's two engines (its own modules, from the sources) beside the raw calls they wrap. Then `applyToken` through `createWalletClient` (the built package): it signs the request, verifies the answer's signature over the raw bytes, checks Client-Id, time and replays, parses and returns the grant; the answers come from memory (signed in advance), so what is measured is the client, beside one raw sign + verify pair, the RSA it cannot avoid. Variants measured in alternating rounds, best round of each.");
  log();
  log('| figure | kit | raw | ratio |');
  log('| --- | ---: | ---: | ---: |');
  log(`| signatures/s, node:crypto path (thread pool) | ${fmt(sig.node)} /s | ${fmt(sig.rawNode)} /s (\`crypto.sign\`) | **${fmt(sig.node / sig.rawNode, 2)}** |`);
  log(`| signatures/s, WebCrypto path (edge runtimes) | ${fmt(sig.webcrypto)} /s | ${fmt(sig.rawWebcrypto)} /s (\`subtle.sign\`) | **${fmt(sig.webcrypto / sig.rawWebcrypto, 2)}** |`);
  log(`| WebCrypto path / node:crypto path | | | ${fmt(sig.webcrypto / sig.node, 2)} |`);
  for (const engine of ['node', 'webcrypto']) {
    const pair = rawPair[engine];
    log(`| \`applyToken\` calls/s (${engine === 'node' ? 'node:crypto' : 'WebCrypto'}) vs raw sign + verify pairs/s on the same engine | ${fmt(calls[engine])} /s | ${fmt(pair)} /s | **${fmt(calls[engine] / pair, 2)}** (${fmt(us(calls[engine]) - us(pair))} µs per call beyond the RSA) |`);
  }
}
log();
log('Reproduce with `npm run bench` (it rewrites this file).');

writeFileSync('BENCHMARKS.md', lines.join('\n') + '\n');
if (conc.prompts !== 1 || conc.submissions !== 1) {
  console.error('single flight broken: expected one prompt and one submission');
  process.exitCode = 1;
}
