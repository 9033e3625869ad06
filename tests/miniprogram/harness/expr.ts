/**
 * The `{{ }}` binding expressions of AXML, parsed with acorn: their free identifiers (for the
 * static checks) and their value against a scope (for rendering). AXML bindings are expressions
 * without calls; member access on nothing yields nothing, as the template engine renders it.
 */
import { parseExpressionAt } from 'acorn';
import { isVariableName, walkAst, type AnyNode } from './ast';

type Scope = Record<string, unknown>;
const MUSTACHE = /\{\{([\s\S]*?)\}\}/g;
const parsed = new Map<string, AnyNode>();

function parseBinding(source: string): AnyNode {
  let node = parsed.get(source);
  if (!node) {
    node = parseExpressionAt(source, 0, { ecmaVersion: 2020 }) as AnyNode;
    if (source.slice(node.end).trim()) throw new SyntaxError(`Not one expression: {{${source}}}`);
    parsed.set(source, node);
  }
  return node;
}

/** The expressions inside `{{ }}` of an attribute value or a text. */
export function bindingsOf(text: string): string[] {
  return [...text.matchAll(MUSTACHE)].map((m) => m[1] as string);
}

/** Names an expression reads from its scope. */
export function freeIdentifiers(source: string): string[] {
  const names: string[] = [];
  walkAst(parseBinding(source), (node, parent, key) => {
    if (isVariableName(node, parent, key)) names.push(node.name as string);
  });
  return names;
}

function member(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return undefined;
  return (object as Record<string, unknown>)[key as string];
}

const BINARY: Record<string, (a: any, b: any) => unknown> = {
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  // eslint-disable-next-line eqeqeq
  '==': (a, b) => a == b,
  // eslint-disable-next-line eqeqeq
  '!=': (a, b) => a != b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

function evaluate(node: AnyNode, scope: Scope): unknown {
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier':
      return Object.prototype.hasOwnProperty.call(scope, node.name as string) ? scope[node.name as string] : undefined;
    case 'MemberExpression': {
      const object = evaluate(node.object as AnyNode, scope);
      const key = node.computed ? evaluate(node.property as AnyNode, scope) : (node.property as AnyNode).name;
      return member(object, key);
    }
    case 'ConditionalExpression':
      return evaluate(node.test as AnyNode, scope) ? evaluate(node.consequent as AnyNode, scope) : evaluate(node.alternate as AnyNode, scope);
    case 'LogicalExpression': {
      const left = evaluate(node.left as AnyNode, scope);
      if (node.operator === '&&') return left ? evaluate(node.right as AnyNode, scope) : left;
      if (node.operator === '||') return left ? left : evaluate(node.right as AnyNode, scope);
      return left ?? evaluate(node.right as AnyNode, scope);
    }
    case 'BinaryExpression': {
      const op = BINARY[node.operator as string];
      if (!op) throw new SyntaxError(`Operator ${String(node.operator)} is not supported in a binding.`);
      return op(evaluate(node.left as AnyNode, scope), evaluate(node.right as AnyNode, scope));
    }
    case 'UnaryExpression': {
      const value = evaluate(node.argument as AnyNode, scope);
      if (node.operator === '!') return !value;
      if (node.operator === '-') return -(value as number);
      if (node.operator === '+') return +(value as number);
      if (node.operator === 'typeof') return typeof value;
      throw new SyntaxError(`Operator ${String(node.operator)} is not supported in a binding.`);
    }
    case 'ArrayExpression':
      return (node.elements as AnyNode[]).map((e) => evaluate(e, scope));
    default:
      throw new SyntaxError(`${node.type} is not supported in an AXML binding.`);
  }
}

function evaluateBinding(source: string, scope: Scope): unknown {
  return evaluate(parseBinding(source), scope);
}

/** An attribute value: one whole binding keeps its type; anything else is a string. */
export function interpolate(text: string, scope: Scope): unknown {
  const all = [...text.matchAll(MUSTACHE)];
  if (all.length === 1 && (all[0] as RegExpMatchArray)[0] === text.trim()) return evaluateBinding((all[0] as RegExpMatchArray)[1] as string, scope);
  return text.replace(MUSTACHE, (_, source: string) => {
    const value = evaluateBinding(source, scope);
    return value === undefined || value === null ? '' : String(value);
  });
}
