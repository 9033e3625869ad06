/**
 * The demo's fault switch (`/sim/faults`, and `/sim/codes` while a code fault is armed) refuses bodies
 * like every other JSON route of the demo: not declared JSON is 415, not a JSON object is 400, and a
 * refused request arms nothing and spends no armed fault.
 */
import * as http from 'node:http';
import { loadRepoModule, loadServerModule, postJson, readAnswer, removeDir, tempDir } from './helpers';

let servers: any;
let page: http.Server;
let pageUrl: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('fault-switch-');
  const { startServers } = await loadServerModule('start-servers.mjs');
  const { createFaultSwitch } = await loadRepoModule('demo-miniapp/dev-faults.mjs');
  servers = await startServers({ dataDir, env: {}, logger: null });
  const faults = createFaultSwitch({ servers, dataDir, env: {} });
  // Mounted the way start.mjs mounts it: the switch first, then the servers.
  page = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if ((path === '/sim/faults' || path === '/sim/codes') && faults.handle(req, res, path)) return;
    if (!servers.handler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => page.close(resolve));
  await servers.close();
  removeDir(dataDir);
});
afterEach(() => postJson(`${pageUrl}/sim/faults`, { fault: null }));

const armed = async () => (await fetch(`${pageUrl}/sim/faults`).then(readAnswer)).json.armed;
const postText = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body }).then(readAnswer);
const exchange = (authCode: string) => postJson(`${pageUrl}/api/auth/session`, { authCode, scopes: ['auth_base'] });

describe('POST /sim/faults', () => {
  it('arms a fault sent as JSON', async () => {
    const answer = await postJson(`${pageUrl}/sim/faults`, { fault: 'EXPIRED_CODE' });
    expect(answer.status).toBe(200);
    expect(answer.json.armed).toBe('EXPIRED_CODE');
    expect(await armed()).toBe('EXPIRED_CODE');
  });

  it('refuses a body not declared JSON with 415 and arms nothing (a cross-site form cannot arm it)', async () => {
    const answer = await postText(`${pageUrl}/sim/faults`, JSON.stringify({ fault: 'EXPIRED_CODE' }));
    expect(answer.status).toBe(415);
    expect(answer.json.error.code).toBe('BAD_REQUEST');
    expect(await armed()).toBeNull();
  });

  it.each([['[]'], ['not json'], [JSON.stringify({ fault: 'NO_SUCH_FAULT' })], [JSON.stringify({ fault: 7 })]])('refuses %s with 400 and arms nothing', async (body) => {
    const answer = await postJson(`${pageUrl}/sim/faults`, body);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('BAD_REQUEST');
    expect(await armed()).toBeNull();
  });

  it('answers 405 with Allow to other methods', async () => {
    const answer = await fetch(`${pageUrl}/sim/faults`, { method: 'DELETE' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
  });
});

describe('POST /sim/codes while a code fault is armed', () => {
  it('hands out the spoiled code once, then good codes again', async () => {
    await postJson(`${pageUrl}/sim/faults`, { fault: 'EXPIRED_CODE' });
    const spoiled = await postJson(`${pageUrl}/sim/codes`, { scopes: ['auth_base'] });
    expect(spoiled.status).toBe(200);
    expect((await exchange(spoiled.json.authCode)).status).toBe(410);
    expect(await armed()).toBeNull();
    const good = await postJson(`${pageUrl}/sim/codes`, { scopes: ['auth_base'] });
    expect((await exchange(good.json.authCode)).status).toBe(200);
  });

  it('refuses a body not declared JSON with 415 and keeps the fault for the next good request', async () => {
    await postJson(`${pageUrl}/sim/faults`, { fault: 'EXPIRED_CODE' });
    const refused = await postText(`${pageUrl}/sim/codes`, JSON.stringify({ scopes: ['auth_base'] }));
    expect(refused.status).toBe(415);
    expect(refused.json.authCode).toBeUndefined();
    expect(await armed()).toBe('EXPIRED_CODE');
  });

  it('refuses a bad code request with 400 and keeps the fault', async () => {
    await postJson(`${pageUrl}/sim/faults`, { fault: 'USED_CODE' });
    const refused = await postJson(`${pageUrl}/sim/codes`, { scopes: [] });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('PARAM_ILLEGAL');
    expect(await armed()).toBe('USED_CODE');
  });
});

it('the simulator itself refuses a code request not declared JSON with 415 and mints nothing', async () => {
  const before = servers.wallet.stats.codesIssued;
  const refused = await postText(`${servers.url}/sim/codes`, JSON.stringify({ scopes: ['auth_base'] }));
  expect(refused.status).toBe(415);
  expect(refused.json.authCode).toBeUndefined();
  expect(servers.wallet.stats.codesIssued).toBe(before);
});
