/**
 * The mini program harness: load shipped files (the kit's components, a demo project), mount a
 * component or open pages, let the engine settle, read what is rendered, tap what the AXML wires.
 */
import { dirname, join, resolve } from 'node:path';
import { parseAxml } from './axml';
import { defaultEngine, type Engine } from './engine';
import { bundle, DIST, ROOT, run, type Entry } from './load';
import { dispatch, type Root } from './queries';
import type { VComponent, VElement, VNode } from './render';
import { MiniRuntime, type Instance } from './runtime';

export * from './queries';
export { DIST, ROOT } from './load';
export { ENGINES, type Engine } from './engine';
export type { Instance } from './runtime';
export type { VComponent, VElement, VNode } from './render';

export const KIT_COMPONENTS = ['consent-button', 'consent-prompt', 'auth-gate'] as const;
export type KitComponent = (typeof KIT_COMPONENTS)[number];

const NPM_PREFIX = 'miniapp-auth-kit/';

/** `usingComponents` paths: the kit's npm path, relative, or from the project root. */
function resolver(projectRoot: string) {
  return (from: string, spec: string): string => {
    if (spec.startsWith(NPM_PREFIX)) return join(ROOT, spec.slice(NPM_PREFIX.length));
    if (spec.startsWith('/')) return join(projectRoot, spec);
    return resolve(dirname(from), spec);
  };
}

export interface ProjectSpec {
  root: string;
  /** Routes from app.json (e.g. `pages/shop/index`). */
  pages: string[];
}

export interface LoadOptions {
  my: unknown;
  project?: ProjectSpec;
  /** More modules of the project to reach from the test (name → file), from the same bundle. */
  modules?: Record<string, string>;
  /** How the engine behaves (default: the jest project's, see engine.ts). */
  engine?: Engine;
}

/** Component files a set of definitions uses, followed through their `usingComponents`. */
function componentClosure(rt: MiniRuntime, starts: string[]): string[] {
  const found = new Set<string>();
  const visit = (path: string) => {
    for (const target of Object.values(rt.usingOf(path))) {
      if (!found.has(target)) {
        found.add(target);
        visit(target);
      }
    }
  };
  starts.forEach(visit);
  return [...found];
}

export class MiniProgram {
  readonly runtime: MiniRuntime;
  readonly kit: Record<string, any>;
  readonly modules: Record<string, any>;
  readonly logs: unknown[][];
  private hosts = 0;

  constructor(options: LoadOptions) {
    const projectRoot = options.project?.root ?? DIST;
    const engine = options.engine ?? defaultEngine();
    const rt = new MiniRuntime(resolver(projectRoot), engine);
    this.runtime = rt;
    const entries: Entry[] = [];
    const pagePaths = (options.project?.pages ?? []).map((route) => join(projectRoot, route));
    const componentPaths = options.project ? componentClosure(rt, pagePaths) : KIT_COMPONENTS.map((n) => join(DIST, n, 'index'));
    for (const path of componentPaths) entries.push({ kind: 'component', file: `${path}.js`, key: path });
    if (options.project) entries.push({ kind: 'app', file: join(projectRoot, 'app.js'), key: 'app' });
    (options.project?.pages ?? []).forEach((route, i) => entries.push({ kind: 'page', file: `${pagePaths[i]}.js`, key: route }));
    const registrar = {
      component: (o: Record<string, unknown>, e: Entry) => void rt.components.set(e.key, o),
      page: (o: Record<string, unknown>, e: Entry) => void rt.pageDefinitions.set(e.key, { path: join(projectRoot, e.key), options: o }),
      app: (o: Record<string, unknown>) => {
        rt.appOptions = o;
      },
    };
    const loaded = run(bundle(entries, options.modules, engine), entries, registrar, { my: options.my, ...rt.globals() });
    this.kit = loaded.kit;
    this.modules = loaded.modules;
    this.logs = loaded.logs;
  }

