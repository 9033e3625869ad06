/**
 * The shipped files of dist/miniprogram/, read as the DSL engine and the vendor's compiler would:
 * every .js is ES2015 and names no forbidden global; the entry and the components share one chunk;
 * every .axml is wired to its component's methods, props and data; every component folder has its
 * four files; styles keep touch targets at 44px and give every CSS variable a fallback.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createWalletSimulator } from '../../utils/testing';
import { DIST, KIT_COMPONENTS, MiniProgram } from './harness';
import { elementsOf, parseAxml, readAxml } from './harness/axml';
import { checkAxml, checkJs, tapHandlers } from './static-checks';
import { filesUnder } from '../support/files';

const jsFiles = filesUnder(DIST).filter((f) => f.endsWith('.js'));
const mp = new MiniProgram({ my: createWalletSimulator().my });
const definition = (name: string) => mp.runtime.components.get(join(DIST, name, 'index')) as Record<string, any>;

describe('JavaScript', () => {
  test('the checker itself catches what the engine forbids', () => {
    expect(() => checkJs('const a = b?.c;')).toThrow(SyntaxError);
    expect(() => checkJs('const a = b ?? c;')).toThrow(SyntaxError);
    expect(() => checkJs('const a = { ...b };')).toThrow(SyntaxError);
    expect(() => checkJs('class A { x = 1 }')).toThrow(SyntaxError);
    expect(() => checkJs('const a = 2 ** 3;')).toThrow(SyntaxError);
    expect(() => checkJs('async function f() {}')).toThrow(SyntaxError);
    expect(() => checkJs('try {} catch {}')).toThrow(SyntaxError);
    expect(checkJs('globalThis.my; window.x; self.y; document.z; global.a; eval("1"); new Function("");').forbidden.map((f) => f.split('@')[0])).toEqual([
      'globalThis',
      'window',
      'self',
      'document',
      'global',
      'eval',
      'Function',
    ]);
    expect(checkJs('a.window = { self: 1, document() {} };').forbidden).toEqual([]);
  });

  test.each(jsFiles.map((f) => relative(DIST, f)))('%s parses as ES2015 and names no forbidden global', (file) => {
    const report = checkJs(readFileSync(join(DIST, file), 'utf8'));
    expect(report.forbidden).toEqual([]);
  });

  test('every import stays inside dist/miniprogram, and every shipped .js is reached from the entry or a component', () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const spec of checkJs(readFileSync(file, 'utf8')).imports) {
        expect(spec.startsWith('./') || spec.startsWith('../')).toBe(true);
        const target = resolve(dirname(file), spec);
        expect(target.startsWith(DIST)).toBe(true);
        expect(existsSync(target)).toBe(true);
        visit(target);
      }
    };
    visit(join(DIST, 'index.js'));
    for (const name of KIT_COMPONENTS) visit(join(DIST, name, 'index.js'));
    expect([...reached].sort()).toEqual([...jsFiles].sort());
  });

  test('the entry and every component import the same one shared chunk (one provider for the whole app)', () => {
    const chunksOf = (file: string) => checkJs(readFileSync(file, 'utf8')).imports.map((s) => resolve(dirname(file), s));
    const shared = chunksOf(join(DIST, 'index.js'));
    expect(shared).toHaveLength(1);
    for (const name of KIT_COMPONENTS) expect(chunksOf(join(DIST, name, 'index.js'))).toEqual(shared);
  });
});

describe.each(KIT_COMPONENTS)('<%s>', (name) => {
  const dir = join(DIST, name);
  const def = () => definition(name);

  test('ships index.axml, index.acss, index.js and index.json ({"component": true}) whose usingComponents resolve to shipped components', () => {
    for (const ext of ['axml', 'acss', 'js', 'json']) expect(existsSync(join(dir, `index.${ext}`))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(json.component).toBe(true);
    for (const spec of Object.values(json.usingComponents as Record<string, string>)) {
      for (const ext of ['axml', 'acss', 'js', 'json']) expect(existsSync(resolve(dir, `${spec}.${ext}`))).toBe(true);
    }
  });

  test('its AXML names only its methods, props, data fields and loop variables, and only known tags', () => {
    const json = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    const { props = {}, data = {}, methods = {} } = def();
    const problems = checkAxml(readAxml(join(dir, 'index.axml')), {
      names: [...Object.keys(props), ...Object.keys(data)],
      methods: Object.keys(methods),
      components: Object.keys(json.usingComponents ?? {}),
    });
    expect(problems).toEqual([]);
    // A data field never hides a prop of the same name in the template.
    expect(Object.keys(data).filter((k) => k in props)).toEqual([]);
    expect(Object.keys(methods).length).toBeGreaterThan(0);
  });

  test('its styles keep every button at least 44×44px and give every CSS variable a fallback', () => {
    // With the shared styles it imports (`@import '../shared/base.acss';`), as the engine reads them.
    const own = readFileSync(join(dir, 'index.acss'), 'utf8');
    const imports = [...own.matchAll(/@import\s+['"]([^'"]+)['"];/g)].map((m) => resolve(dir, m[1] as string));
    for (const path of imports) expect(existsSync(path)).toBe(true);
    const acss = [...imports.map((path) => readFileSync(path, 'utf8')), own].join('\n');
    expect(acss).not.toMatch(/var\(--[\w-]+\s*\)/);
    const rules = [...acss.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({ selectors: (m[1] as string).split(',').map((s) => s.trim()), body: m[2] as string }));
    for (const button of elementsOf(readAxml(join(dir, 'index.axml'))).filter((el) => el.tag === 'button')) {
      const classes = (button.attrs.class ?? '').split(/\s+/).filter((c) => c && !c.includes('{{'));
      const styled = rules.filter((r) => r.selectors.some((s) => classes.some((c) => s === `.${c}`))).map((r) => r.body).join(';');
      for (const property of ['min-height', 'min-width']) {
        const values = [...styled.matchAll(new RegExp(`${property}:\\s*([^;]+)`, 'g'))].map((m) => m[1] as string);
        expect(values.length).toBeGreaterThan(0);
        for (const value of values) expect(Number(/(\d+)px/.exec(value)?.[1])).toBeGreaterThanOrEqual(44);
      }
    }
  });
});

test('<consent-button> holds exactly one <button>, and its tap handler is a method', () => {
  const tree = readAxml(join(DIST, 'consent-button', 'index.axml'));
  const buttons = elementsOf(tree).filter((el) => el.tag === 'button');
  expect(buttons).toHaveLength(1);
  const taps = tapHandlers(tree);
  expect(taps).toHaveLength(1);
  expect(taps[0]?.element).toBe(buttons[0]);
  expect(typeof definition('consent-button').methods[taps[0]?.method as string]).toBe('function');
  // "Renders disabled": the button's `disabled` is a binding.
  expect(buttons[0]?.attrs.disabled).toMatch(/^\{\{\s*\w+\s*\}\}$/);
});

test('the AXML checker reports unknown handlers, names, tags and broken chains', () => {
  const tree = readAxml(join(DIST, 'consent-button', 'index.axml'));
  const problems = checkAxml(tree, { names: ['state'], methods: [], components: [] });
  expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('onTap="onTap" names no method'), expect.stringContaining('reads "buttonDisabled"')]));
  expect(checkAxml(parseAxml('<widget a:else="" />'), { names: [], methods: [], components: [] })).toEqual([
    '<widget> has a:elif/a:else without an a:if before it',
    '<widget> is neither built in nor in usingComponents',
  ]);
  expect(checkAxml(parseAxml('<view a:for="{{list}}" a:for-item="row">{{row.name}} {{index}} {{item}}</view>'), { names: ['list'], methods: [], components: [] })).toEqual([
    'text {{item}} reads "item", not a prop, data field or loop variable',
  ]);
});
