/**
 * What a user gets is what is tested: the package is packed with `npm pack`, installed from the
 * tarball into a fresh project, and every entry point is imported both ways (ESM and CommonJS),
 * type-checked as a consumer would, and the IIFE is run in a bare context.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

test('the tarball ships dist, the README and the licence, not sources or tests', () => {
  const pkgDir = join(project, 'node_modules/miniapp-auth-kit');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(existsSync(join(pkgDir, 'dist/miniapp-auth-kit.iife.js'))).toBe(true);
  expect(existsSync(join(pkgDir, 'README.md'))).toBe(true);
  // The licence the package declares, as a file, and where its source and issues are.
  expect(pkg.license).toBe('MIT');
  expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} .+\n\nPermission is hereby granted, free of charge/);
  expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
  expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+#readme$/);
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

/** Every subpath of `exports` that declares types (no patterns, not the IIFE or package.json), as a consumer imports it. */
function typedSubpaths(): string[] {
  const pkg = JSON.parse(readFileSync(join(project, 'node_modules/miniapp-auth-kit/package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const hasTypes = (target: unknown): boolean =>
    typeof target === 'object' && target !== null && Object.entries(target).some(([key, value]) => key === 'types' || hasTypes(value));
  return Object.entries(pkg.exports)
    .filter(([subpath, target]) => !subpath.includes('*') && hasTypes(target))
    .map(([subpath]) => `miniapp-auth-kit${subpath.slice(1)}`);
}

test('moduleResolution "node" (no exports support) finds the declarations of every typed entry', () => {
  // Read from the package's exports: an entry added later (./server, ./server/node…) is checked too.
  const entries = typedSubpaths();
  expect(entries).toEqual(expect.arrayContaining(['miniapp-auth-kit', 'miniapp-auth-kit/components', 'miniapp-auth-kit/testing', 'miniapp-auth-kit/miniprogram', 'miniapp-auth-kit/components/locales/ar', 'miniapp-auth-kit/dist/miniprogram/index']));
  const consumer = entries.map((entry, i) => `import * as entry${i} from '${entry}';\nexport const keys${i}: string[] = Object.keys(entry${i});`).join('\n');
  writeFileSync(join(project, 'node10.ts'), `${consumer}\n`);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  // Node's types, as a user of the Node entries (miniapp-auth-kit/server/node) has them.
  const nodeTypes = ['--typeRoots', join(root, 'node_modules/@types'), '--types', 'node'];
  const resolved = run('node', [tsc, '--noEmit', '--strict', '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'es2022', '--lib', 'es2022,dom', ...nodeTypes, '--traceResolution', 'node10.ts'], project);
  // Each entry resolves to the same declaration file its "exports" names (not to an `any` module).
  for (const entry of entries) expect(resolved).toMatch(new RegExp(`Module name '${entry}' was successfully resolved to '[^']*/miniapp-auth-kit/dist/[^']+\\.d\\.ts'`));
});

/**
 * The README's TypeScript snippets (```ts blocks), each a file of a consumer project named by its
 * first-line comment (`// auth.ts`) or its place, compiled together under strict against the
 * packed package's declarations, as a reader who copies them would.
 */
function readmeSnippets(): Array<{ name: string; code: string }> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match, i) => {
    const code = match[1] as string;
    const named = /^\/\/ ([\w.-]+\.ts)(?: |\n)/.exec(code)?.[1];
    return { name: named ?? `readme-${i + 1}.ts`, code };
  });
}

test('every TypeScript snippet of the README compiles under strict against the package’s types', () => {
  const snippets = readmeSnippets();
  expect(snippets.length).toBeGreaterThanOrEqual(6);
  const names = snippets.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length);
  const dir = join(project, 'readme');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  // Each file is a module (as a bundler treats it), whether or not it imports anything.
  for (const { name, code } of snippets) writeFileSync(join(dir, name), `${code}\nexport {};\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        // A snippet that is a test file is a jest test.
        // A backend snippet runs on Node.
        types: ['jest', 'node'],
        typeRoots: [join(root, 'node_modules/@types')],
        // The frameworks the Backend examples wire come from the repository's dev dependencies; the
        // kit itself only from the packed package.
        // Next.js's `@/lib/auth` is the README's own `auth.ts` snippet.
        paths: {
          hono: [join(root, 'node_modules/hono')],
          'hono/*': [join(root, 'node_modules/hono/*')],
          express: [join(root, 'node_modules/@types/express')],
          fastify: [join(root, 'node_modules/fastify')],
          koa: [join(root, 'node_modules/@types/koa')],
          // content-disposition 1 ships types @types/koa does not read; Koa's own types expect the @types package.
          'content-disposition': [join(root, 'node_modules/@types/content-disposition')],
          '@/lib/*': ['./*'],
        },
      },
      include: ['*.ts'],
    }),
  );
  run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], dir);
});

test('the README’s DSL getting-started type-checks as written: its jsconfig.json, @mini-types/alipay and the kit’s declarations', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const jsconfig = [...readme.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string).find((json) => json.includes('@mini-types/alipay'));
  const files = [...readme.matchAll(/^```js\n\/\/ ([\w./-]+\.js)\n([\s\S]*?)^```$/gm)].map((m) => ({ name: m[1] as string, code: `// ${m[1]}\n${m[2]}` }));
  expect(jsconfig).toBeDefined();
  expect(files.map((f) => f.name)).toEqual(['lib/auth.js', 'app.js', 'pages/shop/index.js']);
  const dir = join(project, 'dsl-app');
  rmSync(dir, { recursive: true, force: true });
  for (const { name, code } of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), code);
  }
  // The README's settings as they are; the typings package is the repository's (the project has none).
  const config = JSON.parse(jsconfig as string) as { compilerOptions: Record<string, unknown> };
  config.compilerOptions.typeRoots = [join(root, 'node_modules')];
  writeFileSync(join(dir, 'jsconfig.json'), JSON.stringify(config));
  run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'jsconfig.json')], dir);
  // And the check is real: a wrong call is an error.
  writeFileSync(join(dir, 'wrong.js'), "import { provideAuthorizer } from 'miniapp-auth-kit/dist/miniprogram/index';\nprovideAuthorizer('not an authorizer');\n");
  expect(() => run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'jsconfig.json')], dir)).toThrow(/wrong\.js.*TS2345/);
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

