/**
 * What a user gets is what is tested: the package is packed with `npm pack`, installed from the
 * tarball into a fresh project, and every entry point is imported both ways (ESM and CommonJS),
 * type-checked as a consumer would, and the IIFE is run in a bare context.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';

const root = resolve(__dirname, '../..');
let project: string;

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  project = mkdtempSync(join(tmpdir(), 'mak-pack-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], root)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(project, (packed[0] as { filename: string }).filename);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], project);
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test('the tarball ships dist and the README, not sources or tests', () => {
  const pkgDir = join(project, 'node_modules/miniapp-auth-kit');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(existsSync(join(pkgDir, 'dist/miniapp-auth-kit.iife.js'))).toBe(true);
  expect(existsSync(join(pkgDir, 'README.md'))).toBe(true);
  expect(existsSync(join(pkgDir, 'utils'))).toBe(false);
  expect(existsSync(join(pkgDir, 'tests'))).toBe(false);
});

const flow = `
  const sim = kit.testing.createWalletSimulator();
  const codes = [];
  const authorizer = kit.core.createAuthorizer({ host: sim.my, engagementTarget: null, submit: async (code, ctx) => { codes.push(code); return { user: 'u1', scopes: ctx.scopes }; } });
  const session = await authorizer.authorize('auth_base');
  const bad = await kit.core.requestAuthCode('not a scope', { host: sim.my }).catch((e) => e);
  out = {
    exports: Object.keys(kit.core).sort(),
    session,
    submitted: codes.length,
    badIsAuthError: bad instanceof kit.core.AuthError,
    badCode: bad.code,
    silent: kit.core.SCOPES.auth_base.silent,
    hasComponents: typeof kit.components.defineConsentElements,
    // The locale modules add their tables to the components' own (one module instance).
    languages: Object.keys(kit.components.CONSENT_MESSAGES).sort(),
    arabicContinue: kit.components.CONSENT_MESSAGES.ar.continue,
  };
`;

test('ESM: every entry imports and the core runs a flow against the simulator', () => {
  const script = `
    const kit = { core: await import('miniapp-auth-kit'), testing: await import('miniapp-auth-kit/testing'), components: await import('miniapp-auth-kit/components') };
    await import('miniapp-auth-kit/components/locales/ar');
    await import('miniapp-auth-kit/components/locales/ku');
    let out; ${flow}
    console.log(JSON.stringify(out));`;
  writeFileSync(join(project, 'esm.mjs'), script);
  const out = JSON.parse(run('node', ['esm.mjs'], project));
  expect(out.exports).toEqual(expect.arrayContaining(['requestAuthCode', 'createAuthorizer', 'httpSubmitter', 'planPrompts', 'SCOPES', 'AuthError']));
  expect(out.session).toEqual({ scopes: ['auth_base'], data: { user: 'u1', scopes: ['auth_base'] } });
  expect(out.submitted).toBe(1);
  expect(out.badIsAuthError).toBe(true);
  expect(out.badCode).toBe('INVALID_SCOPE');
  expect(out.silent).toBe(true);
  expect(out.hasComponents).toBe('function');
  expect(out.languages).toEqual(['ar', 'en', 'ku']);
  expect(out.arabicContinue).toBe('متابعة');
});

test('CommonJS: every entry requires and the core runs a flow against the simulator', () => {
  const script = `
    const kit = { core: require('miniapp-auth-kit'), testing: require('miniapp-auth-kit/testing'), components: require('miniapp-auth-kit/components') };
    require('miniapp-auth-kit/components/locales/ar');
    require('miniapp-auth-kit/components/locales/ku');
    (async () => { let out; ${flow} console.log(JSON.stringify(out)); })();`;
  writeFileSync(join(project, 'cjs.cjs'), script);
  const out = JSON.parse(run('node', ['cjs.cjs'], project));
  expect(out.exports).toEqual(expect.arrayContaining(['requestAuthCode', 'createAuthorizer', 'httpSubmitter', 'planPrompts', 'SCOPES', 'AuthError']));
  expect(out.session.scopes).toEqual(['auth_base']);
  expect(out.submitted).toBe(1);
  expect(out.badIsAuthError).toBe(true);
  expect(out.languages).toEqual(['ar', 'en', 'ku']);
});

/**
 * Type-checks `consumer` (which ends with `export { names };`) as `<name>.mts` and, with
 * `export = { names };`, as `<name>.cts`: the package's declarations under both resolutions.
 */
