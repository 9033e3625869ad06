/** What the user sees of a rendered tree: nodes, texts, classes; and taps through AXML handlers. */
import type { VComponent, VElement, VNode, VParent } from './render';

export type Root = VNode | VNode[];

function list(root: Root): VNode[] {
  return Array.isArray(root) ? root : [root];
}

export function all(root: Root): VNode[] {
  const out: VNode[] = [];
  const walk = (nodes: VNode[]) => {
    for (const n of nodes) {
      out.push(n);
      if (n.type !== 'text') walk(n.children);
    }
  };
  walk(list(root));
  return out;
}

export function elements(root: Root, tag?: string): VElement[] {
  return all(root).filter((n): n is VElement => n.type === 'element' && (tag === undefined || n.tag === tag));
}

export function components(root: Root, tag?: string): VComponent[] {
  return all(root).filter((n): n is VComponent => n.type === 'component' && (tag === undefined || n.tag === tag));
}

export function classesOf(node: VElement): string[] {
  return String(node.attrs.class ?? '').split(/\s+/).filter(Boolean);
}

export function byClass(root: Root, className: string): VElement[] {
  return elements(root).filter((n) => classesOf(n).includes(className));
}

/** The text a user reads, whitespace collapsed. */
export function textOf(root: Root): string {
  return all(root)
    .filter((n) => n.type === 'text')
    .map((n) => (n as { text: string }).text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The one `<button>` whose text contains `label`. */
export function button(root: Root, label: string | RegExp): VElement {
  const found = elements(root, 'button').filter((b) => (typeof label === 'string' ? textOf(b).includes(label) : label.test(textOf(b))));
  if (found.length !== 1) throw new Error(`Expected one button labelled ${String(label)}, found ${found.length}: ${elements(root, 'button').map((b) => JSON.stringify(textOf(b))).join(', ')}`);
  return found[0] as VElement;
}

function dataset(node: VElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node.attrs)) {
    if (name.startsWith('data-')) out[name.slice(5).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return out;
}

/** A disabled `<button>` (itself or around the target) swallows the tap, as on the device. */
function swallowed(target: VElement): boolean {
  for (let n: VParent | null = target; n; n = n.parent) if (n.type === 'element' && n.tag === 'button') return !!n.attrs.disabled;
  return false;
}

export type Caller = (owner: unknown, method: string, event: Record<string, unknown>) => unknown;

/**
 * A tap on `target`: the `onTap`/`catchTap` handlers its AXML names, from the target up (`catch`
 * stops there), each called with a tap event. Returns the handler names called.
 */
export function dispatch(target: VElement, type: 'tap' | 'longTap', call: Caller): string[] {
  if (swallowed(target)) return [];
  const suffix = type === 'tap' ? 'Tap' : 'LongTap';
  const called: string[] = [];
  for (let n: VParent | null = target; n; n = n.parent) {
    if (n.type !== 'element') continue;
    const caught = n.attrs[`catch${suffix}`];
    const name = typeof caught === 'string' && caught ? caught : n.attrs[`on${suffix}`];
    if (typeof name !== 'string' || !name) continue;
    const event = { type, timeStamp: Date.now(), target: { id: String(target.attrs.id ?? ''), dataset: dataset(target) }, currentTarget: { id: String(n.attrs.id ?? ''), dataset: dataset(n) }, detail: { x: 0, y: 0 } };
    call(n.owner, name, event);
    called.push(name);
    if (typeof caught === 'string' && caught) break;
  }
  return called;
}
