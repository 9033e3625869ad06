/**
 * The README's "Backend" section as users read it: the Express and Hono examples run, as written,
 * against the wallet simulator (tests/package/pack.test.ts type-checks every README snippet).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { createWalletOpenApiSimulator } from '../../server/testing';
import { nativeImport } from '../support/native-import';
import { waitUntil } from '../support/wait-until';
import { keys } from '../server/helpers';

const ROOT = resolve(__dirname, '../..');
// Inside the repository (so `miniapp-auth-kit/...` resolves to this package), in a folder the build ignores.
const DIR = join(ROOT, 'build', `readme-${process.pid}`);

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Backend ('), readme.indexOf('\n## ', readme.indexOf('## Backend (') + 5));
const snippet = (heading: string) => {
  const at = section.indexOf(heading);
  return /```ts\n([\s\S]*?)```/.exec(section.slice(at))![1] as string;
};

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/server.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  mkdirSync(DIR, { recursive: true });
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** A free port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

const toModule = (code: string) => transformSync(code, { loader: 'ts', format: 'esm', target: 'node20' }).code;

describe('the examples run as written, against the simulator', () => {
  const { merchant, wallet } = keys();
  const sim = createWalletOpenApiSimulator({ clientId: 'README_CLIENT', merchantPublicKey: merchant.publicPem, walletPrivateKey: wallet.privatePem });
  let walletUrl: string;
  const env = () => ({ WALLET_BASE_URL: walletUrl, WALLET_CLIENT_ID: 'README_CLIENT', MERCHANT_PRIVATE_KEY: merchant.privatePem.trim().replace(/\n/g, '\\n'), WALLET_PUBLIC_KEY: wallet.publicPem });
  beforeAll(async () => {
    ({ url: walletUrl } = await sim.listen());
  });
  afterAll(() => sim.close());

  it('Express: a session from a code, the profile with the bearer, the refusals the kit reads', async () => {
    const file = join(DIR, 'express.mjs');
    writeFileSync(file, toModule(snippet('### Express')));
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, PORT: String(port), ...env() }, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(() => fetch(`${base}/api/me`).then(() => true, () => false), 'the Express example to listen');
      const post = (body: unknown) => fetch(`${base}/api/auth/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const { authCode } = sim.issueCode({ scopes: ['USER_NAME'], customerId: 'C42' });
      const opened = await post({ authCode, scopes: ['USER_NAME'] });
      const { sessionId, customerId } = await opened.json();
      expect({ status: opened.status, customerId }).toEqual({ status: 200, customerId: 'C42' });
      const me = await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${sessionId}` } });
      expect(await me.json()).toEqual({ customerId: 'C42', scopes: ['USER_NAME'], name: expect.stringMatching(/ Al-/) });
      const again = await post({ authCode });
      expect({ status: again.status, body: await again.json() }).toEqual({ status: 409, body: { error: { code: 'USED_CODE', message: expect.any(String), retryable: false } } });
      sim.setFault({ type: 'HTTP_503', api: 'inquiryUserInfo' });
      const down = await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${sessionId}` } });
      sim.setFault(null);
      expect({ status: down.status, retryable: (await down.json()).error.retryable }).toEqual({ status: 503, retryable: true });
      expect((await post({})).status).toBe(400);
    } finally {
      child.kill();
    }
  });

  it('Hono: app.fetch(request, env) exchanges the code, and maps a refused code', async () => {
    const file = join(DIR, 'hono.mjs');
    writeFileSync(file, toModule(snippet('### Hono')));
    const app = (await nativeImport(pathToFileURL(file).href)).default as { fetch(request: Request, env: unknown): Promise<Response> };
    const post = (body: unknown) => app.fetch(new Request('http://worker/api/auth/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }), env());
    const { authCode } = sim.issueCode({ customerId: 'C7' });
    const opened = await post({ authCode });
    expect({ status: opened.status, body: await opened.json() }).toEqual({ status: 200, body: { customerId: 'C7' } });
    const again = await post({ authCode });
    expect({ status: again.status, code: (await again.json()).error.code }).toEqual({ status: 409, code: 'USED_CODE' });
    expect((await post({ authCode: 42 })).status).toBe(400);
  });
});
