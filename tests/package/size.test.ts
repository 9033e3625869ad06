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
