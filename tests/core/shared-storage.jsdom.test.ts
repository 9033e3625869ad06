/** @jest-environment jsdom */
/** Another tab's writes reach an authorizer through `storage` events: its subscribers hear them at once. */
import { createAuthorizer, memoryStorage } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';
import { authorizerOver, fakeBackend } from './helpers';

const KEY = 'miniapp-auth-kit';

afterEach(() => localStorage.clear());

/** What the kit in another tab leaves in localStorage after a grant (written by a real authorizer there). */
async function writtenByAnotherTab(): Promise<string> {
  const sim = createWalletSimulator({ user: 'allow' });
  const storage = memoryStorage();
  const other = authorizerOver(sim, storage);
  await other.authorize('USER_NAME', { gesture: true });
  return storage.get(KEY) as string;
}

test('a storage event for the key is taken up and announced', async () => {
  const value = await writtenByAnotherTab();
  const sim = createWalletSimulator();
  // No storage option: the default localStorage adapter, whose writes other tabs announce.
  const auth = createAuthorizer({ submit: fakeBackend(sim).submit, host: { getAuthCode: sim.my.getAuthCode }, engagementTarget: null });
  const heard: string[] = [];
  auth.subscribe((event, snapshot) => heard.push(`${event.type}:${snapshot.session?.scopes.join(',') ?? '-'}`));

  localStorage.setItem(KEY, value);
  window.dispatchEvent(new StorageEvent('storage', { key: 'another-key' }));
  expect(heard).toEqual([]);
  window.dispatchEvent(new StorageEvent('storage', { key: KEY }));
  expect(heard).toEqual(expect.arrayContaining(['session:USER_NAME', 'consent:USER_NAME']));

  localStorage.clear();
  heard.length = 0;
  window.dispatchEvent(new StorageEvent('storage', { key: null }));
  expect(heard).toContain('session:-');
});
