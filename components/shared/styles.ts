/**
 * Styles without inline styles: constructable stylesheets (`adoptedStyleSheets`) where the browser
 * has them, which a strict Content-Security-Policy allows; a `<style>` element (with the configured
 * nonce) only where it does not (older WebViews, jsdom).
 */

const sheets = new WeakMap<object, Map<string, CSSStyleSheet>>();

interface AdoptingRoot {
  adoptedStyleSheets: CSSStyleSheet[];
}

function canAdopt(root: ShadowRoot): boolean {
  const Sheet = (globalThis as { CSSStyleSheet?: unknown }).CSSStyleSheet;
  return 'adoptedStyleSheets' in root && typeof Sheet === 'function' && typeof Sheet.prototype?.replaceSync === 'function';
}

/** One constructed sheet per document and CSS text, shared by every element instance. */
function sheetFor(doc: object, css: string): CSSStyleSheet {
  let byText = sheets.get(doc);
  if (!byText) sheets.set(doc, (byText = new Map()));
  let sheet = byText.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    byText.set(css, sheet);
  }
  return sheet;
}

export function applyStyles(root: ShadowRoot, css: string, nonce: string | null): void {
  if (canAdopt(root)) {
    const sheet = sheetFor(root.ownerDocument ?? globalThis, css);
    const adopting = root as unknown as AdoptingRoot;
    if (!adopting.adoptedStyleSheets.includes(sheet)) adopting.adoptedStyleSheets = [...adopting.adoptedStyleSheets, sheet];
    return;
  }
  const style = root.ownerDocument.createElement('style');
  if (nonce) style.setAttribute('nonce', nonce);
  style.textContent = css;
  root.prepend(style);
}
