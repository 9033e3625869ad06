/**
 * The DSL demo is what a reader copies: every page calls `Page(withAuthorization({ … }))` in plain
 * sight, importing it by the path the mini program IDE resolves without package `exports`; no
 * helper of the demo hides it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PROJECT = join(resolve(__dirname, '../..'), 'demo-miniapp/miniprogram');
const pages = readdirSync(join(PROJECT, 'pages'));

test.each(pages)('pages/%s/index.js: Page(withAuthorization(…)), imported from miniapp-auth-kit/dist/miniprogram/index', (page) => {
  const code = readFileSync(join(PROJECT, 'pages', page, 'index.js'), 'utf8');
  expect(code).toMatch(/^import \{ withAuthorization \} from 'miniapp-auth-kit\/dist\/miniprogram\/index';$/m);
  expect(code).toMatch(/^Page\(\s*withAuthorization\(/m);
});

test('app.js imports the kit by its file path; no file under lib/ wraps pages with withAuthorization', () => {
  expect(pages.length).toBeGreaterThanOrEqual(3);
  expect(readFileSync(join(PROJECT, 'app.js'), 'utf8')).toMatch(/from 'miniapp-auth-kit\/dist\/miniprogram\/index';/);
  for (const file of readdirSync(join(PROJECT, 'lib'))) {
    expect([file, /withAuthorization\(/.test(readFileSync(join(PROJECT, 'lib', file), 'utf8'))]).toEqual([file, false]);
  }
});
