/**
 * The README's recipe for the wallet simulator in a page during development ("dev-wallet.ts"),
 * run as written in Chromium (TypeScript stripped, its package imports pointed at the built kit):
 * a consent given before a reload is still there after it, with no second wallet page.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { useDemo } from './helpers';

jest.setTimeout(60_000);

const { openLab } = useDemo();

/** The README's ```ts block that starts with `// <name>`. */
function snippet(name: string): string {
  const readme = readFileSync(join(resolve(__dirname, '../..'), 'README.md'), 'utf8');
  const block = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string).find((code) => code.startsWith(`// ${name}\n`));
  if (!block) throw new Error(`README has no \`\`\`ts block starting with // ${name}`);
  return block;
}

test('dev-wallet.ts: the simulated wallet’s storage and grants survive a reload', async () => {
  const js = ts
    .transpileModule(snippet('dev-wallet.ts'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
    .outputText.replace("from 'miniapp-auth-kit/testing'", "from '/kit/testing.js'")
    .replace("from 'miniapp-auth-kit'", "from '/kit/index.js'");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>
    <button id="share" type="button">Share my name</button>
    <script type="module">
      import { auth, wallet } from '/lab/dev-wallet.js';
      window.lab = { auth, wallet };
      document.getElementById('share').addEventListener('click', () => {
        auth.authorize('USER_NAME', { gesture: true }).then(() => (document.body.dataset.done = 'yes'));
      });
    </script></body></html>`;
  const page = await openLab(html, { files: { '/lab/dev-wallet.js': js } });
  await page.waitForFunction(() => 'lab' in window);
  await page.getByRole('button', { name: 'Share my name' }).click();
  await page.locator('body[data-done="yes"]').waitFor({ state: 'attached' });

  await page.reload();
  await page.waitForFunction(() => 'lab' in window);
  const after = await page.evaluate(async () => {
    const { auth, wallet } = (window as any).lab;
    const session = await auth.authorize('USER_NAME');
    return { scopes: session.scopes, grants: [...wallet.grants], calls: wallet.calls.length, consent: auth.consentState('USER_NAME') };
  });
  // The session came back from the kept storage: no wallet call after the reload.
  expect(after).toEqual({ scopes: expect.arrayContaining(['USER_NAME']), grants: ['USER_NAME'], calls: 0, consent: 'granted' });
});
