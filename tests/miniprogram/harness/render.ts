/**
 * Renders an AXML template against a scope, the way the template engine does: `a:if`/`a:elif`/
 * `a:else` chains, `a:for` (with `a:for-item`, `a:for-index`), `<block>`, `<slot>` (named and
 * default, with default content), `{{ }}` bindings. A custom component comes out as a descriptor
 * (tag, props, slot content); the runtime mounts it only where it ends up in the tree.
 */
import type { TemplateElement, TemplateNode } from './axml';
import { interpolate } from './expr';

type Scope = Record<string, unknown>;

export interface VText {
  type: 'text';
  text: string;
  parent: VParent | null;
}

export interface VElement {
  type: 'element';
  tag: string;
  attrs: Record<string, unknown>;
  children: VNode[];
  /** The instance whose template wrote this element: its methods handle the element's events. */
  owner: unknown;
  parent: VParent | null;
}

export interface VComponent {
  type: 'component';
  tag: string;
  /** Where it is in its owner's template (template node and loop indices): its identity. */
  key: string;
  props: Record<string, unknown>;
  slot: string;
  /** The owner's content for its slots, rendered in the owner's scope. */
  slotNodes: VNode[];
  owner: unknown;
  /** Its own template, rendered (filled in by the runtime). */
  children: VNode[];
  instance: unknown;
  parent: VParent | null;
}

export type VParent = VElement | VComponent;
export type VNode = VText | VElement | VComponent;

export interface RenderContext {
  owner: unknown;
  ownerKey: string;
  /** The slot content given to the component being rendered; null when rendering a page. */
  slots: VNode[] | null;
  isComponent(tag: string): boolean;
  /** A parent's handler as a prop: `onAuthorized="onNameAllowed"` → the owner's method. */
  handler(name: string): unknown;
}

const DIRECTIVES = new Set(['a:if', 'a:elif', 'a:else', 'a:for', 'a:for-item', 'a:for-index', 'a:key', 'key']);
const HANDLER = /^(on|catch)[A-Z]/;

function attributes(node: TemplateElement, scope: Scope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node.attrs)) if (!DIRECTIVES.has(name)) out[name] = interpolate(value, scope);
  return out;
}

function slotOf(node: VNode): string {
  if (node.type === 'text') return '';
  if (node.type === 'component') return node.slot;
  return typeof node.attrs.slot === 'string' ? node.attrs.slot : '';
}

function renderSlot(node: TemplateElement, scope: Scope, ctx: RenderContext, loop: string): VNode[] {
  const name = typeof node.attrs.name === 'string' ? node.attrs.name : '';
  const given = (ctx.slots ?? []).filter((n) => slotOf(n) === name);
  return given.length > 0 ? given : renderNodes(node.children, scope, ctx, loop);
}

function renderElement(node: TemplateElement, scope: Scope, ctx: RenderContext, loop: string): VNode[] {
  if (node.tag === 'block') return renderNodes(node.children, scope, ctx, loop);
  if (node.tag === 'slot' && ctx.slots !== null) return renderSlot(node, scope, ctx, loop);
  if (['template', 'import', 'include', 'import-sjs'].includes(node.tag)) throw new Error(`<${node.tag}> is not supported by the harness.`);
  const attrs = attributes(node, scope);
  const children = renderNodes(node.children, scope, ctx, loop);
  if (!ctx.isComponent(node.tag)) return [{ type: 'element', tag: node.tag, attrs, children, owner: ctx.owner, parent: null }];
  const props: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'slot') continue;
    props[name] = HANDLER.test(name) && typeof value === 'string' ? ctx.handler(value) : value;
  }
  const slot = typeof attrs.slot === 'string' ? attrs.slot : '';
  const key = `${ctx.ownerKey}/${node.id}${loop}`;
  return [{ type: 'component', tag: node.tag, key, props, slot, slotNodes: children, owner: ctx.owner, children: [], instance: null, parent: null }];
}

function renderRepeated(node: TemplateElement, scope: Scope, ctx: RenderContext, loop: string): VNode[] {
  const list = interpolate(node.attrs['a:for'] as string, scope);
  const itemName = node.attrs['a:for-item'] || 'item';
  const indexName = node.attrs['a:for-index'] || 'index';
  const single: TemplateElement = { ...node, attrs: { ...node.attrs } };
  delete single.attrs['a:for'];
  const out: VNode[] = [];
  const items = Array.isArray(list) ? list : [];
  items.forEach((item, index) => {
    const inner = { ...scope, [itemName]: item, [indexName]: index };
    if (single.attrs['a:if'] !== undefined && !interpolate(single.attrs['a:if'], inner)) return;
    out.push(...renderElement(single, inner, ctx, `${loop}[${index}]`));
  });
  return out;
}

export function renderNodes(nodes: TemplateNode[], scope: Scope, ctx: RenderContext, loop = ''): VNode[] {
  const out: VNode[] = [];
  let chainTaken = true;
  for (const node of nodes) {
    if (node.type === 'text') {
      const value = interpolate(node.text, scope);
      out.push({ type: 'text', text: value === undefined || value === null ? '' : String(value), parent: null });
      continue;
    }
    const { attrs } = node;
    if (attrs['a:for'] !== undefined) {
      chainTaken = true;
      out.push(...renderRepeated(node, scope, ctx, loop));
      continue;
    }
    let show = true;
    if (attrs['a:if'] !== undefined) {
      show = !!interpolate(attrs['a:if'], scope);
      chainTaken = show;
    } else if (attrs['a:elif'] !== undefined) {
      show = !chainTaken && !!interpolate(attrs['a:elif'], scope);
      chainTaken = chainTaken || show;
    } else if (attrs['a:else'] !== undefined) {
      show = !chainTaken;
      chainTaken = true;
    } else {
      chainTaken = true;
    }
    if (show) out.push(...renderElement(node, scope, ctx, loop));
  }
  return out;
}
