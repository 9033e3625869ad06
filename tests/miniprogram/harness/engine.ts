/**
 * The DSL engines the harness models. Each differs from Alipay with component2 in one way a real
 * engine does: the component suites run on every one of them (jest.config.cjs runs them once per
 * engine, naming it in the global `__DSL_ENGINE__`).
 */
export interface Engine {
  /**
   * component2 lifecycles: `onInit` and `deriveDataFromProps` run. Off, as in a project without
   * `mini.project.json` "compileOptions": { "component2": true }: only didMount, didUpdate (new
   * props or data) and didUnmount.
   */
  component2: boolean;
  /** A component's `this.$page` is a wrapper (a Proxy) of the page, as MorJS's web runtime hands it. */
  pageWrapper: boolean;
  /** The kit's files as the IDE runs them with `enableNodeModuleBabelTransform`: through @babel/preset-env. */
  babel: boolean;
}

export const ENGINES = {
  alipay: { component2: true, pageWrapper: false, babel: false },
  'page-wrapper': { component2: true, pageWrapper: true, babel: false },
  'no-component2': { component2: false, pageWrapper: false, babel: false },
  babel: { component2: true, pageWrapper: false, babel: true },
} satisfies Record<string, Engine>;

export type EngineName = keyof typeof ENGINES;

/** The engine of this jest project (`globals.__DSL_ENGINE__`), Alipay's by default. */
export function defaultEngine(): Engine {
  const name = (globalThis as { __DSL_ENGINE__?: string }).__DSL_ENGINE__ ?? 'alipay';
  const engine = (ENGINES as Record<string, Engine>)[name];
  if (!engine) throw new Error(`Unknown DSL engine "${name}": one of ${Object.keys(ENGINES).join(', ')}`);
  return engine;
}
