/**
 * A small DSL runtime for the shipped files: `App()`, `Page()` and `Component()` shims with the
 * component2 lifecycle (onInit → deriveDataFromProps → didMount; setData and new props →
 * deriveDataFromProps → didUpdate; didUnmount) or, without component2, the one before it
 * (didMount, didUpdate, didUnmount), `setData` with path keys, props with their defaults and the
 * parent's handlers as `onXxx` props, pages with `mixins` and an `events` object, a page stack for
 * `getCurrentPages()`, and a render of every live page's AXML in which custom components mount
 * where they appear. A component's `$page` is the page, or a wrapper of it (see engine.ts).
 */
import { readFileSync } from 'node:fs';
import type { TemplateNode } from './axml';
import { readAxml } from './axml';
import { applyPatch, initialData, shallowEqual } from './data';
import type { Engine } from './engine';
import { renderNodes, type VComponent, type VNode, type VParent } from './render';

type Options = Record<string, any>;
type Api = Record<string, any>;

export interface Instance {
  uid: number;
  kind: 'page' | 'component';
  /** The definition's file, without extension. */
  path: string;
  options: Options;
  template: TemplateNode[];
  /** Tags of `usingComponents` → definition paths. */
  using: Record<string, string>;
  /** What the code sees as `this`. */
  api: Api;
  tree: VNode[];
  key: string;
  mounted: boolean;
  unmounted: boolean;
  updating: boolean;
  page: Instance | null;
  handlers: Map<string, (...args: unknown[]) => unknown>;
}

export type ComponentResolver = (fromPath: string, spec: string) => string;

const LIFECYCLE = new Set(['onInit', 'deriveDataFromProps', 'didMount', 'didUpdate', 'didUnmount', 'props', 'data', 'methods', 'mixins', 'events']);

export class MiniRuntime {
  readonly components = new Map<string, Options>();
  readonly pageDefinitions = new Map<string, { path: string; options: Options }>();
  appOptions: Options | null = null;
  app: Api | null = null;
  /** `getCurrentPages()`: the stack of the tab or navigation shown now. */
  readonly stack: Instance[] = [];
  /** Pages loaded and not unloaded (tab pages stay alive after a switch). */
  readonly alive: Instance[] = [];
  /** Every `setData` payload, serialised: what crossed to the render layer. */
  readonly setDataLog: string[] = [];
  readonly live = new Map<string, Instance>();
  dirty = false;
  private uid = 1;
  private depth = 0;

  constructor(
    readonly resolve: ComponentResolver,
    readonly engine: Engine,
  ) {}

  call(inst: Instance, name: string, ...args: unknown[]): unknown {
    const fn = inst.options[name];
    return typeof fn === 'function' ? fn.apply(inst.api, args) : undefined;
  }

  private readonly usingByPath = new Map<string, Record<string, string>>();

  /** The components a definition's `.json` lists, tag → resolved path (read once per path). */
  usingOf(path: string): Record<string, string> {
    const known = this.usingByPath.get(path);
    if (known) return known;
    let json: { usingComponents?: Record<string, string> } = {};
    try {
      json = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
    } catch {
      json = {};
    }
    const out: Record<string, string> = {};
    for (const [tag, spec] of Object.entries(json.usingComponents ?? {})) out[tag] = this.resolve(path, spec);
    this.usingByPath.set(path, out);
    return out;
  }

  private newInstance(kind: Instance['kind'], path: string, options: Options, key: string, page: Instance | null, own?: Pick<Instance, 'template' | 'using'>): Instance {
    return {
      uid: this.uid++,
      kind,
      path,
      options,
      template: own ? own.template : readAxml(`${path}.axml`),
      using: own ? own.using : this.usingOf(path),
      api: {},
      tree: [],
      key,
      mounted: false,
      unmounted: false,
      updating: false,
      page,
      handlers: new Map(),
    };
  }

  setData(inst: Instance, patch: Record<string, unknown>, callback?: () => void): void {
    if (typeof patch !== 'object' || patch === null) throw new TypeError('setData needs an object');
    const prevData = inst.api.data;
    inst.api.data = applyPatch(prevData, patch);
    this.setDataLog.push(JSON.stringify(patch));
    this.dirty = true;
    if (inst.kind === 'component' && inst.mounted && !inst.updating && !inst.unmounted) this.update(inst, inst.api.props, prevData);
    if (callback) callback.call(inst.api);
  }

  /** component2's deriveDataFromProps: its setData merges into the update under way. */
  private derive(inst: Instance, nextProps: Options): void {
    if (!this.engine.component2) return;
    inst.updating = true;
    try {
      this.call(inst, 'deriveDataFromProps', nextProps);
    } finally {
      inst.updating = false;
    }
  }

  /** An update: deriveDataFromProps (component2), then didUpdate. */
  update(inst: Instance, nextProps: Options, prevData: Options): void {
    if (++this.depth > 50) throw new Error(`update loop in ${inst.path}`);
    try {
      this.derive(inst, nextProps);
      const prevProps = inst.api.props;
      inst.api.props = nextProps;
      this.dirty = true;
      this.call(inst, 'didUpdate', prevProps, prevData);
    } finally {
      this.depth--;
    }
  }

  private componentApi(inst: Instance, props: Options): Api {
    const { options } = inst;
    if (options.mixins) throw new Error('mixins are not supported by the harness');
    const api: Api = {
      is: inst.path,
      $id: inst.uid,
      $page: inst.page ? this.pageAsSeen(inst.page) : undefined,
      props: { ...(options.props ?? {}), ...props },
      data: initialData(options.data),
      setData: (patch: Record<string, unknown>, cb?: () => void) => this.setData(inst, patch, cb),
    };
    for (const [name, fn] of Object.entries(options.methods ?? {})) api[name] = fn;
    return api;
  }

