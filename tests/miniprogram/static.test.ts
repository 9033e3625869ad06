/**
 * The shipped files of dist/miniprogram/, read as the DSL engine and the vendor's compiler would:
 * every .js is ES2015, names no forbidden global and holds no generator; the entry and the
 * components share one chunk; every .axml passes Alipay's own parser, is wired to its component's
 * methods, props and data and uses only the ARIA attributes Alipay documents; every component
 * folder has its four files; styles keep touch targets at 44px, give every CSS variable a
 * fallback, use no attribute selector, and carry a dark set of their colours.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createWalletSimulator } from '../../utils/testing';
import { DIST, KIT_COMPONENTS, MiniProgram, ROOT } from './harness';
import { elementsOf, parseAxml, readAxml, type TemplateNode } from './harness/axml';
import { ariaProblems, attributeSelectors, checkAxml, checkJs, compileAxml, privateVars, renameVars, ruleOutline, sourceVarNames, tapHandlers } from './static-checks';
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
    expect(checkJs('function* g() { yield 1; } const o = { *h() {} };').generators.map((g) => g.split('@')[0])).toEqual(['function*', 'yield', 'function*']);
    expect(checkJs('function f() { return 1; }').generators).toEqual([]);
  });

  test.each(jsFiles.map((f) => relative(DIST, f)))('%s parses as ES2015, names no forbidden global and holds no generator', (file) => {
    const report = checkJs(readFileSync(join(DIST, file), 'utf8'));
    expect(report.forbidden).toEqual([]);
    // After an IDE's babel transform (enableNodeModuleBabelTransform), a generator needs a regenerator runtime.
    expect(report.generators).toEqual([]);
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

  test('the entry is the one core chunk every component reaches (one provider for the whole app); only components import the texts', () => {
    const chunksOf = (file: string) => checkJs(readFileSync(file, 'utf8')).imports.map((s) => resolve(dirname(file), s));
    const entry = join(DIST, 'index.js');
    const ui = join(DIST, 'shared', 'ui.js');
    // The entry imports nothing: the core is in it, so a page or app.js that imports it loads no text.
    expect(chunksOf(entry)).toEqual([]);
    // Each component's file imports the components' chunk, which imports the entry: the same core.
    for (const name of KIT_COMPONENTS) expect(chunksOf(join(DIST, name, 'index.js'))).toEqual([ui]);
    expect(chunksOf(ui)).toEqual([entry]);
    expect(readFileSync(ui, 'utf8')).toContain('registerLocale("ar"');
    expect(readFileSync(entry, 'utf8')).not.toMatch(/registerLocale|اسمح/);
  });
});

describe.each(KIT_COMPONENTS)('<%s>', (name) => {
  const dir = join(DIST, name);
  const def = () => definition(name);

  test('ships index.axml, index.acss, index.js and index.json ({"component": true}) whose usingComponents resolve to shipped components', () => {
    for (const ext of ['axml', 'acss', 'js', 'json']) expect(existsSync(join(dir, `index.${ext}`))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(json.component).toBe(true);
    // As antd-mini's: the page's classes (the className prop) reach the component's root.
    expect(json.styleIsolation).toBe('shared');
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

  test('Alipay’s own AXML parser (@alipay/axml-transverter) accepts its template', () => {
    expect(() => compileAxml(readFileSync(join(dir, 'index.axml'), 'utf8'))).not.toThrow();
  });

  test('its ARIA attributes are ones Alipay documents, on base components that take them', () => {
    expect(ariaProblems(readAxml(join(dir, 'index.axml')))).toEqual([]);
  });

  test('its styles keep every button at least 44×44px, give every CSS variable a fallback and use no attribute selector', () => {
    // With the shared styles it imports (`@import '../shared/base.acss';`), as the engine reads them.
    const own = readFileSync(join(dir, 'index.acss'), 'utf8');
    const imports = [...own.matchAll(/@import\s+['"]([^'"]+)['"];/g)].map((m) => resolve(dir, m[1] as string));
    for (const path of imports) expect(existsSync(path)).toBe(true);
    const acss = [...imports.map((path) => readFileSync(path, 'utf8')), own].join('\n');
    expect(acss).not.toMatch(/var\(--[\w-]+\s*\)/);
    // ACSS has no attribute selectors: a `[disabled]` rule never applies (states are classes).
    expect(attributeSelectors(acss)).toEqual([]);
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

/** A template tree without the numbering of its elements (two parses number them apart). */
const unnumbered = (nodes: TemplateNode[]): unknown[] => nodes.map((n) => (n.type === 'text' ? n : { tag: n.tag, attrs: n.attrs, children: unnumbered(n.children) }));

