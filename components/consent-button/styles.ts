/**
 * Styles of `<consent-button>`: a wallet-style primary button with a status line under it, one
 * footprint in every state: the button's icon box is always there (its mirror column keeps the label
 * centred), the status line's first line is always kept, and the status text never widens the
 * element (it wraps to the button).
 */
import { BUTTON, TOKENS } from '../shared/theme';

export const CONSENT_BUTTON_CSS = `${TOKENS}${BUTTON}
:host {
  display: inline-block;
  vertical-align: middle;
  max-inline-size: 100%;
  color: var(--_text);
}
.root {
  display: flex;
  flex-direction: column;
  align-items: stretch;
}
/*
 * Icon, label, and an empty column as wide as the icon's: the label stays centred, the size is the
 * same with or without an icon shown, and where the button is wider than its label (full width) the
 * side columns share the room, the icon beside the label; where the label needs the room, the empty
 * column gives it up first.
 */
.btn { display: grid; grid-template-columns: 1fr auto 1fr; inline-size: 100%; padding-inline: 12px; }
.label { min-inline-size: 0; overflow-wrap: anywhere; }
.icon-box { display: inline-grid; justify-self: end; inline-size: 1.1em; block-size: 1.1em; }
.spinner, .check { display: none; grid-area: 1 / 1; inline-size: 100%; block-size: 100%; }
.spinner {
  box-sizing: border-box;
  border: 2px solid currentColor;
  border-inline-end-color: transparent;
  border-radius: 50%;
  animation: mak-spin 0.8s linear infinite;
}
.check { fill: none; stroke: currentColor; stroke-width: 2.5; stroke-linecap: round; stroke-linejoin: round; }
:host([data-state=pending]) .spinner { display: inline-block; }
:host([data-state=pending]) .btn { cursor: progress; }
:host([data-state=authorized]) .check { display: inline-block; }
:host([data-state=authorized]) .btn,
:host([data-state=authorized]) .btn:active:not(:disabled) { background: var(--mak-success-soft, #e6f6ee); color: var(--_success); transform: none; cursor: default; }
.status { inline-size: 0; min-inline-size: 100%; font-size: 13px; line-height: 1.45; color: var(--_text-2); text-align: start; }
.message, .rationale { display: block; margin-block-start: 6px; }
.message { min-block-size: 1.45em; }
.rationale:empty { display: none; }
.message.tap { cursor: pointer; text-decoration: underline; text-underline-offset: 3px; }
:host([data-state=denied]) .message { color: var(--_text); font-weight: 600; }
:host([data-state=error]) .message { color: var(--mak-danger, #c4281c); font-weight: 600; }
:host([data-state=authorized]) .message { color: var(--_success); }
@keyframes mak-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 2.4s; } }
`;
