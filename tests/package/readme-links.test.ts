/**
 * The README is the package's page on the npm registry, where a relative link leads nowhere (the
 * linked files are not in the tarball): every link is absolute, a link into the repository points
 * at a file that exists under the package's `repository`, and every in-page anchor has its heading.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { repository: { url: string }; homepage: string };
/** `git+https://github.com/o/r.git` → `https://github.com/o/r`. */
const repoWeb = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** Markdown link targets outside code blocks and code spans. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
}

/** GitHub's (and npm's) heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchors(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  return new Set(
    [...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      (m[1] as string)
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

test('the README has links, and none is relative', () => {
  const all = links(readme);
  expect(all.length).toBeGreaterThan(5);
  expect(all.filter((href) => !/^(https?:\/\/|#)/.test(href))).toEqual([]);
});

test('links into the repository name files that exist, under the package’s repository', () => {
  expect(pkg.homepage.startsWith(repoWeb)).toBe(true);
  const inRepo = links(readme).filter((href) => href.startsWith('https://github.com/'));
  expect(inRepo.length).toBeGreaterThan(5);
  for (const href of inRepo) {
    expect(href.startsWith(`${repoWeb}/blob/main/`)).toBe(true);
    const path = href.slice(`${repoWeb}/blob/main/`.length).split('#')[0] as string;
    expect([path, existsSync(join(root, path))]).toEqual([path, true]);
  }
});

test('every in-page anchor has its heading', () => {
  const have = anchors(readme);
  const wanted = links(readme).filter((href) => href.startsWith('#'));
  expect(wanted.length).toBeGreaterThan(0);
  for (const href of wanted) expect([href, have.has(href.slice(1))]).toEqual([href, true]);
});
