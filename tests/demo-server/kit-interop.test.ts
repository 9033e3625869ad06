/**
 * The kit's own submit hook and authorizer against the demo's backend (createAuthServer) and the wallet OpenAPI
 * simulator: the contract's `{ authCode, scopes }` → session, and refused codes → one fresh code.
 */
import { AuthError, createAuthorizer, httpSubmitter, memoryStorage } from '../../utils';
import type { AuthCodeHost } from '../../utils';
import { loadServerModule, removeDir, tempDir } from './helpers';

let demo: any;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('kit-interop-');
  const runner = await loadServerModule('start-servers.mjs');
  demo = await runner.startServers({ dataDir, env: {}, logger: null });
});
afterAll(async () => {
  await demo.close();
  removeDir(dataDir);
});

/** A `my` whose wallet mints its codes at the simulator's /sim/codes; `bogus` first codes are fake. */
function walletHost(bogus = 0): AuthCodeHost & { codes: string[] } {
  const codes: string[] = [];
  return {
    codes,
    getAuthCode(call) {
      const issue = bogus-- > 0
        ? Promise.resolve(`0000000001bogus${codes.length}`)
        : fetch(`${demo.url}/sim/codes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ scopes: call.scopes }) })
            .then((r) => r.json())
            .then((j: { authCode: string }) => j.authCode);
      void issue.then((authCode) => {
        codes.push(authCode);
        call.success({ authCode, authSuccessScopes: call.scopes });
      });
    },
  };
}

it('httpSubmitter gets the backend session, and maps a refused code to CODE_REJECTED', async () => {
  const submit = httpSubmitter({ url: `${demo.url}/api/auth/session`, host: null });
  const ctx = { scopes: ['auth_base'], attempt: 1, signal: new AbortController().signal };
  const { authCode } = demo.wallet.issueCode({ scopes: ['auth_base'] });
  const data = (await submit(authCode, ctx)) as Record<string, unknown>;
  expect(Object.keys(data).sort()).toEqual(['customerId', 'expiresAt', 'scopes', 'sessionId']);

  // Another sender of that code (another hook draws its own key) gets USED_CODE, not the session.
  const other = httpSubmitter({ url: `${demo.url}/api/auth/session`, host: null });
  const stolen = await other(authCode, ctx).catch((e: unknown) => e);
  expect(stolen).toMatchObject({ code: 'CODE_REJECTED', platformCode: 'USED_CODE' });

  const refused = await submit('0000000001NoSuchCode', ctx).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(AuthError);
  expect(refused).toMatchObject({ code: 'CODE_REJECTED', platformCode: 'INVALID_CODE' });

  demo.wallet.setFault({ type: 'UNKNOWN_EXCEPTION', times: 1 });
  const transient = await submit(demo.wallet.issueCode({ scopes: ['auth_base'] }).authCode, ctx).catch((e: unknown) => e);
  expect(transient).toMatchObject({ code: 'BACKEND_ERROR', retryable: true, platformCode: 'BACKEND_ERROR' });
});

it('an authorizer signs in through the backend, retrying once with a fresh code after a refused one', async () => {
  const host = walletHost(1);
  const authorizer = createAuthorizer({
    host,
    submit: httpSubmitter({ url: `${demo.url}/api/auth/session`, host: null }),
    storage: memoryStorage(),
    engagementTarget: null,
  });
  const before = demo.wallet.stats.authorizationCode;
  const session = await authorizer.authorize(['auth_base']);
  expect(host.codes).toHaveLength(2);
  expect(session.scopes).toEqual(['auth_base']);
  const data = session.data as { sessionId: string; expiresAt: number };
  expect(session.expiresAt).toBe(data.expiresAt);
  expect(demo.wallet.stats.authorizationCode - before).toBe(2); // the bogus code, then the fresh one
  const profile = await fetch(`${demo.url}/api/auth/me`, { headers: { Authorization: `Bearer ${data.sessionId}` } }).then((r) => r.json());
  expect(profile.scopes).toEqual(['auth_base']);
  expect(JSON.stringify(session)).not.toMatch(/accessToken|refreshToken/);
});
