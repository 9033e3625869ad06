/** Walking an acorn syntax tree, for the harness's bindings and the static checks of shipped code. */
import type { Node } from 'acorn';

export interface AnyNode extends Node {
  [key: string]: unknown;
}

/** Calls `visit` on every node, with its parent and the key it hangs from. */
export function walkAst(node: AnyNode, visit: (node: AnyNode, parent: AnyNode | null, key: string | null) => void, parent: AnyNode | null = null, key: string | null = null): void {
  visit(node, parent, key);
  for (const [k, value] of Object.entries(node)) {
    if (Array.isArray(value)) for (const child of value) if (child && typeof child.type === 'string') walkAst(child, visit, node, k);
    if (value && typeof (value as AnyNode).type === 'string') walkAst(value as AnyNode, visit, node, k);
  }
}

/** An identifier that names a variable: not a property after `.`, nor a key written as a name. */
export function isVariableName(node: AnyNode, parent: AnyNode | null, key: string | null): boolean {
  if (node.type !== 'Identifier') return false;
  const isProperty = parent?.type === 'MemberExpression' && key === 'property' && !parent.computed;
  const isKey = (parent?.type === 'Property' || parent?.type === 'MethodDefinition') && key === 'key' && !parent.computed;
  return !isProperty && !isKey;
}