function typeChecksBothWays(name: string, consumer: string, names: string, extraArgs: string[] = []): void {
  expect(consumer).toContain(`export { ${names} };`);
  writeFileSync(join(project, `${name}.mts`), consumer);
  writeFileSync(join(project, `${name}.cts`), consumer.replace(`export { ${names} };`, `export = { ${names} };`));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const file of [`${name}.mts`, `${name}.cts`]) {
    run('node', [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--lib', 'es2022,dom', ...extraArgs, file], project);
  }
}

test('the type declarations type-check a consumer in ESM and CommonJS resolution', () => {
  const consumer = `
    import { createAuthorizer, requestAuthCode, AuthError, type Session, type AuthErrorCode } from 'miniapp-auth-kit';
    import { createWalletSimulator } from 'miniapp-auth-kit/testing';
    import { ar } from 'miniapp-auth-kit/components/locales/ar';
    const continueInArabic: string = ar.continue;
    const sim = createWalletSimulator();
    const a = createAuthorizer({ host: sim.my, submit: async () => ({ ok: true }) });
    const p: Promise<Session> = a.authorize(['USER_NAME'], { gesture: true });
    const code: AuthErrorCode = new AuthError('DENIED').code;
    void requestAuthCode('auth_base', { host: sim.my, timeoutMs: 1000 }).then((r) => r.authCode.toUpperCase());
    // @ts-expect-error gesture is a boolean
    a.authorize('auth_base', { gesture: 'yes' });
    export { p, code, continueInArabic };
  `;
  typeChecksBothWays('consumer', consumer, 'p, code, continueInArabic');
});

test('the DSL kit ships every component as index.axml, index.acss, index.js and index.json', () => {
  const dir = join(project, 'node_modules/miniapp-auth-kit/dist/miniprogram');
  expect(existsSync(join(dir, 'index.js'))).toBe(true);
  for (const name of ['consent-button', 'consent-prompt', 'auth-gate']) {
    for (const ext of ['axml', 'acss', 'js', 'json']) expect(existsSync(join(dir, name, `index.${ext}`))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, name, 'index.json'), 'utf8')).component).toBe(true);
  }
});

const miniFlow = `
  // A DSL engine's free \`my\`: in Node, a global.
  const sim = testing.createWalletSimulator();
  globalThis.my = sim.my;
  const authorizer = mini.createAuthorizer({ submit: async () => ({ user: 'u1' }) });
  mini.provideAuthorizer(authorizer);
  const page = mini.withAuthorization({ data: {}, onAdd() { return authorizer.engaged; } });
  const engagedInTap = page.onAdd({ type: 'tap', timeStamp: 1, target: {}, currentTarget: { dataset: {} }, detail: {} });
  const session = await authorizer.authorize('auth_base');
  const typeError = (() => { try { mini.provideAuthorizer({}); } catch (e) { return e instanceof TypeError; } })();
  out = { exports: Object.keys(mini).sort(), engagedInTap, session, calls: sim.calls.length, typeError };
`;

function checkMiniFlow(out: { exports: string[]; engagedInTap: boolean; session: unknown; calls: number; typeError: boolean }): void {
  expect(out.exports).toEqual(expect.arrayContaining(['createAuthorizer', 'requestAuthCode', 'AuthError', 'SCOPES', 'CLARO_SCOPES', 'planPrompts', 'httpSubmitter', 'provideAuthorizer', 'withAuthorization']));
  expect(out.engagedInTap).toBe(true);
  expect(out.session).toEqual({ scopes: ['auth_base'], data: { user: 'u1' } });
  expect(out.calls).toBe(1);
  expect(out.typeError).toBe(true);
}

test('miniapp-auth-kit/miniprogram imports as ESM and CommonJS and runs against the simulator', () => {
  writeFileSync(join(project, 'mini.mjs'), `
    import * as mini from 'miniapp-auth-kit/miniprogram';
    import * as testing from 'miniapp-auth-kit/testing';
    let out; ${miniFlow} console.log(JSON.stringify(out));`);
  checkMiniFlow(JSON.parse(run('node', ['mini.mjs'], project)));
  writeFileSync(join(project, 'mini.cjs'), `
    const mini = require('miniapp-auth-kit/miniprogram');
    const testing = require('miniapp-auth-kit/testing');
    (async () => { let out; ${miniFlow} console.log(JSON.stringify(out)); })();`);
  checkMiniFlow(JSON.parse(run('node', ['mini.cjs'], project)));
});

