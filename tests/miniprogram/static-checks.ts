/**
 * Static checks of shipped mini program files. JavaScript: parses as ES2015 (`sourceType:
 * 'module'`), names none of the globals a DSL engine forbids, nor `eval`/`Function`, and holds no
 * generator (an IDE's babel transform would need a regenerator runtime). AXML: Alipay's own parser
 * (@alipay/axml-transverter) accepts it; handlers are methods, bindings read props, data or loop
 * variables, tags are built in or listed in `usingComponents`, `a:elif`/`a:else` follow an
 * `a:if`, ARIA attributes are the ones Alipay documents. ACSS: no attribute selectors.
 */
import { TransformCompiler } from '@alipay/axml-transverter';
import { parse } from 'acorn';
import { syntax } from 'csso';
import { isVariableName, walkAst, type AnyNode } from './harness/ast';
import { elementsOf, type TemplateElement, type TemplateNode } from './harness/axml';
import { bindingsOf, freeIdentifiers } from './harness/expr';

const FORBIDDEN_GLOBALS = ['globalThis', 'global', 'window', 'self', 'document'];
const FORBIDDEN = new Set([...FORBIDDEN_GLOBALS, 'eval', 'Function']);

export interface JsReport {
  /** Forbidden names, as `name@offset`. */
  forbidden: string[];
  /** Generator functions and `yield`s, as `function*@offset` / `yield@offset`. */
  generators: string[];
  /** Module specifiers of `import` and `export … from`. */
  imports: string[];
}

