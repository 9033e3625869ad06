/**
 * The demo's redrawing, added to a page's options (the page passes the result to
 * `withAuthorization`, then to `Page()`, in plain sight): `view(lang)` gives the page's own data,
 * to which the language, the direction and the texts of `textKeys` are added. It renders on show
 * (which follows every load), and on every change of the demo's state or of what the kit holds
 * (session and consent record), until it unloads.
 */
import { state, subscribe } from './store';
import { directionOf, texts } from './texts';

/** The kit's events that change what a page shows (not `status`, `engaged` or `error`). */
const REDRAWN_ON = ['session', 'consent', 'signed-out', 'ready'];

export function liveView(textKeys, options) {
  const own = options.onLoad;
  return Object.assign({}, options, {
    data: Object.assign({ lang: 'en', dir: 'ltr', texts: {} }, options.data),
    onLoad(query) {
      const redraw = (event) => REDRAWN_ON.indexOf(event.type) >= 0 && this.render();
      this.stopLive = [subscribe(() => this.render()), getApp().authorizer.subscribe(redraw)];
      if (own) own.call(this, query);
    },
    onShow() {
      this.render();
    },
    onUnload() {
      this.stopLive.forEach((stop) => stop());
    },
    render() {
      const lang = state.lang;
      this.setData(Object.assign({ lang, dir: directionOf(lang), texts: texts(lang, textKeys) }, this.view(lang)));
    },
  });
}
