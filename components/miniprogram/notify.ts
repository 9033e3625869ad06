/**
 * Raises a component event the Alipay way: the parent's handler is a prop (`onAuthorized="…"`),
 * called with the payload. A throwing handler is reported, never allowed to break the component.
 */
import { reportError } from '../../utils/emitter';

export function notify<T>(handler: unknown, payload: T): void {
  if (typeof handler !== 'function') return;
  try {
    (handler as (payload: T) => void)(payload);
  } catch (error) {
    reportError(error);
  }
}