test('the DSL folder declares no module type of its own, and keeps each component’s script and styles as side effects', () => {
  const folder = JSON.parse(readFileSync(join(project, 'node_modules/miniapp-auth-kit/dist/miniprogram/package.json'), 'utf8'));
  expect(folder.type).toBeUndefined();
  expect(folder.sideEffects).toEqual(expect.arrayContaining(['./*/index.js', './shared/ui.js', './**/*.acss']));
});

test('Node reads the DSL folder’s ES module files both ways (module syntax detection, require of ES modules)', () => {
  writeFileSync(join(project, 'folder.cjs'), `
    const viaRequire = require('miniapp-auth-kit/dist/miniprogram/index');
    import('miniapp-auth-kit/dist/miniprogram/index').then((viaImport) => {
      console.log(JSON.stringify({ required: typeof viaRequire.withAuthorization, imported: typeof viaImport.withAuthorization, same: viaRequire.withAuthorization === viaImport.withAuthorization }));
    });`);
  expect(JSON.parse(run('node', ['folder.cjs'], project))).toEqual({ required: 'function', imported: 'function', same: true });
});

/**
 * A bundler-based DSL toolchain, as MorJS compiles an Alipay mini program to a web app: webpack 5
 * in production mode, each component's script compiled with what such a compiler injects (its
 * template through a CommonJS `require`), each template importing its styles and the components it
 * uses (extensionless), the styles a module that applies them when imported.
 */