  /** Lets promises and timers of zero delay run, rendering after each round until nothing changes. */
  async settle(): Promise<void> {
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
      if (!this.runtime.dirty) return;
      this.runtime.renderAll();
    }
    throw new Error('the mini program did not settle');
  }

  /** `App()`'s onLaunch and onShow, as the engine does at launch. */
  launch(query: Record<string, string> = {}): void {
    const options = this.runtime.appOptions;
    if (!options) throw new Error('no App() in this project');
    const app: Record<string, any> = { ...options };
    this.runtime.app = app;
    const launch = { query, path: '', scene: 1000 };
    if (typeof app.onLaunch === 'function') app.onLaunch(launch);
    if (typeof app.onShow === 'function') app.onShow(launch);
  }

  private load(route: string, query: Record<string, string>): Instance {
    const def = this.runtime.pageDefinitions.get(route);
    if (!def) throw new Error(`no Page() for ${route}`);
    return this.open(this.runtime.createPage(route, def.options, def.path), query);
  }

  /** A created page put on top of the stack: `onLoad`, then `onShow`, as the engine does. */
  private open(page: Instance, query: Record<string, string>): Instance {
    this.runtime.alive.push(page);
    this.runtime.stack.push(page);
    this.runtime.callPage(page, 'onLoad', query);
    this.runtime.callPage(page, 'onShow');
    this.runtime.dirty = true;
    return page;
  }

  private hide(page: Instance | undefined): void {
    if (page) this.runtime.callPage(page, 'onHide');
  }

  /** The first page of the app, or `my.navigateTo`: a new page on top of the stack. */
  async navigateTo(route: string, query: Record<string, string> = {}): Promise<Instance> {
    this.hide(this.top);
    const page = this.load(route, query);
    await this.settle();
    return page;
  }

  /**
   * A tap on the tab bar: the tab's page (loaded once, then kept) becomes the whole stack. The
   * app's first page, opened at launch with nothing on the stack, gets no `onTabItemTap`: nobody
   * tapped.
   */
  async switchTab(route: string): Promise<Instance> {
    const rt = this.runtime;
    if (this.top?.key === route) return this.top;
    const tapped = rt.stack.length > 0;
    this.hide(this.top);
    let page = rt.alive.find((p) => p.key === route);
    if (page) {
      rt.stack.splice(0, rt.stack.length, page);
      rt.callPage(page, 'onShow');
      rt.dirty = true;
    } else {
      rt.stack.splice(0);
      page = this.load(route, {});
    }
    if (tapped) {
      const item = { from: 'tap', pagePath: route, text: route, index: 0 };
      rt.callPage(page, 'onTabItemTap', item);
      rt.pageEvent(page, 'onTabItemTap', item);
    }
    await this.settle();
    return page;
  }

  /** The back button: the page's `events.onBack`, then it unloads and the one below shows. */
  async navigateBack(): Promise<void> {
    const rt = this.runtime;
    const page = rt.stack[rt.stack.length - 1];
    if (!page) return;
    rt.pageEvent(page, 'onBack');
    rt.stack.pop();
    rt.callPage(page, 'onUnload');
    rt.alive.splice(rt.alive.indexOf(page), 1);
    const top = this.top;
    if (top) rt.callPage(top, 'onShow');
    rt.dirty = true;
    await this.settle();
  }

  /** Unloads every page: their components unmount (and stop their timers). */
  close(): void {
    const rt = this.runtime;
    for (const page of rt.alive.splice(0)) rt.callPage(page, 'onUnload');
    rt.stack.splice(0);
    rt.renderAll();
  }

  get top(): Instance | undefined {
    return this.runtime.stack[this.runtime.stack.length - 1];
  }

  /** A page of the test's own: AXML text, page options (host realm), tags → kit components; a route of its own unless given. */
  async openTestPage(axml: string, options: Record<string, unknown> = {}, using: Record<string, KitComponent> = {}, route = `test/host${++this.hosts}`): Promise<Instance> {
    const rt = this.runtime;
    const own = {
      template: parseAxml(axml),
      using: Object.fromEntries(Object.entries(using).map(([tag, name]) => [tag, join(DIST, name, 'index')])),
    };
    const page = rt.createPage(route, options, join(DIST, '__host__'), own);
    this.hide(this.top);
    this.open(page, {});
    await this.settle();
    return page;
  }

  /** One kit component on a page of its own, with these props (handlers are plain functions). */
  async mount(name: KitComponent, props: Record<string, unknown> = {}, label?: string): Promise<Mounted> {
    const data: Record<string, unknown> = {};
    const options: Record<string, unknown> = { data };
    let attrs = '';
    for (const [key, value] of Object.entries(props)) {
      if (typeof value === 'function') {
        // A handler prop: the page's method, named in the AXML as a parent would.
        options[`handle_${key}`] = value;
        attrs += ` ${key}="handle_${key}"`;
      } else {
        data[key] = value;
        attrs += ` ${key}="{{${key}}}"`;
      }
    }
    const page = await this.openTestPage(`<${name}${attrs}>${label ?? ''}</${name}>`, options, { [name]: name });
    return new Mounted(this, page);
  }

  /** Taps an element: its AXML's `onTap`/`catchTap` handlers run, synchronously. */
  tap(target: VElement, type: 'tap' | 'longTap' = 'tap'): string[] {
    return dispatch(target, type, (owner, method, event) => {
      const fn = (owner as Instance).api[method];
      if (typeof fn !== 'function') throw new Error(`${(owner as Instance).path}: the AXML names "${method}", which is not a method`);
      return fn.call((owner as Instance).api, event);
    });
  }

  /** The rendered tree of a page (the top one by default). */
  tree(page: Instance | undefined = this.top): VNode[] {
    if (!page) throw new Error('no page open');
    return page.tree;
  }
}

/** A kit component mounted on a test page: its props live in the page's data. */
export class Mounted {
  constructor(
    readonly mp: MiniProgram,
    readonly page: Instance,
  ) {}

  get node(): VComponent {
    const node = this.page.tree.find((n): n is VComponent => n.type === 'component');
    if (!node) throw new Error('the component is not rendered');
    return node;
  }

  get instance(): Instance {
    return this.node.instance as Instance;
  }

  get data(): Record<string, any> {
    return this.instance.api.data;
  }

  /** What it renders (its own template, slots filled). */
  get view(): Root {
    return this.node.children;
  }

  async setProps(props: Record<string, unknown>): Promise<void> {
    this.mp.runtime.setData(this.page, props);
    await this.mp.settle();
  }
}
