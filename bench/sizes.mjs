// What the kit costs a page, per use case, measured as an application's bundler would: esbuild,
// ESM, minified, through the package's own specifiers (its `exports`), gzip -9. Used by
// `npm run bench` (BENCHMARKS.md) and by the size check in `npm test`. Bytes are deterministic:
// the same build gives the same figures on any machine.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The use cases: what a page imports (issue 18's table). */
export const USE_CASES = [
  { id: 'request', label: '`requestAuthCode` alone', source: "export { requestAuthCode } from 'miniapp-auth-kit';" },
  {
    id: 'silent-login',
    label: "silent login: `createAuthorizer` + `httpSubmitter`, `authorize('auth_base')`",
    source: "import { createAuthorizer, httpSubmitter } from 'miniapp-auth-kit'; createAuthorizer({ submit: httpSubmitter({ url: '/api/auth/session' }) }).authorize('auth_base');",
  },
  { id: 'authorizer', label: '`createAuthorizer` + `httpSubmitter` (exported)', source: "export { createAuthorizer, httpSubmitter } from 'miniapp-auth-kit';" },
  { id: 'core', label: 'the whole core (`export *`)', source: "export * from 'miniapp-auth-kit';" },
  {
    id: 'one-button',
    label: 'a page with one `<consent-button>` (`defineConsentButton` + core + `httpSubmitter`)',
    source:
      "import { createAuthorizer, httpSubmitter } from 'miniapp-auth-kit'; import { defineConsentButton } from 'miniapp-auth-kit/components'; defineConsentButton({ authorizer: createAuthorizer({ submit: httpSubmitter({ url: '/api/auth/session' }) }) });",
  },
  {
    id: 'elements',
    label: 'core + all elements, English',
    source: "export * from 'miniapp-auth-kit'; export * from 'miniapp-auth-kit/components';",
  },
  {
    id: 'elements-ar-ku',
    label: 'core + all elements + ar + ku',
    source: "export * from 'miniapp-auth-kit'; export * from 'miniapp-auth-kit/components'; import 'miniapp-auth-kit/components/locales/ar'; import 'miniapp-auth-kit/components/locales/ku';",
  },
  {
    id: 'server-client',
    label: '`miniapp-auth-kit/server`, the wallet client alone, for an edge bundle (reported, no ceiling)',
    source: "export { createWalletClient } from 'miniapp-auth-kit/server';",
  },
];

/** Issue 18's ceilings, in bytes of min + gzip: BENCHMARKS.md shows them beside what is measured. */
export const TARGETS = {
  request: 1.95 * 1024,
  'silent-login': 9.0 * 1024,
  core: 9.25 * 1024,
  'one-button': 14.5 * 1024,
  elements: 17.0 * 1024,
  'elements-ar-ku': 18.5 * 1024,
};

/**
 * The ceilings checked by `npm test`, in bytes of min + gzip. `requestAuthCode` alone holds issue
 * 18's ceiling. Where issue 18's TARGETS are not met yet with every guarantee of the contract kept,
 * the row holds what it measures (BENCHMARKS.md says which guarantees the bytes go to), so that
 * nothing grows back unnoticed. The server client is reported, not capped.
 */
export const BUDGETS = {
  request: TARGETS.request,
  'silent-login': 9430,
  core: 9793,
  'one-button': 15032,
  elements: 18424,
  'elements-ar-ku': 20538,
};

/** Other auth clients for their minimal use, KB of min + gzip (issue 18's size review). */
export const OTHER_CLIENTS = [
  ['oidc-client-ts', 17.1],
  ['@supabase/auth-js', 22.6],
  ['firebase auth', 29.7],
  ['auth0-spa-js', 62.9],
];

/** Bytes after gzip -9. */
export const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Min and min + gzip of one use case, bundled from the built `dist/` through the package name. */
export async function measure(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzip(code) };
}

/** Every use case, measured. */
export async function measureAll() {
  const out = {};
  for (const useCase of USE_CASES) out[useCase.id] = await measure(useCase.source);
  return out;
}

/**
 * The files a DSL mini program ships (`dist/miniprogram/`), as its package grows by them: every
 * `.js` minified (the mini program IDE minifies on upload), the templates, styles and JSON as they
 * are; each file gzipped alone and summed.
 */
export async function measureFolder() {
  const dir = join(ROOT, 'dist', 'miniprogram');
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dir);
  let min = 0;
  let gz = 0;
  for (const path of files) {
    const text = readFileSync(path);
    const bytes = path.endsWith('.js') ? Buffer.from((await transform(text.toString('utf8'), { minify: true, format: 'esm', logLevel: 'silent' })).code) : text;
    min += bytes.length;
    gz += gzip(bytes);
  }
  return { min, gzip: gz };
}

/**
 * Where the core entry's bytes go, by the contract clause each source module serves. Measured on
 * the TypeScript sources (the built `dist/` merges them into chunks), so the shares are of esbuild's
 * minified output; a group's min + gzip is its share of the entry's.
 */
