/**
 * A request whose flights all end well but leave no session covering its scopes (the state lost
 * it: a storage that keeps nothing, a write dropped) asks again once, without the old gesture,
 * then rejects: it never loops (each round could open a consent prompt without a tap).
 */
import { AuthError } from '../../utils';
import { createEngagementSensor } from '../../utils/engagement';
import { createFlights } from '../../utils/authorizer/flights';
import { createRequest } from '../../utils/authorizer/request';
import type { SessionState } from '../../utils/authorizer/session-state';
import { authErrorOf } from './helpers';

/** A state that never keeps a session; every consent scope granted before. */
function forgetfulState(): SessionState {
  return {
    epoch_: 0,
    ready_: null,
    refresh_: () => undefined,
    reread_: () => Promise.resolve(),
    current_: () => null,
    stored_: () => null,
    consent_: () => 'granted',
    consentRecord_: () => ({}),
    record_: () => undefined,
    storeSession_: () => undefined,
    signOut_: () => Promise.resolve(),
  };
}

it('asks again once, then rejects UNKNOWN (retryable) for its scopes', async () => {
  const runs: boolean[] = [];
  // Each flight "succeeds" in a later task; past 20 rounds it never ends (the old loop stops there).
  const run = (_flight: unknown, gesture: boolean) => (runs.push(gesture), runs.length > 20 ? new Promise<void>(() => undefined) : new Promise<void>((r) => setImmediate(r)));
  const flights = createFlights(run, () => undefined);
  const sensor = createEngagementSensor(null, () => undefined);
  const request = createRequest(forgetfulState(), flights, sensor, () => false, () => undefined);
  const error = await authErrorOf(request(['USER_NAME'], { gesture: true, defer: true, signal: undefined }));
  expect(error).toBeInstanceOf(AuthError);
  expect(error.code).toBe('UNKNOWN');
  expect(error.retryable).toBe(true);
  expect(error.scopes).toEqual(['USER_NAME']);
  // The tap's flight, then one more without the gesture.
  expect(runs).toEqual([true, false]);
});
