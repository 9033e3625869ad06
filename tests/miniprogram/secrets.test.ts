/**
 * Auth codes never reach what a DSL page renders or logs: every `setData` payload of the
 * components, the mini program's console, the payloads of their callbacks.
 */
import { button } from './harness';
import { callback, expectQuietConsole, setup } from './helpers';

test('no auth code in any setData, console output or callback payload, through grants, refusals and errors', async () => {
  const { mp, sim, authorizer, codes } = setup();
  const onAuthorized = callback();
  const onDenied = callback();
  const onError = callback();
  const page = await mp.openTestPage(
    `<consent-button scopes="USER_NAME" onAuthorized="onAuthorized" onDenied="onDenied" onError="onError">Name</consent-button>
     <auth-gate scopes="USER_CONTACTINFO" onAuthorized="onAuthorized" onDenied="onDenied" onError="onError"><view>Phone shared</view></auth-gate>
     <consent-prompt />`,
    { onAuthorized, onDenied, onError },
    { 'consent-button': 'consent-button', 'auth-gate': 'auth-gate', 'consent-prompt': 'consent-prompt' },
  );
  await authorizer.authorize('auth_base');
  mp.tap(button(mp.tree(page), 'Name'));
  await mp.settle();
  sim.setUser('deny');
  mp.tap(button(mp.tree(page), 'Share my contact details'));
  await mp.settle();
  sim.failNext({ error: 1002 });
  mp.tap(button(mp.tree(page), 'Share my contact details'));
  await mp.settle();
  sim.setUser('allow');
  authorizer.markEngaged();
  void authorizer.authorize('NOTIFICATION_INBOX');
  await mp.settle();
  mp.tap(button(mp.tree(page), 'Continue'));
  await mp.settle();

  expect(codes.length).toBeGreaterThanOrEqual(3);
  expect(onAuthorized).toHaveBeenCalled();
  expect(onDenied).toHaveBeenCalled();
  expect(onError).toHaveBeenCalled();
  const seen = [
    ...mp.runtime.setDataLog,
    JSON.stringify(mp.logs),
    ...[onAuthorized, onDenied, onError].flatMap((fn) => fn.payloads.map((p) => JSON.stringify(p) + String(p.error?.message ?? ''))),
  ].join('\n');
  for (const code of codes) expect(seen).not.toContain(code);
  expectQuietConsole(mp);
});