const CORE_PARTS = [
  { label: 'persisted state shared by instances over one storage, sync and async adapters', files: ['state-store', 'storage', 'authorizer/session-state'] },
  { label: 'flights, the consent flow, first-screen guard, prompt lock, events', files: ['authorizer/index', 'authorizer/flight', 'authorizer/flights', 'authorizer/request', 'authorizer/run-flight', 'engagement', 'prompt-lock', 'emitter'] },
  { label: 'wallet calls: settle once, host detection, result normalisation, retry with backoff', files: ['authorizer/wallet-calls', 'request-auth-code', 'host', 'normalize', 'backoff', 'globals', 'abort'] },
  { label: 'code exchange (age, once per code, fresh-code retry) and `httpSubmitter`', files: ['authorizer/code-exchange', 'submitter', 'submit-errors', 'random'] },
  { label: '`AuthError` and the wallet code table, the scope catalogues and planning', files: ['errors', 'scopes', 'scope-names'] },
  { label: 'input checks of the public functions', files: ['authorizer/options', 'checks'] },
];

/**
 * The core entry's bytes per CORE_PARTS group, plus the same entry with every developer-facing
 * sentence (a string literal with a space) emptied: the most that shorter messages could save.
 */
export async function attributeCore() {
  const { parse } = await import('acorn');
  const result = await build({
    entryPoints: [join(ROOT, 'utils', 'index.ts')],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const bytesOf = (file) => Object.entries(inputs).find(([path]) => path.endsWith(`utils/${file}.ts`))?.[1].bytesInOutput ?? 0;
  const total = Buffer.byteLength(code);
  const whole = gzip(code);
  const parts = CORE_PARTS.map((part) => {
    const min = part.files.reduce((sum, file) => sum + bytesOf(file), 0);
    return { label: part.label, min, share: min / total, gzip: Math.round((whole * min) / total) };
  });
  const sentences = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if ((node.type === 'Literal' && typeof node.value === 'string' && node.value.includes(' ')) || node.type === 'TemplateLiteral') sentences.push(node);
    for (const value of Object.values(node)) for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child.type === 'string') visit(child);
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }));
  let silent = code;
  for (const node of sentences.sort((a, b) => b.start - a.start)) silent = silent.slice(0, node.start) + '""' + silent.slice(node.end);
  return { total: { min: total, gzip: whole }, parts, withoutMessages: gzip(silent) };
}

// --- DSL mini programs (dist/miniprogram/) ------------------------------------------------------

/** The DSL entry as a mini program's code imports it (the path the IDE resolves without `exports`). */
const DSL_ENTRY = 'miniapp-auth-kit/dist/miniprogram/index';

/**
 * The DSL use cases: a page or `app.js` bundled by a DSL toolchain that bundles (esbuild here, as
 * MorJS's webpack would), and the folder as the IDE uploads it when it does not (`measureFolder`).
 */
export const DSL_USE_CASES = [
  { id: 'dsl-page', label: 'DSL page importing only `withAuthorization`', source: `import { withAuthorization } from '${DSL_ENTRY}'; Page(withAuthorization({ onTap() {} }));` },
  {
    id: 'dsl-app',
    label: 'DSL `app.js`: `provideAuthorizer(createAuthorizer({ submit: httpSubmitter(…) }))`',
    source: `import { createAuthorizer, httpSubmitter, provideAuthorizer } from '${DSL_ENTRY}'; App({ onLaunch() { provideAuthorizer(createAuthorizer({ submit: httpSubmitter({ url: 'https://shop.example/api/auth/session' }) })); } });`,
  },
  { id: 'dsl-folder', label: 'DSL folder as shipped (`dist/miniprogram/`: JS minified, each file gzipped alone)', folder: true },
];

/** Issue 18's DSL ceilings, in bytes of min + gzip. */
export const DSL_TARGETS = { 'dsl-page': 1 * 1024, 'dsl-app': 12 * 1024, 'dsl-folder': 20.25 * 1024 };

/**
 * Ceilings of the DSL use cases in bytes of min + gzip, checked by `npm test`: the page at issue
 * 18's 1 KB, app.js and the folder at what they measure (app.js below issue 18's 12 KB). The
 * folder's is above issue 18's 20.25 KB: the folder carries the whole core with every guarantee of
 * the contract, the promise chains that replace async functions, Arabic and Kurdish for the
 * `locale` prop that needs no import (2.0 KB), the dark colour set and the components with the H5
 * element's rules.
 */
export const DSL_BUDGETS = {
  'dsl-page': DSL_TARGETS['dsl-page'],
  'dsl-app': 10113,
  'dsl-folder': 22119,
};

/** Every DSL use case, measured. */
export async function measureDsl() {
  const out = {};
  for (const useCase of DSL_USE_CASES) out[useCase.id] = useCase.folder ? await measureFolder() : await measure(useCase.source);
  return out;
}
