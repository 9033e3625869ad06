// The auth server section of `npm run bench`: code exchanges per second through createAuthServer
// (built dist/) with each store, and the CPU time the auth server's process spends per exchange beside
// the RSA work it cannot avoid (one RSA-2048 sign + verify pair: it signs applyToken and verifies the
// wallet's answer), measured side by side in one run.
//
// - The auth server (listen(), the store, createWalletClient made from its options) runs in this
//   process; the kit's wallet OpenAPI simulator runs in a process of its own
//   (tests/server/fixtures/run-wallet.mjs) and the load comes from another (bench/load-client.mjs), so
//   this process's CPU time is the auth server's alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { rsaPairs, runLoad, cpuMs } from './backend.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { writeWalletKeys } = await import('../tests/server/fixtures/wallet-keys.mjs');
const { generateKeyPair } = await import('../dist/server/testing.js');
const { createAuthServer, memoryStore } = await import('../dist/server.js');
const { listen } = await import('../dist/server/node.js');

function startWallet(dataDir) {
  const child = spawn(process.execPath, [here('../tests/server/fixtures/run-wallet.mjs'), dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = /READY (\S+)/.exec(out);
      if (line) resolve({ url: line[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`wallet simulator exited (${code})`)));
  });
}

/** Codes minted by the simulator (as a wallet app hands them out), `inFlight` requests at a time. */
async function mint(walletUrl, count, inFlight = 32) {
  const codes = [];
  let i = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (i < count) {
      const n = i++;
      const r = await fetch(`${walletUrl}/sim/codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes: ['auth_base'], customerId: `bench-${n % 500}` }) });
      codes.push((await r.json()).authCode);
    }
  }));
  return codes;
}

async function loopRun(url, walletUrl, ms, clients, expectedPerSecond) {
  const codes = await mint(walletUrl, Math.ceil((expectedPerSecond * ms) / 1000) * 2 + 200);
  const cpu0 = process.cpuUsage();
  const load = await runLoad(url, ms, clients, codes);
  if (load.ranOut) throw new Error('the load generator ran out of codes: mint more');
  return { perSecond: load.done / load.seconds, done: load.done, failed: load.failed, cpuMs: cpuMs(process.cpuUsage(cpu0)) / Math.max(1, load.done) };
}

const best = (runs) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

/** A wallet that answers at once, in this process: what is left is the auth server's own work. */
const instantWallet = (clientId) => ({
  clientId,
  profile: 'superqi',
  async applyToken() {
    const t = Date.now();
    return { accessToken: randomBytes(20).toString('hex'), accessTokenExpiresAt: t + 864e5, refreshToken: randomBytes(20).toString('hex'), refreshTokenExpiresAt: t + 2 * 864e5, customerId: `bench-${Math.floor(Math.random() * 500)}` };
  },
  async inquiryUserInfo() {
    return {};
  },
});

/** CPU per exchange of the auth server alone (listen, handler, store, sealing), with the instant wallet. */
async function ownCost(store, ms, clients) {
  const auth = createAuthServer({ wallet: instantWallet('BENCH'), store, tokenKeys: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }, attemptLimit: null, logger: null });
  const served = await listen(auth, { logger: null });
  try {
    const fresh = (n) => Array.from({ length: n }, () => randomBytes(24).toString('base64url'));
    // Warm (the JIT settles after a few thousand exchanges), then the best of two runs.
    let rate = 500;
    for (let i = 0; i < 2; i++) rate = Math.max(rate, (await runLoad(served.url, 1000, clients, fresh(rate * 3))).done);
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const codes = fresh(Math.ceil((rate * ms) / 1000) * 2 + 200);
      const cpu0 = process.cpuUsage();
      const load = await runLoad(served.url, ms, clients, codes);
      if (load.ranOut) throw new Error('the load generator ran out of codes');
      runs.push({ perSecond: load.done / load.seconds, cpuMs: cpuMs(process.cpuUsage(cpu0)) / Math.max(1, load.done) });
    }
    return runs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
  } finally {
    await served.close();
  }
}

/**
 * @param {{ stores: Array<{ name: string, make: (dir: string) => Promise<any> | any }>, ms?: number, concurrency?: number, rounds?: number }} options
 */
export async function measureAuthServer({ stores, ms = 3000, concurrency = 32, rounds = 2 }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mak-bench-auth-'));
  const [merchant, walletKeys] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  writeWalletKeys(dataDir, { clientId: 'BENCH_CLIENT', merchant, wallet: walletKeys });
  const wallet = await startWallet(dataDir);
  const results = [];
  try {
    const rsa = best(await Promise.all([rsaPairs(1500, concurrency)]));
    for (const { name, make } of stores) {
      const walletOptions = { baseUrl: wallet.url, clientId: 'BENCH_CLIENT', privateKey: merchant.privateKeyPem, walletPublicKey: walletKeys.publicKeyPem };
      const auth = createAuthServer({ wallet: walletOptions, store: await make(dataDir), tokenKeys: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }, attemptLimit: null, logger: null });
      const served = await listen(auth, { logger: null });
      try {
        // Warm-up (JIT, connections, the store's pages); its rate sizes the batches of codes.
        let warm = await loopRun(served.url, wallet.url, 1000, concurrency, 500);
        warm = await loopRun(served.url, wallet.url, 1000, concurrency, warm.perSecond);
        const runs = [];
        const rsaRuns = [rsa];
        for (let r = 0; r < rounds; r++) {
          rsaRuns.push(await rsaPairs(1000, concurrency));
          runs.push(await loopRun(served.url, wallet.url, ms, concurrency, Math.max(warm.perSecond, ...runs.map((x) => x.perSecond))));
        }
        const loop = best(runs);
        const pair = Math.min(...rsaRuns.map((x) => x.cpuMsPerPair));
        const own = await ownCost(await make(dataDir, 'own'), 1500, concurrency);
        results.push({ name, perSecond: loop.perSecond, done: loop.done, failed: runs.reduce((n, x) => n + x.failed, 0), cpuMs: Math.min(...runs.map((x) => x.cpuMs)), rsaCpuMs: pair, own });
      } finally {
        await served.close();
      }
    }
  } finally {
    wallet.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { results, concurrency, rounds };
}

export { memoryStore };
