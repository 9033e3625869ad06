/**
 * Two demo server processes starting at the same moment on an EMPTY data folder (issue 9, item 9): they
 * must end up with one set of keys, not two (each key file is created exclusively; the loser reads the
 * winner's), so that the tokens either stores decrypt in both and after a restart, and every file in the
 * folder is private (0600, folders 0700).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { lineOf, spawnChild, startChild, stopAll, stopCleanly } from '../server/support/children';
import { fixture, me, mintCode, postSession, removeDir, tempDir } from './load-helpers';

jest.setTimeout(60_000);

let tempRoot: string | undefined;
let dataDir: string;

afterAll(async () => {
  await stopAll();
  if (tempRoot) removeDir(tempRoot);
});

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    out[path.relative(dir, full)] = (fs.statSync(full).mode & 0o777).toString(8);
  }
  return out;
}

it('two processes starting at once on an empty data folder create one key of each kind, and both work on it', async () => {
  tempRoot = tempDir('load-first-start-');
  dataDir = path.join(tempRoot, 'data'); // does not exist yet
  const spawned = [0, 1].map(() => spawnChild(fixture('run-servers.mjs'), [dataDir], { waitForGo: true }));
  await Promise.all(spawned.map((s) => s.waiting));
  for (const s of spawned) s.go();
  const children = await Promise.all(spawned.map((s) => s.ready));

  const keys = children.map((c) => JSON.parse(lineOf(c, 'KEYS ') ?? 'null'));
  expect(keys[0]).toEqual(keys[1]);
  expect(keys[0]).toEqual({ merchant: expect.any(String), wallet: expect.any(String), tokenKeyId: expect.any(String) });

  // Each opens a session (with its own wallet simulator); both are readable after a restart.
  const sessions = [];
  for (const child of children) {
    const code = await mintCode(child.url, `first-${sessions.length}`);
    const opened = await postSession(child.url, code, randomUUID());
    expect(opened.status).toBe(200);
    sessions.push(opened.body.sessionId as string);
  }
  for (const child of children) expect(await stopCleanly(child)).toBe(0);

  const again = await startChild(fixture('run-servers.mjs'), [dataDir]);
  expect(JSON.parse(lineOf(again, 'KEYS ') ?? 'null')).toEqual(keys[0]);
  for (const sessionId of sessions) {
    // /me opens the stored access token, then the refresh token when this new wallet simulator refuses
    // the first (it never issued either): REAUTH_REQUIRED is proof both opened (one that does not is a
    // 500), SESSION_EXPIRED would be a session lost.
    const answer = await me(again.url, sessionId);
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 401, code: 'REAUTH_REQUIRED' });
  }
  expect(await stopCleanly(again)).toBe(0);

  const found = modes(dataDir);
  const expected = Object.fromEntries(Object.entries(found).map(([name]) => [name, fs.statSync(path.join(dataDir, name)).isDirectory() ? '700' : '600']));
  expect(found).toEqual(expected);
  expect(Object.keys(found).sort()).toEqual(
    ['keys', 'keys/merchant-private.pem', 'keys/merchant-public.pem', 'keys/wallet-private.pem', 'keys/wallet-public.pem', 'merchant-token.key', 'auth.sqlite'].sort(),
  );
  expect((fs.statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
});