test('webpack 5 builds the DSL components as a DSL toolchain injects into them, keeping their styles', () => {
  const loaders = join(project, 'dsl-loaders');
  mkdirSync(loaders, { recursive: true });
  writeFileSync(join(loaders, 'component.cjs'), `module.exports = function (source) {
    return "const $template = require('./index.axml');\\n" + source + "\\nglobalThis.templates.push($template.default);";
  };`);
  writeFileSync(join(loaders, 'axml.cjs'), `const { readFileSync } = require('node:fs');
  module.exports = function (source) {
    const json = JSON.parse(readFileSync(this.resourcePath.replace(/axml$/, 'json'), 'utf8'));
    const used = Object.values(json.usingComponents || {}).map((spec) => "import '" + spec + "';");
    return ["import './index.acss';", ...used, 'export default ' + JSON.stringify(source) + ';'].join('\\n');
  };`);
  writeFileSync(join(loaders, 'acss.cjs'), `module.exports = function (source) {
    return 'globalThis.appliedStyles.push(' + JSON.stringify(source) + ');';
  };`);
  writeFileSync(join(project, 'app.js'), `
    import { createAuthorizer, provideAuthorizer, withAuthorization } from 'miniapp-auth-kit/miniprogram';
    import 'miniapp-auth-kit/dist/miniprogram/consent-button/index';
    import 'miniapp-auth-kit/dist/miniprogram/consent-prompt/index';
    import 'miniapp-auth-kit/dist/miniprogram/auth-gate/index';
    globalThis.app = { createAuthorizer, provideAuthorizer, withAuthorization };`);
  const webpack = join(root, 'node_modules/webpack');
  writeFileSync(join(project, 'pack-dsl.cjs'), `
    const webpack = require(${JSON.stringify(webpack)});
    const loader = (name) => require('node:path').join(__dirname, 'dsl-loaders', name + '.cjs');
    webpack({
      mode: 'production',
      context: __dirname,
      entry: './app.js',
      output: { path: require('node:path').join(__dirname, 'dsl-out'), filename: 'app.js' },
      optimization: { minimize: false },
      module: {
        rules: [
          { test: /miniprogram[\\\\/][\\w-]+[\\\\/]index\\.js$/, use: [loader('component')] },
          { test: /\\.axml$/, type: 'javascript/auto', use: [loader('axml')] },
          { test: /\\.acss$/, type: 'javascript/auto', use: [loader('acss')] },
        ],
      },
    }, (error, stats) => {
      if (error) throw error;
      const info = stats.toJson({ all: false, errors: true, modules: true });
      console.log(JSON.stringify({ errors: info.errors.map((e) => e.message.split('\\n')[0]), modules: info.modules.map((m) => m.name) }));
    });`);
  const built = JSON.parse(run('node', ['pack-dsl.cjs'], project)) as { errors: string[]; modules: string[] };
  expect(built.errors).toEqual([]);
  // One copy of the kit: the entry resolved to the folder's files, the components' own.
  expect(built.modules.filter((name) => /miniprogram\.cjs/.test(name))).toEqual([]);

  const registered: Array<Record<string, unknown>> = [];
  const sandbox: Record<string, unknown> = { appliedStyles: [], templates: [], my: {}, Component: (options: Record<string, unknown>) => registered.push(options), setTimeout, clearTimeout, Promise, console };
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(join(project, 'dsl-out/app.js'), 'utf8'), sandbox);
  expect(registered).toHaveLength(3);
  expect((sandbox.templates as string[]).filter((t) => t.includes('<button'))).toHaveLength(2);
  for (const options of registered) expect(typeof (options.methods as Record<string, unknown>)).toBe('object');
  const styles = (sandbox.appliedStyles as string[]).join('\n');
  // Each component's own rules (the styles ship minified: `.mak-consent{`).
  for (const rule of [/\.mak-consent\s*\{/, /\.mak-prompt\s*\{/, /\.mak-gate\s*\{/]) expect(styles).toMatch(rule);
  expect(typeof (sandbox.app as Record<string, unknown>).withAuthorization).toBe('function');
});

/**
 * The server entries both ways: a simulator with fresh keys, the client on its fetch, a grant and a
 * refused code; an auth server on that client through the in-memory store (a real exchange), a store
 * entry that loads without its driver installed (an optional peer) and says so on use.
 */
const serverFlow = `
  const { simulator, clientOptions } = await testing.createTestWallet();
  const wallet = server.createWalletClient(clientOptions);
  const { authCode } = simulator.issueCode({ customerId: 'C1' });
  const grant = await wallet.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode });
  const refused = await wallet.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode }).catch((e) => e);
  const auth = server.createAuthServer({ wallet, store: server.memoryStore(), tokenKeys: { current: 'k', keys: { k: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64') } }, logger: null });
  const answer = await auth.handler(new Request('http://localhost/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ authCode: simulator.issueCode({ customerId: 'C2' }).authCode, scopes: ['auth_base'] }) }), { clientAddress: '127.0.0.1' });
  const driverless = await sqlite.sqliteStore({ filename: 'never.sqlite' }).init().catch((e) => e);
  out = {
    customerId: grant.customerId, isWalletError: refused instanceof server.WalletError, action: refused.action, keys: (await wallet.checkKeys()).ok,
    session: [answer.status, (await answer.json()).customerId],
    node: [typeof node.toNodeHandler, typeof node.toFastifyPlugin, typeof node.toKoaMiddleware, typeof node.listen, typeof server.toNextJsHandler],
    postgres: typeof postgres.postgresStore,
    conformance: typeof testing.runStoreConformance,
    driverless: [driverless instanceof server.StoreError, driverless.code],
  };
  await auth.close();
`;

test('miniapp-auth-kit/server and its other entries import as ESM and CommonJS: a signed exchange, an auth server session, a store without its driver', () => {
  writeFileSync(join(project, 'server.mjs'), `
    const [server, node, sqlite, postgres, testing] = await Promise.all(['', '/node', '/sqlite', '/postgres', '/testing'].map((p) => import('miniapp-auth-kit/server' + p)));
    let out; ${serverFlow} console.log(JSON.stringify(out));`);
  writeFileSync(join(project, 'server.cjs'), `
    const [server, node, sqlite, postgres, testing] = ['', '/node', '/sqlite', '/postgres', '/testing'].map((p) => require('miniapp-auth-kit/server' + p));
    (async () => { let out; ${serverFlow} console.log(JSON.stringify(out)); })();`);
  for (const file of ['server.mjs', 'server.cjs']) {
    expect(JSON.parse(run('node', [file], project))).toEqual({
      customerId: 'C1', isWalletError: true, action: 'NEW_AUTH_CODE', keys: true,
      session: [200, 'C2'],
      node: Array(5).fill('function'), postgres: 'function', conformance: 'function', driverless: [true, 'DRIVER_MISSING'],
    });
  }
  expect(existsSync(join(project, 'never.sqlite'))).toBe(false);
});

test("the server declarations type-check a consumer in ESM and CommonJS resolution, with Node's types and no framework's", () => {
  const consumer = `
    import { createWalletClient, createAuthServer, memoryStore, toNextJsHandler, WalletError, type AuthServer, type AuthStore, type TokenGrant, type WalletErrorAction } from 'miniapp-auth-kit/server';
    import { toNodeHandler, listen } from 'miniapp-auth-kit/server/node';
    import { sqliteStore } from 'miniapp-auth-kit/server/sqlite';
    import { postgresStore } from 'miniapp-auth-kit/server/postgres';
    import { createTestWallet, runStoreConformance, type SimulatorFault } from 'miniapp-auth-kit/server/testing';
    const fault: SimulatorFault = { type: 'DROP_AFTER', api: 'applyToken', times: 1 };
    const grant: Promise<TokenGrant> = createTestWallet().then(({ clientOptions }) => createWalletClient(clientOptions).applyToken({ grantType: 'REFRESH_TOKEN', refreshToken: 'r' }));
    const action: WalletErrorAction = new WalletError({ kind: 'timeout', action: 'RETRY_LATER', api: 'applyToken' }).action;
    // @ts-expect-error the grant type decides the field
    createWalletClient({ baseUrl: 'https://x', clientId: 'c', privateKey: '', walletPublicKey: '' }).applyToken({ grantType: 'AUTHORIZATION_CODE', refreshToken: 'r' });
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
    export { fault, grant, action, node, next, served, pg };
  `;
  // A TypeScript user of the Node entries has Node's types (@types/node); none of Express, Fastify, Koa or pg's.
  typeChecksBothWays('server-consumer', consumer, 'fault, grant, action, node, next, served, pg', ['--typeRoots', join(root, 'node_modules/@types'), '--types', 'node']);
});

test('npx miniapp-auth-kit check-keys runs from the installed package', () => {
  const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const [merchant, wallet] = [pem(), pem()];
  writeFileSync(join(project, 'merchant.pem'), merchant.privateKey);
  writeFileSync(join(project, 'wallet.pem'), wallet.publicKey);
  expect(run('npx', ['--no-install', 'miniapp-auth-kit', 'check-keys', '--private-key', 'merchant.pem', '--wallet-public-key', 'wallet.pem'], project)).toMatch(/OK: the keys are sound/);
  writeFileSync(join(project, 'own.pem'), merchant.publicKey);
  expect(() => run('npx', ['--no-install', 'miniapp-auth-kit', 'check-keys', '--private-key', 'merchant.pem', '--wallet-public-key', 'own.pem'], project)).toThrow(/is your own public key/);
});