/** @throws SyntaxError when the code is not ES2015 */
export function checkJs(code: string): JsReport {
  const ast = parse(code, { ecmaVersion: 2015, sourceType: 'module' }) as unknown as AnyNode;
  const forbidden: string[] = [];
  const generators: string[] = [];
  const imports: string[] = [];
  walkAst(ast, (node, parent, key) => {
    if (isVariableName(node, parent, key) && FORBIDDEN.has(node.name as string)) forbidden.push(`${node.name as string}@${node.start}`);
    if (node.generator === true) generators.push(`function*@${node.start}`);
    if (node.type === 'YieldExpression') generators.push(`yield@${node.start}`);
    if ((node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source) {
      imports.push((node.source as AnyNode).value as string);
    }
  });
  return { forbidden, generators, imports };
}

/** Alipay's own AXML parser, as antd-mini's build runs it. @throws SyntaxError what it refuses (a broken `{{ }}`) */
export function compileAxml(text: string): string {
  try {
    return new TransformCompiler({ platform: 'ALIPAY', customMapping: {} }, []).compile(text);
  } catch (error) {
    throw new SyntaxError(`@alipay/axml-transverter: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The attribute selectors (`[disabled]`) of a style sheet: ACSS does not support them. */
export function attributeSelectors(acss: string): string[] {
  const found: string[] = [];
  syntax.walk(syntax.parse(acss), (node) => {
    if (node.type === 'AttributeSelector') found.push(syntax.generate(node));
  });
  return found;
}

/**
 * The ARIA attributes Alipay documents (base library 1.18.0+, WebView rendering) and the base
 * components that take them. `aria-live`, `aria-busy`, `aria-modal` are not among them.
 */
const ARIA_ATTRIBUTES = new Set(['role', 'aria-label', 'aria-labelledby', 'aria-hidden', 'aria-level', 'aria-checked', 'aria-expanded']);
const ARIA_COMPONENTS = new Set(['view', 'text', 'icon', 'button', 'label', 'checkbox', 'switch', 'image', 'radio']);

/** Every ARIA attribute of a template that Alipay does not document, or that sits on a component that takes none. */
export function ariaProblems(tree: TemplateNode[]): string[] {
  const problems: string[] = [];
  for (const el of elementsOf(tree)) {
    for (const name of Object.keys(el.attrs).filter((a) => a === 'role' || a.startsWith('aria-'))) {
      if (!ARIA_ATTRIBUTES.has(name)) problems.push(`<${el.tag}> ${name} is not an attribute Alipay documents`);
      else if (!ARIA_COMPONENTS.has(el.tag)) problems.push(`<${el.tag}> takes no ARIA attributes (${name})`);
    }
  }
  return problems;
}

const BUILT_IN_TAGS = new Set(
  (
    'view text button image icon scroll-view swiper swiper-item block slot navigator form input textarea label ' +
    'checkbox checkbox-group radio radio-group switch slider picker picker-view picker-view-column progress ' +
    'rich-text movable-area movable-view canvas map video web-view cover-view cover-image page-meta navigation-bar'
  ).split(' '),
);

export interface AxmlContext {
  /** Names a `{{ }}` may read: props and data fields (pages: data). */
  names: string[];
  methods: string[];
  /** `usingComponents` tags. */
  components: string[];
}

const HANDLER = /^(on|catch)[A-Z]/;
const LITERAL_ATTRS = new Set(['a:key', 'key', 'a:for-item', 'a:for-index']);

function checkElement(el: TemplateElement, ctx: AxmlContext, scope: Set<string>, problems: string[]): Set<string> {
  const where = `<${el.tag}>`;
  if (!BUILT_IN_TAGS.has(el.tag) && !ctx.components.includes(el.tag)) problems.push(`${where} is neither built in nor in usingComponents`);
  // `a:for` reads the outer scope; everything else on the element sees the loop variables.
  const inner = new Set(scope);
  if (el.attrs['a:for'] !== undefined) {
    inner.add(el.attrs['a:for-item'] || 'item');
    inner.add(el.attrs['a:for-index'] || 'index');
  }
  for (const [name, value] of Object.entries(el.attrs)) {
    if (HANDLER.test(name) && !ctx.methods.includes(value)) problems.push(`${where} ${name}="${value}" names no method`);
    if (LITERAL_ATTRS.has(name)) continue;
    for (const source of bindingsOf(value)) {
      const visible = name === 'a:for' ? scope : inner;
      for (const id of freeIdentifiers(source)) if (!visible.has(id)) problems.push(`${where} ${name}: {{${source}}} reads "${id}", not a prop, data field or loop variable`);
    }
  }
  return inner;
}

function checkChain(nodes: TemplateNode[], problems: string[]): void {
  let previous: TemplateElement | null = null;
  for (const node of nodes) {
    if (node.type !== 'element') continue;
    const conditional = node.attrs['a:elif'] !== undefined || node.attrs['a:else'] !== undefined;
    const chained = previous !== null && (previous.attrs['a:if'] !== undefined || previous.attrs['a:elif'] !== undefined);
    if (conditional && !chained) problems.push(`<${node.tag}> has a:elif/a:else without an a:if before it`);
    previous = node;
  }
}

/** Every problem of a template (empty when it is sound). */
export function checkAxml(tree: TemplateNode[], ctx: AxmlContext): string[] {
  const problems: string[] = [];
  const walk = (nodes: TemplateNode[], scope: Set<string>) => {
    checkChain(nodes, problems);
    for (const node of nodes) {
      if (node.type === 'text') {
        for (const source of bindingsOf(node.text)) for (const id of freeIdentifiers(source)) if (!scope.has(id)) problems.push(`text {{${source}}} reads "${id}", not a prop, data field or loop variable`);
        continue;
      }
      walk(node.children, checkElement(node, ctx, scope, problems));
    }
  };
  walk(tree, new Set(ctx.names));
  return problems;
}

/** Elements of a template with a tap handler (`onTap` or `catchTap`). */
export function tapHandlers(tree: TemplateNode[]): Array<{ element: TemplateElement; method: string }> {
  return elementsOf(tree)
    .filter((el) => el.attrs.onTap !== undefined || el.attrs.catchTap !== undefined)
    .map((element) => ({ element, method: (element.attrs.catchTap ?? element.attrs.onTap) as string }));
}

/** A keyframe's `from`/`to` as a minifier writes them. */
const KEYFRAME_STOPS: Record<string, string> = { from: '0%', to: '100%' };

/** Every rule of a stylesheet: its selector (or at-rule prelude) and its declarations' properties in order. */
export function ruleOutline(acss: string): string[] {
  const out: string[] = [];
  syntax.walk(syntax.parse(acss), (node) => {
    if (node.type === 'Atrule') out.push(`@${node.name} ${node.prelude ? syntax.generate(node.prelude) : ''}`);
    if (node.type !== 'Rule' || !node.block || !node.prelude) return;
    const properties: string[] = [];
    syntax.walk(node.block, (child) => {
      if (child.type === 'Declaration') properties.push(String(child.property));
    });
    const selector = syntax.generate(node.prelude);
    out.push(`${KEYFRAME_STOPS[selector] ?? selector} { ${properties.join('; ')} }`);
  });
  return out;
}

/** The kit's own custom properties a stylesheet declares (`--_…`), in order. */
export function privateVars(acss: string): string[] {
  const out: string[] = [];
  syntax.walk(syntax.parse(acss), (node) => {
    if (node.type === 'Declaration' && String(node.property).startsWith('--_')) out.push(String(node.property));
  });
  return out;
}

/**
 * The source name of each shipped name of the kit's own custom properties, paired by their
 * declarations in the shared styles (the same rules in the same order, see ruleOutline).
 */
export function sourceVarNames(sourceBase: string, shippedBase: string): Map<string, string> {
  const source = privateVars(sourceBase);
  const shipped = privateVars(shippedBase);
  if (source.length !== shipped.length) throw new Error(`${shipped.length} private variables shipped, ${source.length} in the source`);
  const names = new Map<string, string>();
  shipped.forEach((name, i) => {
    const known = names.get(name);
    if (known !== undefined && known !== source[i]) throw new Error(`${name} ships for both ${known} and ${source[i]}`);
    names.set(name, source[i] as string);
  });
  if (new Set(names.values()).size !== names.size) throw new Error('two shipped names for one source name');
  return names;
}

/** A stylesheet with the kit's own custom properties renamed through `names` (others as they are). */
export const renameVars = (acss: string, names: Map<string, string>): string => acss.replace(/--_[\w-]+/g, (name) => names.get(name) ?? name);
