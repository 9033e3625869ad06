/**
 * Size budgets: what the kit costs a page, measured as an application's bundler would (esbuild,
 * minified, through the package's exports, gzip -9) on the built `dist/`. Bytes are deterministic,
 * so this check belongs in `npm test`; speed is measured by `npm run bench`, never here.
 */
import { loadRepoModule } from '../demo-server/helpers';

type Sizes = Record<string, { min: number; gzip: number }>;
interface SizesModule {
  BUDGETS: Record<string, number>;
  USE_CASES: Array<{ id: string; source: string }>;
  measureAll(): Promise<Sizes>;
  measure(source: string): Promise<{ min: number; gzip: number }>;
}

let sizes: Sizes;
let budgets: Record<string, number>;
let measure: SizesModule['measure'];

beforeAll(async () => {
  const mod = (await loadRepoModule('bench/sizes.mjs')) as SizesModule;
  budgets = mod.BUDGETS;
  measure = mod.measure;
  sizes = await mod.measureAll();
}, 60_000);

test.each(['request', 'core', 'elements'])('%s stays within its budget (min + gzip)', (id) => {
  const budget = budgets[id] as number;
  expect(budget).toBeGreaterThan(0);
  expect(sizes[id]!.gzip).toBeLessThanOrEqual(budget);
});

test('the measure sees what a page imports: more imports, more bytes', () => {
  expect(sizes.request!.gzip).toBeLessThan(sizes.authorizer!.gzip);
  expect(sizes.authorizer!.gzip).toBeLessThanOrEqual(sizes.core!.gzip);
  expect(sizes.core!.gzip).toBeLessThan(sizes.elements!.gzip);
  // Arabic and Kurdish cost only the pages that import them.
  expect(sizes.elements!.gzip).toBeLessThan(sizes['elements-ar-ku']!.gzip);
});

test('a page that uses only requestAuthCode does not carry the catalogue or the authorizer', async () => {
  const alone = await measure("import { requestAuthCode } from 'miniapp-auth-kit'; requestAuthCode('auth_base');");
  const withCatalogue = await measure("import { requestAuthCode, SCOPES } from 'miniapp-auth-kit'; requestAuthCode('auth_base'); console.log(SCOPES);");
  expect(alone.gzip).toBeLessThan(withCatalogue.gzip);
  expect(alone.gzip).toBeLessThanOrEqual(budgets.request as number);
});

// --- DSL mini programs (dist/miniprogram/): a page, app.js, and the folder as the IDE uploads it.

interface DslSizesModule {
  DSL_BUDGETS: Record<string, number>;
  DSL_USE_CASES: Array<{ id: string }>;
  measureDsl(): Promise<Sizes>;
}

describe('DSL mini programs', () => {
  let dsl: Sizes;
  let dslBudgets: Record<string, number>;

  beforeAll(async () => {
    const mod = (await loadRepoModule('bench/sizes.mjs')) as DslSizesModule;
    dslBudgets = mod.DSL_BUDGETS;
    dsl = await mod.measureDsl();
    expect(Object.keys(dsl).sort()).toEqual(mod.DSL_USE_CASES.map((u) => u.id).sort());
  }, 60_000);

  test.each(['dsl-page', 'dsl-app', 'dsl-folder'])('%s stays within its budget (min + gzip)', (id) => {
    const budget = dslBudgets[id] as number;
    expect(budget).toBeGreaterThan(0);
    expect(dsl[id]!.gzip).toBeLessThanOrEqual(budget);
  });

  test('a page that imports only withAuthorization carries neither the core nor the texts: less than a tenth of app.js', () => {
    expect(dsl['dsl-page']!.gzip * 10).toBeLessThan(dsl['dsl-app']!.gzip);
    expect(dsl['dsl-app']!.gzip).toBeLessThan(dsl['dsl-folder']!.gzip);
  });
});
