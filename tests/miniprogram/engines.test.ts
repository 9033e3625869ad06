/**
 * What differs between the engines the component suites run on (jest.config.cjs runs them on each):
 * a project without component2 gets working components and one notice naming the setting; the
 * shipped scripts, after the IDE's babel transform, need no regenerator runtime and read no global.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createWalletSimulator } from '../../utils/testing';
import { filesUnder } from '../support/files';
import { button, DIST, ENGINES, MiniProgram } from './harness';
import { babelledDist } from './harness/babel';
import { checkJs } from './static-checks';

const NOTICE = 'miniapp-auth-kit: component2 is off (mini.project.json "compileOptions": { "component2": true })';

async function tapOnce(engine: (typeof ENGINES)[keyof typeof ENGINES]) {
  const sim = createWalletSimulator();
  const mp = new MiniProgram({ my: sim.my, engine });
  mp.kit.provideAuthorizer(mp.kit.createAuthorizer({ submit: () => Promise.resolve({}) }));
  const page = await mp.openTestPage('<consent-button scopes="USER_NAME">Name</consent-button><consent-prompt /><auth-gate scopes="USER_NAME" />', {}, {
    'consent-button': 'consent-button',
    'consent-prompt': 'consent-prompt',
    'auth-gate': 'auth-gate',
  });
  mp.tap(button(mp.tree(page), 'Name'));
  await mp.settle();
  mp.close();
  return { sim, mp };
}

test('without component2 the components set themselves up in didMount and work; the console says so once, naming the setting', async () => {
  const without = await tapOnce(ENGINES['no-component2']);
  expect(without.sim.calls).toHaveLength(1);
  expect(without.mp.logs).toEqual([[expect.stringContaining(NOTICE)]]);

  const alipay = await tapOnce(ENGINES.alipay);
  expect(alipay.sim.calls).toHaveLength(1);
  expect(alipay.mp.logs).toEqual([]);
});

describe('after the IDE’s babel transform (enableNodeModuleBabelTransform)', () => {
  const scripts = filesUnder(DIST).filter((f) => f.endsWith('.js'));

  test.each(scripts.map((f) => relative(DIST, f)))('%s needs no regenerator runtime and reads no forbidden global', (file) => {
    // The copy the babel engine's suites run (shared by every test file).
    const out = readFileSync(join(babelledDist(), file), 'utf8');
    // Old babel versions read a global `regeneratorRuntime`; new ones inline one (kilobytes).
    expect(out).not.toMatch(/regenerator/i);
    // `Function` is left aside: babel's helper for `class … extends Error` reads Function.prototype.toString.
    expect(checkJs(out).forbidden.filter((name) => !name.startsWith('Function@'))).toEqual([]);
  });
});
