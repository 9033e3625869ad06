// The load generator of the backend benchmark, run as a process of its own (bench/backend.mjs starts
// it), so that it takes no CPU time from the servers: `node load-client.mjs <url> <ms> <clients> [file]`,
// with the auth codes to exchange as a JSON array in the file (or on stdin) (the wallet simulator minted them beforehand, as
// a wallet app hands a code to the miniapp). Each client exchanges codes in a loop
// (`POST /api/auth/session` with an Idempotency-Key, as the kit's httpSubmitter sends it) until the
// time is up or the codes run out. Prints one JSON line of results.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const [url, msText, clientsText, codesFile] = process.argv.slice(2);
const ms = Number(msText);
const clients = Number(clientsText);
if (!url || new URL(url).hostname !== '127.0.0.1' || !(ms > 0) || !(clients > 0)) {
  console.error('usage: node load-client.mjs <http://127.0.0.1:port> <ms> <clients> [codes.json]  (codes as a JSON array in the file, or on stdin)');
  process.exit(2);
}

let input = '';
if (codesFile) input = readFileSync(codesFile, 'utf8');
else for await (const chunk of process.stdin) input += chunk;
/** @type {string[]} */
const codes = JSON.parse(input);

// node:http with kept-alive connections: fetch costs several times the CPU per request, which would
// be taken from the machine the servers run on.
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

/** @param {string} path @param {unknown} body @param {Record<string, string>} [headers] @returns {Promise<void>} */
function post(path, body, headers = {}) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url + path, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path} answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

const cpu0 = process.cpuUsage();
let done = 0;
let failed = 0;
let next = 0;
const t0 = performance.now();
const end = t0 + ms;
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (performance.now() < end && next < codes.length) {
      try {
        await post('/api/auth/session', { authCode: codes[next++], scopes: ['auth_base'] }, { 'Idempotency-Key': randomUUID() });
        done++;
      } catch {
        failed++;
      }
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
agent.destroy();
process.stdout.write(`${JSON.stringify({ pid: process.pid, done, failed, seconds, ranOut: next >= codes.length, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