test('an app that loads the DSL entry as CommonJS reaches the components, which import the ES module files', () => {
  // Tooling that turns \`import\` into \`require\` resolves the entry to dist/miniprogram.cjs, another
  // copy of the kit than the components' own: the authorizer provided through it is theirs too.
  writeFileSync(join(project, 'dual.mjs'), `
    import { createRequire } from 'node:module';
    globalThis.my = {};
    const cjs = createRequire(import.meta.url)('miniapp-auth-kit/miniprogram');
    const authorizer = cjs.createAuthorizer({ submit: async () => ({}), host: { getAuthCode() {} } });
    cjs.provideAuthorizer(authorizer);
    // What the components import: the ES module files, through the path the README gives.
    const esm = await import('miniapp-auth-kit/dist/miniprogram/index');
    const page = esm.withAuthorization({ onAdd() {} });
    page.onAdd({ type: 'tap' });
    console.log(JSON.stringify({ engaged: authorizer.engaged, enumerable: Object.keys(globalThis.my) }));`);
  expect(JSON.parse(run('node', ['dual.mjs'], project))).toEqual({ engaged: true, enumerable: [] });
});

test('bundlers keep the files that work by being imported (DSL components, locales, the IIFE)', () => {
  const esbuild = join(root, 'node_modules/esbuild/lib/main.js');
  writeFileSync(join(project, 'bundle.cjs'), `
    const { buildSync } = require(${JSON.stringify(esbuild)});
    const size = (contents) => buildSync({ stdin: { contents, resolveDir: __dirname }, bundle: true, write: false, format: 'esm', charset: 'utf8', logLevel: 'silent' }).outputFiles[0].text;
    const component = size("import 'miniapp-auth-kit/dist/miniprogram/consent-button/index.js';");
    const arabic = size("import 'miniapp-auth-kit/components/locales/ar';");
    const iife = size("import 'miniapp-auth-kit/iife';");
    console.log(JSON.stringify({ component: component.includes('Component('), arabic: arabic.includes('متابعة'), iife: iife.includes('MiniappAuthKit') }));`);
  expect(JSON.parse(run('node', ['bundle.cjs'], project))).toEqual({ component: true, arabic: true, iife: true });
});

test('the DSL kit’s declarations type-check a consumer in ESM and CommonJS resolution', () => {
  const consumer = `
    import { createAuthorizer, provideAuthorizer, withAuthorization, CLARO_SCOPES, type Session } from 'miniapp-auth-kit/miniprogram';
    const a = createAuthorizer({ catalogue: CLARO_SCOPES, submit: async () => ({ ok: true }) });
    provideAuthorizer(a);
    const options = withAuthorization({ data: { n: 1 }, onAdd(event: { type: string }) { return event.type; } });
    const n: number = options.data.n;
    const p: Promise<Session> = a.authorize('User_Base_Info');
    // @ts-expect-error an authorizer is required
    provideAuthorizer();
    export { n, p };
  `;
  typeChecksBothWays('mini-consumer', consumer, 'n, p');
});

test('the IIFE sets globalThis.MiniappAuthKit in a page without a bundler', async () => {
  const code = readFileSync(join(project, 'node_modules/miniapp-auth-kit/dist/miniapp-auth-kit.iife.js'), 'utf8');
  const sandbox: Record<string, unknown> = { setTimeout, clearTimeout, AbortController, Promise, console };
  sandbox.globalThis = sandbox;
  runInNewContext(code, sandbox);
  const kit = sandbox.MiniappAuthKit as typeof import('../../utils') & typeof import('../../components');
  expect(typeof kit.createAuthorizer).toBe('function');
  expect(typeof kit.defineConsentElements).toBe('function');
  // The IIFE carries all three languages.
  expect(Object.keys(kit.CONSENT_MESSAGES).sort()).toEqual(['ar', 'en', 'ku']);
  expect(typeof kit.requestAuthCode).toBe('function');
  const error = await kit.requestAuthCode('auth_base', { bridgeWaitMs: 1 }).catch((e: unknown) => e);
  expect((error as { code: string }).code).toBe('NOT_IN_MINIAPP');
});

