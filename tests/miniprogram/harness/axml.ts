/**
 * AXML templates as trees: parsed with htmlparser2 in XML mode (attribute names keep their case:
 * `onTap`, `a:if`), comments dropped, whitespace-only text dropped, every element numbered so a
 * rendered node can name the template node it came from.
 */
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface TemplateElement {
  type: 'element';
  id: number;
  tag: string;
  attrs: Record<string, string>;
  children: TemplateNode[];
}

export interface TemplateText {
  type: 'text';
  text: string;
}

export type TemplateNode = TemplateElement | TemplateText;

interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

type ParseDocument = (text: string, options: Record<string, unknown>) => { children: DomNode[] };

let parseDocument: ParseDocument | null = null;

/** htmlparser2 ships ES modules only; jest runs CommonJS: bundle it once into a CommonJS file. */
function parser(): ParseDocument {
  if (parseDocument) return parseDocument;
  const root = resolve(__dirname, '../../..');
  const out = buildSync({
    stdin: { contents: "export { parseDocument } from 'htmlparser2';", resolveDir: root },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'mak-htmlparser2-'));
  const file = join(dir, 'htmlparser2.cjs');
  try {
    writeFileSync(file, (out.outputFiles[0] as { text: string }).text);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parseDocument = (require(file) as { parseDocument: ParseDocument }).parseDocument;
  } finally {
    // Loaded: the module stays in require's cache, the file is not needed any more.
    rmSync(dir, { recursive: true, force: true });
  }
  return parseDocument;
}

let nextId = 1;

function convert(nodes: DomNode[]): TemplateNode[] {
  const out: TemplateNode[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      if ((node.data ?? '').trim()) out.push({ type: 'text', text: node.data as string });
    } else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
      out.push({ type: 'element', id: nextId++, tag: node.name as string, attrs: { ...(node.attribs ?? {}) }, children: convert(node.children ?? []) });
    }
  }
  return out;
}

export function parseAxml(text: string): TemplateNode[] {
  const doc = parser()(text, { xmlMode: true, recognizeSelfClosing: true, decodeEntities: true });
  return convert(doc.children);
}

const cache = new Map<string, TemplateNode[]>();

export function readAxml(file: string): TemplateNode[] {
  let tree = cache.get(file);
  if (!tree) cache.set(file, (tree = parseAxml(readFileSync(file, 'utf8'))));
  return tree;
}

/** Every element of a template, depth first. */
export function elementsOf(nodes: TemplateNode[]): TemplateElement[] {
  const out: TemplateElement[] = [];
  const walk = (list: TemplateNode[]) => {
    for (const n of list) {
      if (n.type !== 'element') continue;
      out.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}
