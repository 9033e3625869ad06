/**
 * `GET /api/me?scope=…`: the page asks for its current grant. The customer's wallet token still
 * reaches what they allowed before a sign-out (the stored scopes add up over every code), but the
 * answer, scopes and profile, covers only the scopes the page holds now.
 */
import { loadServerModule, postJson, readAnswer, removeDir, tempDir } from './helpers';

let demo: any;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('demo-me-scope-');
  const { startServers } = await loadServerModule('start-servers.mjs');
  demo = await startServers({ dataDir, env: {}, logger: null });
});

afterAll(async () => {
  await demo?.close();
  removeDir(dataDir);
});

async function signIn(scopes: string[], customerId: string): Promise<string> {
  const { authCode } = demo.wallet.issueCode({ scopes, customerId });
  const opened = await postJson(`${demo.url}/api/auth/session`, { authCode, scopes });
  expect(opened.status).toBe(200);
  return opened.json.sessionId;
}

const me = (sessionId: string, query = '') => fetch(`${demo.url}/api/me${query}`, { headers: { Authorization: `Bearer ${sessionId}` } }).then(readAnswer);

test('after a sign-out and a smaller grant, the page’s scope list narrows the answer to that grant', async () => {
  // Before: name, photo and contact details; then a sign-out ends that backend session.
  const before = await signIn(['auth_base', 'USER_NAME', 'USER_AVATAR', 'USER_CONTACTINFO'], 'C-NARROW');
  const out = await fetch(`${demo.url}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${before}` } });
  expect(out.status).toBe(204);
  expect((await me(before)).status).toBe(401);

  // After: name and photo only.
  const after = await signIn(['USER_NAME', 'USER_AVATAR'], 'C-NARROW');
  const all = await me(after);
  expect(all.json.scopes).toEqual(expect.arrayContaining(['USER_CONTACTINFO'])); // what the token reaches
  expect(all.json.profile).toHaveProperty('phone');

  const current = await me(after, '?scope=auth_base%20USER_NAME%20USER_AVATAR');
  expect(current.status).toBe(200);
  expect(current.json.scopes.sort()).toEqual(['USER_AVATAR', 'USER_NAME', 'auth_base']);
  expect(current.json.profile).toEqual({ name: expect.any(String), avatar: expect.any(String) });
});

test('the scope list never widens the answer, and must be scope names', async () => {
  const session = await signIn(['auth_base'], 'C-WIDEN');
  const asked = await me(session, '?scope=auth_base,USER_CONTACTINFO');
  expect(asked.status).toBe(200);
  expect(asked.json.scopes).toEqual(['auth_base']);
  expect(asked.json.profile).toEqual({});

  for (const bad of ['?scope=%3Cscript%3E', `?scope=${'A'.repeat(3000)}`, `?scope=${Array.from({ length: 40 }, (_, i) => `S${i}`).join('+')}`]) {
    const answer = await me(session, bad);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('BAD_REQUEST');
  }
});
