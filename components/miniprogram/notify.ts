/**
 * Raises a component event the Alipay way: the parent's handler is a prop (`onAuthorized="…"`),
 * called with the payload and, as antd-mini does, an event-like second argument carrying the
 * `data-*` props the page wrote on the component (`{ currentTarget: { dataset }, target: { dataset } }`):
 * one handler can tell several components apart. A throwing handler is reported, never allowed
 * to break the component.
 */
import { reportError } from '../../utils/emitter';

/** What a handler gets as its second argument. */
export interface ComponentEvent {
  currentTarget: { dataset: Record<string, unknown> };
  target: { dataset: Record<string, unknown> };
}

const DATA_PROP = /^data-(.+)$/;

/** The component's `data-*` props as a built-in element's dataset: `data-order-id` → `orderId`. */
function datasetOf(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const dataset: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    const name = DATA_PROP.exec(key);
    if (name) dataset[(name[1] as string).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = props[key];
  }
  return dataset;
}

/** Calls the handler prop `name` (`onAuthorized`, …) with `payload`, when the page gave one. */
export function notify<T>(componentProps: object, name: string, payload: T): void {
  const props = componentProps as Readonly<Record<string, unknown>>;
  const handler = props[name];
  if (typeof handler !== 'function') return;
  const dataset = datasetOf(props);
  const event: ComponentEvent = { currentTarget: { dataset }, target: { dataset } };
  try {
    (handler as (payload: T, event: ComponentEvent) => void)(payload, event);
  } catch (error) {
    reportError(error);
  }
}
