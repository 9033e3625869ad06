// The demo's backend section of `npm run bench`: code exchanges per second through demo-miniapp/server/
// (createAuthServer on sqliteStore, with the wallet OpenAPI simulator in the same process), set against
// the RSA work they cannot avoid, measured side by side in one run.
//
// - The servers (simulated wallet OpenAPI + auth server, start-servers.mjs) run in this process;
//   the load comes from another process (bench/load-client.mjs), so that it takes no CPU time from the
//   servers' thread. An exchange: `POST /api/auth/session` with a code the wallet simulator minted
//   beforehand, the signed applyToken call, the wallet's checks and signed answer, its verification,
//   the encrypted SQLite write, the answer.
// - Bounds: RSA-2048 sign + verify pairs per second, signed and verified the way the servers do it
//   (asynchronously, on libuv's thread pool, as many at once as there are clients). Each exchange costs
//   the merchant one pair (it signs applyToken and verifies the answer): the merchant's own bound; the
//   simulated wallet does the same again (verifies, signs its answer): the whole loop's bound is half.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';

const server = (name) => import(new URL(`../demo-miniapp/server/${name}`, import.meta.url).href);

/**
 * RSA-2048 sign + verify pairs per second, `inFlight` at a time, asynchronously (as the servers sign),
 * and the CPU time one pair takes.
 */
export async function rsaPairs(ms, inFlight) {
  // The raw cost: node:crypto on the thread pool (the callback forms), nothing of the kit around it.
  const signAsync = (content, key) => promisify(sign)('sha256', Buffer.from(content), key);
  const verifyAsync = (content, signature, key) => promisify(verify)('sha256', Buffer.from(content), key, signature);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const content = `POST /v1/authorizations/applyToken\nCLIENT.2026-01-01T00:00:00+00:00.${JSON.stringify({ grantType: 'AUTHORIZATION_CODE', authCode: 'x'.repeat(40) })}`;
  let pairs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        if (!(await verifyAsync(content, await signAsync(content, privateKey), publicKey))) throw new Error('verify failed');
        pairs++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: pairs / seconds, cpuMsPerPair: cpuMs(process.cpuUsage(cpu0)) / pairs };
}

/** @param {NodeJS.CpuUsage} usage */
export const cpuMs = (usage) => (usage.user + usage.system) / 1000;

/**
 * Runs the load generator against `url` with `codes` to exchange; resolves with its JSON result. The
 * codes go through a file (written before the run), not a pipe: the servers' process would otherwise
 * spend CPU time inside the measured run writing megabytes of codes to the child.
 */
export function runLoad(url, ms, clients, codes) {
  const script = fileURLToPath(new URL('./load-client.mjs', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'mak-bench-codes-'));
  const file = join(dir, 'codes.json');
  writeFileSync(file, JSON.stringify(codes));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, url, String(ms), String(clients), file], { timeout: ms + 60_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (error) return reject(new Error(`load generator failed: ${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`load generator answered: ${stdout}`));
      }
    });
  });
}

/**
 * One loop run: exchanges per second, and the CPU time per exchange of the servers and of the load.
 * The codes are minted first (in the wallet simulator's memory, as a wallet app hands them out): the
 * run measures the exchange, not the simulator's code minting.
 */
async function loopRun(servers, ms, clients, expectedPerSecond) {
  const count = Math.ceil((expectedPerSecond * ms) / 1000) * 2 + 200;
  const codes = Array.from({ length: count }, (_, i) => servers.wallet.issueCode({ scopes: ['auth_base'], customerId: `bench-${i % 500}` }).authCode);
  const cpu0 = process.cpuUsage();
  const load = await runLoad(servers.url, ms, clients, codes);
  if (load.ranOut) throw new Error('the load generator ran out of codes: mint more');
  return {
    perSecond: load.done / load.seconds,
    done: load.done,
    failed: load.failed,
    pid: load.pid,
    serverCpuMs: cpuMs(process.cpuUsage(cpu0)) / Math.max(1, load.done),
    loadCpuMs: load.cpuMs / Math.max(1, load.done),
  };
}

/**
 * Alternates `rounds` measurements of the RSA bound and of the loop (other work on the machine then
 * weighs on both alike) and keeps the best of each.
 * @param {{ ms?: number, concurrency?: number, rsaMs?: number, rounds?: number }} [options]
 */
export async function measureBackend({ ms = 4000, concurrency = 64, rsaMs = 2000, rounds = 1 } = {}) {
  const { startServers } = await server('start-servers.mjs');
  const dataDir = mkdtempSync(join(tmpdir(), 'mak-bench-backend-'));
  try {
    // One client address (127.0.0.1) for all the load: the per-address attempt limit is off here.
    const servers = await startServers({ port: 0, dataDir, env: {}, logger: null, authOptions: { attemptLimit: null } });
    try {
      // Warm-up (JIT, connections, SQLite pages); its rate sizes the batches of codes.
      const warm = await loopRun(servers, Math.min(500, ms), concurrency, 2000);
      const rsaRuns = [];
      const loopRuns = [];
      for (let round = 0; round < rounds; round++) {
        rsaRuns.push(await rsaPairs(rsaMs, concurrency));
        loopRuns.push(await loopRun(servers, ms, concurrency, Math.max(warm.perSecond, ...loopRuns.map((r) => r.perSecond))));
      }
      const rsa = best(rsaRuns);
      const loop = best(loopRuns);
      return {
        rsaPairsPerSecond: rsa.perSecond,
        rsaCpuMsPerPair: rsa.cpuMsPerPair,
        bounds: { merchant: rsa.perSecond, loop: rsa.perSecond / 2 },
        perSecond: loop.perSecond,
        done: loop.done,
        failed: loopRuns.reduce((n, r) => n + r.failed, 0),
        cpuMsPerExchange: { servers: loop.serverCpuMs, load: loop.loadCpuMs },
        concurrency,
        rounds,
        load: { pid: loop.pid },
        server: { pid: process.pid },
      };
    } finally {
      await servers.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** @template {{ perSecond: number }} T @param {T[]} runs @returns {T} */
const best = (runs) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