  mount(desc: VComponent, page: Instance): Instance {
    const path = (desc.owner as Instance).using[desc.tag] as string;
    const options = this.components.get(path);
    if (!options) throw new Error(`No Component() registered for ${path}`);
    const inst = this.newInstance('component', path, options, desc.key, page);
    inst.api = this.componentApi(inst, desc.props);
    this.live.set(desc.key, inst);
    if (this.engine.component2) this.call(inst, 'onInit');
    this.derive(inst, inst.api.props);
    return inst;
  }

  /** The owner's method behind an `onXxx="name"` prop, the same function on every render. */
  handlerOf(inst: Instance, name: string): (...args: unknown[]) => unknown {
    let handler = inst.handlers.get(name);
    if (!handler) {
      handler = (...args: unknown[]) => {
        const fn = inst.api[name];
        if (typeof fn !== 'function') throw new Error(`${inst.path}: no method "${name}"`);
        return fn.apply(inst.api, args);
      };
      inst.handlers.set(name, handler);
    }
    return handler;
  }

  renderInstance(inst: Instance, slots: VNode[] | null): VNode[] {
    const scope = inst.kind === 'component' ? { ...inst.api.props, ...inst.api.data } : { ...inst.api.data };
    return renderNodes(inst.template, scope, {
      owner: inst,
      ownerKey: inst.kind === 'page' ? `page${inst.uid}` : inst.key,
      slots: inst.kind === 'component' ? (slots ?? []) : null,
      isComponent: (tag) => Object.prototype.hasOwnProperty.call(inst.using, tag),
      handler: (name) => this.handlerOf(inst, name),
    });
  }

  /** Sets parent links, mounts or updates the components that appear, renders them in turn. */
  expand(nodes: VNode[], parent: VParent | null, page: Instance, seen: Set<string>): void {
    for (const node of nodes) {
      node.parent = parent;
      if (node.type === 'element') this.expand(node.children, node, page, seen);
      if (node.type !== 'component') continue;
      seen.add(node.key);
      let inst = this.live.get(node.key);
      if (!inst) inst = this.mount(node, page);
      else {
        const next = { ...(inst.options.props ?? {}), ...node.props };
        if (!shallowEqual(inst.api.props, next)) this.update(inst, next, inst.api.data);
      }
      node.instance = inst;
      node.children = this.renderInstance(inst, node.slotNodes);
      this.expand(node.children, node, page, seen);
      if (!inst.mounted) {
        inst.mounted = true;
        this.call(inst, 'didMount');
      }
    }
  }

  /** Renders every live page; components no longer rendered anywhere are unmounted. */
  renderAll(): void {
    this.dirty = false;
    const seen = new Set<string>();
    for (const page of this.alive) {
      page.tree = this.renderInstance(page, null);
      this.expand(page.tree, null, page, seen);
    }
    for (const [key, inst] of [...this.live]) {
      if (seen.has(key)) continue;
      this.live.delete(key);
      inst.unmounted = true;
      this.call(inst, 'didUnmount');
    }
  }

  // ------------------------------------------------------------------------------------------
  // Pages

  /**
   * A page: its options' fields and methods on `this`, after those of its `mixins` (the page's own
   * win). `$viewId` tells pages apart, as on Alipay.
   */
  createPage(route: string, options: Options, path: string, own?: Pick<Instance, 'template' | 'using'>): Instance {
    const inst = this.newInstance('page', path, options, route, null, own);
    const api: Api = { route, $viewId: String(inst.uid), data: initialData(options.data) };
    for (const source of [...mixinsOf(options), options]) {
      for (const [key, value] of Object.entries(source)) if (key !== 'data' && !LIFECYCLE.has(key)) api[key] = value;
    }
    api.setData = (patch: Record<string, unknown>, cb?: () => void) => this.setData(inst, patch, cb);
    inst.api = api;
    inst.page = inst;
    return inst;
  }

  /** A page lifecycle (`onLoad`, `onShow`…): each mixin's, then the page's own, on the page's `this`. */
  callPage(page: Instance, name: string, ...args: unknown[]): void {
    this.eachSource(page, (source) => source[name], args);
  }

  /** An entry of the page's `events` object (`onBack`, `onTabItemTap`, `beforeTabItemTap`…): each mixin's, then the page's. */
  pageEvent(page: Instance, name: string, ...args: unknown[]): void {
    this.eachSource(page, (source) => (source.events as Options | undefined)?.[name], args);
  }

  private eachSource(page: Instance, pick: (source: Options) => unknown, args: unknown[]): void {
    for (const source of [...mixinsOf(page.options), page.options]) {
      const fn = pick(source);
      if (typeof fn === 'function') fn.apply(page.api, args);
    }
  }

  /** What a component on `page` gets as `this.$page`: the page, or (as MorJS does) a wrapper of its own. */
  private pageAsSeen(page: Instance): Api {
    return this.engine.pageWrapper ? new Proxy(page.api, {}) : page.api;
  }

  globals(): Record<string, unknown> {
    return {
      getCurrentPages: () => this.stack.map((p) => p.api),
      getApp: () => this.app,
    };
  }
}

/** A page's `mixins` (objects whose lifecycles and methods join the page's). */
function mixinsOf(options: Options): Options[] {
  return Array.isArray(options.mixins) ? options.mixins : [];
}
