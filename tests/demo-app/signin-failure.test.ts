/**
 * What the demo's sign-in at launch says when it fails, and what its button offers: one rule
 * (`signinFailure` in the demos' shared story.js) by the side that failed. The kit's errors are
 * made as the kit makes them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuthError } from '../../utils';
import { nativeImport } from '../support/native-import';

/** story.js as an ES module (it imports nothing; its folder's package.json, the mini program's, says no "type"). */
const STORY = `data:text/javascript;charset=utf-8,${encodeURIComponent(readFileSync(join(resolve(__dirname, '../..'), 'demo-miniapp/miniprogram/lib/story.js'), 'utf8'))}`;

interface Story {
  signinFailure(error: unknown): { key: string; action: 'retry' | 'signIn' | null };
  STORY_TEXTS: Record<'en' | 'ar', Record<string, string>>;
}

let story: Story;
beforeAll(async () => {
  story = (await nativeImport(STORY)) as Story;
});

test.each([
  ['the backend unreachable', new AuthError('BACKEND_ERROR', { retryable: true }), 'status.failedBackend', 'retry'],
  ['the backend’s 500', new AuthError('BACKEND_ERROR', { status: 503, platformCode: 'UNKNOWN_EXCEPTION' }), 'status.failedBackend', 'retry'],
  ['the backend refused the codes', new AuthError('CODE_REJECTED', { platformCode: 'USED_CODE' }), 'status.failedBackend', 'retry'],
  ['2001: the wallet’s agreement', new AuthError('PENDING_AGREEMENT', { platformCode: 2001 }), 'status.failedAgreement', 'signIn'],
  ['12: the network', new AuthError('SERVICE_ERROR', { platformCode: 12 }), 'status.failedOffline', 'retry'],
  ['1002: the wallet’s service', new AuthError('SERVICE_ERROR', { platformCode: 1002 }), 'status.failedRetry', 'retry'],
  ['a wallet that does not answer', new AuthError('TIMEOUT'), 'status.failedRetry', 'retry'],
  ['no permission (a tap cannot help)', new AuthError('NO_PERMISSION', { platformCode: 15 }), 'status.failedUnavailable', null],
  ['no wallet', new AuthError('NOT_IN_MINIAPP'), 'status.failedNoWallet', null],
])('%s → %s, %s', (_name, error, key, action) => {
  expect(story.signinFailure(error)).toEqual({ key, action });
  // Every key it gives is written in both languages, and none blames the wallet for the server.
  for (const lang of ['en', 'ar'] as const) expect(story.STORY_TEXTS[lang][key]).toEqual(expect.any(String));
  if (key === 'status.failedBackend') expect(story.STORY_TEXTS.en[key]).not.toMatch(/wallet didn’t/);
});
