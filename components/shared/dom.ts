/**
 * DOM helpers. Nodes are built with `createElement` and text with `textContent`: no HTML string is
 * ever parsed, so attribute values can never become markup and a strict CSP needs no exception.
 */

/**
 * The base class of the elements. Importing the kit in Node, a DSL mini program or the IIFE in a
 * bare context must not fail where `HTMLElement` does not exist.
 */
export const SafeHTMLElement: typeof HTMLElement =
  typeof HTMLElement === 'function' ? HTMLElement : (class {} as unknown as typeof HTMLElement);

/** `node` with fixed attributes (internal names only) and children (strings become text). */
function fill<T extends Element>(node: T, attrs: Record<string, string>, children: Array<Node | string>): T {
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * An element with fixed attributes (internal names only) and children (strings become text). A
 * part without a class of its own is its class too (the styles select by class).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string> = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  return fill(doc.createElement(tag), attrs.part && !attrs.class ? { class: attrs.part, ...attrs } : attrs, children);
}

/** Writes text only when it changed (keeps live regions from re-announcing). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Sets, changes or removes an attribute only when needed (no needless mutation records). */
export function setAttr(node: Element, name: string, value: string | null): void {
  if (value === null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
}

export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}

/** The parent across shadow boundaries (a shadow root's host). */
function composedParent(node: Node): Node | null {
  const parent = node.parentNode;
  return parent?.nodeType === 11 ? (parent as ShadowRoot).host ?? parent : parent;
}

/** The `lang` of the nearest ancestor that has one, looking through shadow roots to their hosts. */
export function closestLang(node: Node): string | null {
  for (let n: Node | null = node; n; n = composedParent(n)) {
    if (n.nodeType === 1 && (n as Element).hasAttribute('lang')) return (n as Element).getAttribute('lang');
  }
  return null;
}

/** The focused element, looking into open shadow roots. */
export function deepActiveElement(doc: Document): HTMLElement | null {
  let active: Element | null = doc.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  const View = doc.defaultView;
  return View && active instanceof View.HTMLElement ? active : null;
}

/** The SVG namespace, for the elements' own icons (fixed shapes, no outside text). */
export const SVG_NS = 'http://www.w3.org/2000/svg';

/** An icon of `paths` (24 × 24), hidden from assistive technology; `attrs`: its class, part. */
export function svgIcon(doc: Document, attrs: Record<string, string>, paths: string[]): SVGSVGElement {
  const svg = (tag: string, a: Record<string, string>, children: Node[] = []) => fill(doc.createElementNS(SVG_NS, tag), a, children);
  return svg('svg', { ...attrs, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' }, paths.map((d) => svg('path', { d }))) as SVGSVGElement;
}
