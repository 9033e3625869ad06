/**
 * A page that renders from the demo's state and the kit's authorizer: `render()` on load, on show,
 * and on every change of either, until the page unloads. Wraps the options given to Page().
 */
import { subscribe } from './store';

export function livePage(options) {
  const own = options.onLoad;
  return Object.assign({}, options, {
    onLoad(query) {
      this.stopLive = [subscribe(() => this.render()), getApp().authorizer.subscribe(() => this.render())];
      if (own) own.call(this, query);
      this.render();
    },
    onShow() {
      this.render();
    },
    onUnload() {
      this.stopLive.forEach((stop) => stop());
    },
  });
}
