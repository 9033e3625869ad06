/**
 * The shared state store itself (`utils/state-store.ts`), over an asynchronous adapter: changes
 * made while a write is under way are written next, never dropped from the view or the storage.
 */
import { openStateStore, parseState, type PersistedState } from '../../utils/state-store';
import { asyncMapStorage, flush } from './helpers';

const KEY = 'k';
const grant = (scope: string) => (s: PersistedState) => ({ ...s, consent_: { ...s.consent_, [scope]: 'granted' as const } });

it('a change made while an asynchronous write is under way is kept and written next', async () => {
  const storage = asyncMapStorage();
  const store = openStateStore(storage, KEY, () => undefined);
  await store.ready_;
  store.update_(0, grant('USER_NAME'));
  // The first write has read the storage and is writing now.
  await new Promise((r) => setImmediate(r));
  store.update_(0, grant('USER_AVATAR'));
  for (let i = 0; i < 3; i++) {
    store.update_(0, grant(`SCOPE_${i}`));
    await new Promise((r) => setImmediate(r));
  }
  await flush(20);
  const expected = { USER_NAME: 'granted', USER_AVATAR: 'granted', SCOPE_0: 'granted', SCOPE_1: 'granted', SCOPE_2: 'granted' };
  expect(store.state_.consent_).toEqual(expected);
  expect(parseState(storage.map.get(KEY)).consent_).toEqual(expected);
});
