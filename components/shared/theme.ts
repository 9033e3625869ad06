/**
 * The design tokens every element shares. Applications theme through the documented `--mak-*`
 * custom properties (they inherit through shadow roots); the private `--_*` names carry the
 * defaults used more than once (a default used once is written where it is used). Defaults follow a wallet look: rounded, clear, 44px touch targets, AA contrast.
 */
export const TOKENS = `
:host {
  --_accent: var(--mak-accent, #1360e0);
  --_text: var(--mak-text, #1d2129);
  --_text-2: var(--mak-text-secondary, #555c66);
  --_success: var(--mak-success, #0a7a46);
  --_font: var(--mak-font, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", Tahoma, sans-serif);
  --_touch: var(--mak-touch-target, 44px);
  --_duration: var(--mak-duration, 180ms);
  font-family: var(--_font);
  -webkit-tap-highlight-color: transparent;
}
:host([hidden]), [hidden] { display: none !important; }
@media (prefers-reduced-motion: reduce) {
  :host { --_duration: 0ms; }
}
`;

/** A real button in the wallet style, shared by the consent button and the sheet (the sheet adds the quiet one). */
export const BUTTON = `
.btn {
  box-sizing: border-box;
  display: inline-flex;
  align-items: center;
  justify-content: center;
  gap: 8px;
  min-block-size: var(--_touch);
  min-inline-size: var(--_touch);
  margin: 0;
  padding-block: 10px;
  padding-inline: 20px;
  border: 0;
  border-radius: var(--mak-radius, 12px);
  background: var(--_accent);
  color: var(--mak-on-accent, #fff);
  font: 600 var(--mak-font-size, 16px)/1.25 var(--_font);
  text-align: center;
  cursor: pointer;
  touch-action: manipulation;
  user-select: none;
  -webkit-user-select: none;
  transition: background-color var(--_duration), transform var(--_duration), opacity var(--_duration); /* ease */
}
.btn:active:not(:disabled) { background: var(--mak-accent-pressed, #0d4fbd); transform: scale(0.98); }
.btn:focus:not(:focus-visible) { outline: none; }
.btn:focus-visible { outline: 3px solid var(--mak-focus-ring, #1360e0); outline-offset: 2px; }
.btn:disabled { opacity: 0.45; cursor: not-allowed; }
@media (forced-colors: active) {
  .btn { border: 1px solid ButtonText; }
  .btn:focus-visible { outline-color: Highlight; }
}
`;