describe('what ships of the templates, styles and JSON is their source minified, nothing lost', () => {
  const sources = [
    ...KIT_COMPONENTS.map((name) => ({ shipped: join(name, 'index'), source: join(ROOT, 'components', name, 'miniprogram', 'index') })),
    { shipped: join('shared', 'base'), source: join(ROOT, 'components', 'miniprogram', 'base') },
  ];
  const read = (path: string) => readFileSync(path, 'utf8');

  test.each(KIT_COMPONENTS.map((name) => [name]))('%s/index.axml: the same tree as its source, without comments or layout whitespace', (name) => {
    const { shipped, source } = sources.find((s) => s.shipped === join(name, 'index'))!;
    const text = read(join(DIST, `${shipped}.axml`));
    expect(text).not.toMatch(/<!--|\n/);
    expect(unnumbered(parseAxml(text))).toEqual(unnumbered(parseAxml(read(`${source}.axml`))));
  });

  test.each(sources.map((s) => [s.shipped]))('%s.acss: the same rules with the same declarations in the same order (every fallback before its var() kept)', (shipped) => {
    const { source } = sources.find((s) => s.shipped === shipped)!;
    const text = read(join(DIST, `${shipped}.acss`));
    expect(text).not.toMatch(/\/\*|\n/);
    const outline = ruleOutline(read(`${source}.acss`));
    expect(outline.length).toBeGreaterThan(0);
    // The kit's own variables under their shipped (short) names: read back through one mapping.
    expect(ruleOutline(renameVars(text, shippedVarNames()))).toEqual(outline);
  });

  test('the kit’s own variables (--_mak-*) ship under short names, one mapping for every file: each one a style reads is one the shared styles set', () => {
    const names = shippedVarNames();
    expect(names.size).toBeGreaterThan(8);
    for (const [shipped, source] of names) {
      expect(source).toMatch(/^--_mak-/);
      expect(shipped.length).toBeLessThanOrEqual(6);
    }
    const defined = new Set(privateVars(read(join(DIST, 'shared', 'base.acss'))));
    for (const { shipped } of sources) {
      const text = read(join(DIST, `${shipped}.acss`));
      expect(text).not.toMatch(/--_mak-/);
      for (const [, name] of text.matchAll(/var\((--_[\w-]+)/g)) expect([shipped, name, defined.has(name as string)]).toEqual([shipped, name, true]);
    }
    // The page's variables keep their names (the styles' API).
    expect(read(join(DIST, 'shared', 'base.acss'))).toMatch(/var\(--mak-accent,/);
  });

  test('the JSON files are compact and say what their sources say', () => {
    for (const name of KIT_COMPONENTS) {
      const text = read(join(DIST, name, 'index.json'));
      expect(text).not.toMatch(/\s/);
      expect(JSON.parse(text)).toEqual(JSON.parse(read(join(ROOT, 'components', name, 'miniprogram', 'index.json'))));
    }
    expect(read(join(DIST, 'package.json'))).not.toMatch(/\s/);
  });
});

test('<consent-button> holds exactly one <button>; its tap handler and the status line’s are methods, the line outside the button', () => {
  const tree = readAxml(join(DIST, 'consent-button', 'index.axml'));
  const buttons = elementsOf(tree).filter((el) => el.tag === 'button');
  expect(buttons).toHaveLength(1);
  const taps = tapHandlers(tree);
  expect(taps.map((t) => t.method)).toEqual(['onTap', 'onHintTap']);
  expect(taps[0]?.element).toBe(buttons[0]);
  // The hint is a text of the status region, not inside the button (one button, one name).
  expect(taps[1]?.element.tag).toBe('text');
  expect(elementsOf(buttons[0]!.children)).not.toContain(taps[1]?.element);
  for (const { method } of taps) expect(typeof definition('consent-button').methods[method]).toBe('function');
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

test('the checkers catch what Alipay’s parser refuses, attribute selectors and undocumented ARIA', () => {
  expect(() => compileAxml('<view a:if="{{a ===}}" />')).toThrow(SyntaxError);
  expect(() => compileAxml('<view class="{{a ? b}}" />')).toThrow(SyntaxError);
  expect(attributeSelectors('.a[disabled] { opacity: 0.5 } @media (prefers-color-scheme: dark) { .b[data-x="1"] { color: red } }')).toEqual(['[disabled]', '[data-x="1"]']);
  expect(attributeSelectors('.a.b--disabled, .c .d::after { opacity: 0.5 }')).toEqual([]);
  expect(ariaProblems(parseAxml('<view aria-live="polite" role="status"><text aria-busy="true" /><widget role="dialog" /></view>'))).toEqual([
    '<view> aria-live is not an attribute Alipay documents',
    '<text> aria-busy is not an attribute Alipay documents',
    '<widget> takes no ARIA attributes (role)',
  ]);
});

/** The source name (`--_mak-*`) of each of the kit's own variables as shipped. */
function shippedVarNames(): Map<string, string> {
  return sourceVarNames(readFileSync(join(ROOT, 'components', 'miniprogram', 'base.acss'), 'utf8'), readFileSync(join(DIST, 'shared', 'base.acss'), 'utf8'));
}

/** The `--_mak-*` colours of the shared styles (as shipped, by their source names): `light` at the top, `dark` under prefers-color-scheme. */
function colourSets(): { light: Record<string, string>; dark: Record<string, string> } {
  const acss = renameVars(readFileSync(join(DIST, 'shared', 'base.acss'), 'utf8'), shippedVarNames());
  const darkStart = acss.search(/@media\s*\(prefers-color-scheme:\s*dark\)/);
  expect(darkStart).toBeGreaterThan(0);
  const read = (text: string) => Object.fromEntries([...text.matchAll(/(--_mak-[\w-]+):\s*([^;}]+)[;}]/g)].map((m) => [m[1] as string, m[2] as string]));
  return { light: read(acss.slice(0, darkStart)), dark: read(acss.slice(darkStart)) };
}

/** WCAG contrast of two #rrggbb colours (a `var(--mak-x, #rrggbb)` is read as its fallback). */
function contrast(a: string, b: string): number {
  const luminance = (value: string) => {
    const hex = /#([0-9a-f]{6})/i.exec(value)?.[1];
    if (!hex) throw new Error(`not a #rrggbb colour: ${value}`);
    const [r, g, bl] = [0, 2, 4].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

test('dark mode: the shared styles carry a dark set of their colour variables, each still following the page’s --mak-* value', () => {
  const { light, dark } = colourSets();
  expect(Object.keys(dark).length).toBeGreaterThan(8);
  for (const name of Object.keys(dark)) {
    expect(light[name]).toBeDefined();
    expect(dark[name]).not.toBe(light[name]);
    // A public variable the page sets wins in both sets.
    const publicName = /^var\((--mak-[\w-]+),/.exec(light[name] as string)?.[1];
    if (publicName) expect(dark[name]).toMatch(new RegExp(`^var\\(${publicName},`));
  }
  // Text stays readable (WCAG AA, 4.5:1) on what it sits on, in both sets.
  for (const set of [light, { ...light, ...dark }]) {
    for (const [text, ground] of [
      ['--_mak-text', '--_mak-surface'],
      ['--_mak-text-secondary', '--_mak-surface'],
      ['--_mak-on-accent', '--_mak-accent'],
      ['--_mak-success', '--_mak-success-soft'],
    ] as const) {
      expect([text, ground, contrast(set[text] as string, set[ground] as string) >= 4.5]).toEqual([text, ground, true]);
    }
  }
});
