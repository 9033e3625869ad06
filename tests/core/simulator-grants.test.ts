/**
 * The wallet simulator keeps its grants across a reload as a wallet does: `grants` at creation,
 * `grant()` for what the user allowed elsewhere (another tab), `revoke()` for the other way.
 */
import { requestAuthCode } from '../../utils';
import { createWalletSimulator } from '../../utils/testing';

test('a simulator created with the grants of the one before asks nothing again for them', async () => {
  const first = createWalletSimulator({ user: 'allow' });
  await requestAuthCode(['USER_NAME'], { host: first.my });
  expect([...first.grants]).toEqual(['USER_NAME']);
  // A reload: a new simulator over what the first one remembered.
  const second = createWalletSimulator({ user: 'deny', grants: [...first.grants] });
  const result = await requestAuthCode(['USER_NAME'], { host: second.my });
  expect(result.grantedScopes).toEqual(['USER_NAME']);
  expect(second.calls[0]!.prompted).toBe(false);
});

test('grant() and revoke() follow another tab’s wallet', async () => {
  const sim = createWalletSimulator({ user: 'manual' });
  sim.grant(['USER_CONTACTINFO', 'NOTIFICATION_INBOX']);
  expect([...sim.grants].sort()).toEqual(['NOTIFICATION_INBOX', 'USER_CONTACTINFO']);
  await requestAuthCode(['USER_CONTACTINFO'], { host: sim.my });
  expect(sim.prompts).toHaveLength(0);
  sim.revoke();
  expect(sim.grants.size).toBe(0);
});

test.each([
  ['not an array', 'USER_NAME'],
  ['a number inside', ['USER_NAME', 42]],
  ['not a scope name', ['USER NAME']],
  ['a prototype key', ['__proto__']],
])('bad grants (%s): a TypeError that names them, at creation and in grant()', (_name, grants) => {
  expect(() => createWalletSimulator({ grants: grants as never })).toThrow(/createWalletSimulator: options\.grants must be an array of scope names/);
  expect(() => createWalletSimulator().grant(grants as never)).toThrow(/grant\(scopes\) must be an array of scope names/);
});
