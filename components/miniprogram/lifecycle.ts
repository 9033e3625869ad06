/// <reference types="@mini-types/alipay" />
/**
 * Component lifecycles that hold with component2 and without it. component2 is a per-project
 * compile option (`mini.project.json` "compileOptions": { "component2": true }, on in projects of
 * current IDEs); without it the engine never calls `onInit` or `deriveDataFromProps`, and a
 * component set up there meets its `didMount` half made. Through `defineComponent`, the first
 * `didMount` does what `onInit` did not, and every `didUpdate` derives the props the engine did
 * not hand over; the console says so once, naming the setting.
 */

interface Hooks {
  onInit?(): void;
  deriveDataFromProps?(nextProps: unknown): void;
  didMount?(): void;
  didUpdate?(prevProps: unknown, prevData: unknown): void;
}

/** A component as the hooks see it: which lifecycle it got, and its props. */
interface Instance {
  makLifecycle?: 'component2' | 'without';
  props: unknown;
}

const COMPONENT2_NOTICE =
  'miniapp-auth-kit: component2 is off (mini.project.json "compileOptions": { "component2": true }): the components set themselves up in didMount instead of onInit.';

let told = false;

function tellOnce(): void {
  if (told) return;
  told = true;
  if (typeof console !== 'undefined') console.warn(COMPONENT2_NOTICE);
}

/** The component's options with its lifecycle hooks made to work without component2 as well. */
function bothLifecycles<T extends Hooks>(options: T): T {
  const { onInit, deriveDataFromProps, didMount, didUpdate } = options as Hooks;
  const derive = (component: Instance, props: unknown) => deriveDataFromProps && deriveDataFromProps.call(component, props);
  return Object.assign({}, options, {
    onInit(this: Instance) {
      this.makLifecycle = 'component2';
      if (onInit) onInit.call(this);
    },
    didMount(this: Instance) {
      if (!this.makLifecycle) {
        this.makLifecycle = 'without';
        tellOnce();
        if (onInit) onInit.call(this);
        derive(this, this.props);
      }
      if (didMount) didMount.call(this);
    },
    didUpdate(this: Instance, prevProps: unknown, prevData: unknown) {
      // Without component2, nothing derived the props this update brought.
      if (this.makLifecycle === 'without') derive(this, this.props);
      if (didUpdate) didUpdate.call(this, prevProps, prevData);
    },
  });
}

type ComponentOptions<D, P, M, X> = Parameters<typeof Component<D, P, M, X>>[0];

/** `Component(options)`, typed as Alipay's, with lifecycles that work with and without component2. */
export function defineComponent<D, P, M, X>(options: ComponentOptions<D, P, M, X>): void {
  Component<D, P, M, X>(bothLifecycles(options));
}