// The auth server's entries (issue 17): every one both ways, a real exchange through the in-memory
// store, a store entry that loads without its driver installed (an optional peer) and says so on use.
const serverFlow = `
  const wallet = { clientId: 'C', profile: 'superqi', async applyToken() { return { accessToken: 'a'.repeat(20), accessTokenExpiresAt: null, refreshToken: null, refreshTokenExpiresAt: null, customerId: 'cust' }; }, async inquiryUserInfo() { return { userId: 'cust' }; }, async cancelToken() {}, async call() { return { payload: {}, responseTime: 0 }; }, async checkKeys() { return { ok: true, problems: [] }; } };
  const auth = server.createAuthServer({ wallet, store: server.memoryStore(), tokenKeys: { current: 'k', keys: { k: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64') } }, logger: null });
  const answer = await auth.handler(new Request('http://localhost/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ authCode: 'code', scopes: ['auth_base'] }) }), { clientAddress: '127.0.0.1' });
  const driverless = await sqlite.sqliteStore({ filename: 'never.sqlite' }).init().catch((e) => e);
  out = {
    status: answer.status,
    customerId: (await answer.json()).customerId,
    node: [typeof node.toNodeHandler, typeof node.toFastifyPlugin, typeof node.toKoaMiddleware, typeof node.listen, typeof server.toNextJsHandler],
    postgres: typeof postgres.postgresStore,
    conformance: typeof testing.runStoreConformance,
    driverless: [driverless instanceof server.StoreError, driverless.code],
  };
  await auth.close();
`;

test('miniapp-auth-kit/server and its Node entries import as ESM and CommonJS; a store loads without its driver', () => {
  const check = (out: any) => {
    expect(out).toEqual({ status: 200, customerId: 'cust', node: Array(5).fill('function'), postgres: 'function', conformance: 'function', driverless: [true, 'DRIVER_MISSING'] });
  };
  writeFileSync(join(project, 'server.mjs'), `
    const [server, node, sqlite, postgres, testing] = await Promise.all(['', '/node', '/sqlite', '/postgres', '/testing'].map((p) => import('miniapp-auth-kit/server' + p)));
    let out; ${serverFlow} console.log(JSON.stringify(out));`);
  check(JSON.parse(run('node', ['server.mjs'], project)));
  writeFileSync(join(project, 'server.cjs'), `
    const [server, node, sqlite, postgres, testing] = ['', '/node', '/sqlite', '/postgres', '/testing'].map((p) => require('miniapp-auth-kit/server' + p));
    (async () => { let out; ${serverFlow} console.log(JSON.stringify(out)); })();`);
  check(JSON.parse(run('node', ['server.cjs'], project)));
  expect(existsSync(join(project, 'never.sqlite'))).toBe(false);
});

test('the server declarations type-check a consumer in ESM and CommonJS resolution, with Node\'s types and no framework\'s', () => {
  const consumer = `
    import { createAuthServer, memoryStore, toNextJsHandler, type AuthServer, type AuthStore } from 'miniapp-auth-kit/server';
    import { toNodeHandler, listen } from 'miniapp-auth-kit/server/node';
    import { sqliteStore } from 'miniapp-auth-kit/server/sqlite';
    import { postgresStore } from 'miniapp-auth-kit/server/postgres';
    import { runStoreConformance } from 'miniapp-auth-kit/server/testing';
    declare const wallet: Parameters<typeof createAuthServer>[0]['wallet'];
    const store: AuthStore = sqliteStore({ filename: 'x.sqlite' });
    const auth: AuthServer = createAuthServer({ wallet, store, tokenKeys: { current: 'k', keys: { k: 'base64' } }, attemptLimit: { perClient: 10 } });
    const node = toNodeHandler(auth.handler, { trustProxy: 1 });
    const next = toNextJsHandler(auth.handler);
    const served = listen(auth, { port: 0 });
    const pg = postgresStore({ pool: { query: async () => ({ rows: [] }), connect: async () => ({ query: async () => ({ rows: [] }), release() {} }) } });
    runStoreConformance({ createStore: () => memoryStore(), test: (_name: string, _fn: () => Promise<void>) => undefined });
    // @ts-expect-error trustProxy is false, a number or { header, hops? }
    toNodeHandler(auth.handler, { trustProxy: 'yes' });
    export { node, next, served, pg };
  `;
  // A TypeScript user of the Node entries has Node's types (@types/node); none of Express, Fastify, Koa or pg's.
  typeChecksBothWays('server-consumer', consumer, 'node, next, served, pg', ['--typeRoots', join(root, 'node_modules/@types'), '--types', 'node']);
});
