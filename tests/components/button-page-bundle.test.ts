/**
 * What a page with only buttons bundles (issue 18): the consent sheet's English stays out of it,
 * while a page that shows the sheet, or reads CONSENT_MESSAGES, has every text. Bundled from the
 * sources as an application's bundler would (esbuild, ESM, minified).
 */
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

async function bundle(source: string): Promise<string> {
  const result = await build({ stdin: { contents: source, resolveDir: ROOT, loader: 'ts' }, bundle: true, format: 'esm', minify: true, write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

const authorizer = "import { createAuthorizer } from './utils'; const authorizer = createAuthorizer({ submit: async () => ({}) } as never);";
const SHEET_NOTE = 'Your wallet will ask you to confirm.';

test('defineConsentButton alone ships the button texts, not the sheet English', async () => {
  const code = await bundle(`${authorizer} import { defineConsentButton } from './components'; defineConsentButton({ authorizer });`);
  expect(code).toContain('Waiting for your wallet');
  expect(code).not.toContain(SHEET_NOTE);
  expect(code).not.toContain('Share your profile?');
});

test.each([
  ['defineConsentPrompt', `${authorizer} import { defineConsentPrompt } from './components'; defineConsentPrompt({ authorizer });`],
  ['CONSENT_MESSAGES', "import { CONSENT_MESSAGES } from './components'; console.log(CONSENT_MESSAGES.en);"],
])('%s brings the sheet English', async (_name, source) => {
  const code = await bundle(source);
  expect(code).toContain(SHEET_NOTE);
  expect(code).toContain('Share your profile?');
});
