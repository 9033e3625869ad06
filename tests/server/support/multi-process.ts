/**
 * Several auth server processes (tests/server/fixtures/run-auth.mjs, built from dist/) on one store,
 * in front of the kit's wallet OpenAPI simulator in this process (over real HTTP, with real
 * signatures), reached through a proxy that can hold a request (a wallet call that never arrives: the
 * owner dies while it waits). 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild, stopAll, kill9, type Child } from './children';
import { createAuthServer, type AuthServer } from '../../../server/auth/server';
import type { AuthStore } from '../../../server/store/types';
import { createTestWallet, type WalletOpenApiSimulator } from '../../../server/testing';

const RUN_AUTH = 'run-auth.mjs';

export interface Cluster {
  wallet: WalletOpenApiSimulator;
  /** A local view of the same store, for reading it back. */
  local: AuthServer;
  children: Child[];
  /** The next applyToken through the proxy is held (never reaches the wallet); resolves when it arrived. */
  holdNext(): Promise<void>;
  issue(customerId?: string, scopes?: string[]): string;
  post(child: Child, code: string, key?: string, scopes?: string[]): Promise<{ status: number; body: any }>;
  me(child: Child, sessionId: string): Promise<{ status: number; body: any }>;
  replace(i: number): Promise<void>;
  kill(i: number): Promise<void>;
  close(): Promise<void>;
}

function startProxy(target: string) {
  let hold: (() => void) | null = null;
  const held: Array<() => void> = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (hold && req.url?.includes('applyToken')) {
      const arrived = hold;
      hold = null;
      arrived();
      // Never forwarded: kept open until the test ends.
      held.push(() => res.destroy());
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    try {
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      const body = Buffer.from(await answer.arrayBuffer());
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding' && (out[k] = v));
      res.writeHead(answer.status, out).end(body);
    } catch {
      res.destroy();
    }
  });
  return {
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    holdNext: () => new Promise<void>((resolve) => (hold = resolve)),
    close: () => new Promise<void>((resolve) => {
      for (const h of held) h();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export async function startCluster(storeSpec: string, localStore: () => AuthStore, { processes = 4, walletTimeoutMs = 1000 } = {}): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mak-cluster-'));
  // Access tokens of 30 s: inside the refresh margin, so every use of one is due for a refresh.
  const { simulator: wallet, clientOptions, merchantKeys, walletKeys } = await createTestWallet({ clientId: 'CLUSTER_CLIENT', accessTokenTtlMs: 30_000 });
  // The children's keys (fixtures/wallet-keys.mjs), private to this run.
  writeFileSync(join(dataDir, 'wallet-keys.json'), JSON.stringify({ clientId: wallet.clientId, merchant: merchantKeys, wallet: walletKeys }), { mode: 0o600 });
  const { url: walletUrl } = await wallet.listen({ host: '127.0.0.1' });
  const proxy = startProxy(walletUrl);
  const proxyUrl = await proxy.listen();
  const tokenKey = randomBytes(32).toString('base64');
  process.env.MAK_TOKEN_KEY = tokenKey;
  process.env.MAK_WALLET_TIMEOUT_MS = String(walletTimeoutMs);
  const spawn = async () => {
    const s = spawnChild(RUN_AUTH, [dataDir, proxyUrl, storeSpec]);
    return s.ready;
  };
  const children = await Promise.all(Array.from({ length: processes }, spawn));
  // A local view of the same store, on the simulator's in-process fetch.
  const local = createAuthServer({ wallet: clientOptions, store: localStore(), tokenKeys: { current: 'k1', keys: { k1: tokenKey } }, logger: null });
  const json = async (r: Response) => ({ status: r.status, body: r.status === 204 ? null : await r.json() });
  return {
    wallet,
    local,
    children,
    holdNext: proxy.holdNext,
    issue: (customerId = `cust-${randomBytes(3).toString('hex')}`, scopes = ['auth_base']) => wallet.issueCode({ scopes, customerId }).authCode,
    post: async (child, code, key, scopes = ['auth_base']) =>
      json(await fetch(`${child.url}/api/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify({ authCode: code, scopes }) })),
    me: async (child, sessionId) => json(await fetch(`${child.url}/api/auth/me`, { headers: { authorization: `Bearer ${sessionId}` } })),
    async replace(i) {
      children[i] = await spawn();
    },
    kill: (i) => kill9(children[i] as Child),
    async close() {
      await stopAll();
      await local.close();
      await proxy.close();
      await wallet.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
