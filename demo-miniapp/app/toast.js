/**
 * Toasts: one short message at a time, in its own row of the layout just above the tab bar, so it
 * never covers a control (the page above it shrinks instead). It goes after a few seconds, and at
 * once on navigation or a language change: it was about the page the user left.
 */
const SHOW_MS = 4000;
let timer = 0;

/** The message node, inside the row that is the polite live region (always rendered, so it is announced). */
const bubble = () => document.getElementById('toast');

export function toast(text) {
  const node = bubble();
  if (!node) return;
  clearTimeout(timer);
  node.textContent = text;
  timer = setTimeout(clearToast, SHOW_MS);
}

export function clearToast() {
  clearTimeout(timer);
  const node = bubble();
  if (node) node.textContent = '';
}
