/** Styles of `<consent-prompt>`: a bottom sheet over a dimmed backdrop, as wallet apps show it. */
import { BUTTON, TOKENS } from '../shared/theme';

export const CONSENT_PROMPT_CSS = `${TOKENS}${BUTTON}
:host {
  /* The sheet takes its shape from the space it is shown in (a phone frame, a panel), not the window. */
  container-type: size;
  position: fixed;
  inset: 0;
  z-index: var(--mak-z-index, 1000);
  display: block;
  color: var(--_text);
}
:host(:not([data-state=open])) { display: none; }
.backdrop {
  position: absolute;
  inset: 0;
  background: var(--mak-backdrop, rgba(0,0,0,.45));
  animation: mak-fade var(--_duration) ease-out;
}
.sheet {
  box-sizing: border-box;
  position: absolute;
  inset-inline: 0;
  inset-block-end: 0;
  margin-inline: auto;
  max-inline-size: var(--mak-sheet-max-width, 560px);
  max-block-size: 85vh;
  overflow: auto;
  overscroll-behavior: contain;
  padding-block: 8px max(20px, env(safe-area-inset-bottom));
  padding-inline: 20px;
  background: var(--mak-surface, #fff);
  /* Both top corners (the same two in either direction). */
  border-radius: var(--mak-sheet-radius, 16px) var(--mak-sheet-radius, 16px) 0 0;
  box-shadow: 0 -8px 32px rgba(0, 0, 0, 0.16);
  text-align: start;
  animation: mak-rise calc(var(--_duration) * 1.4) cubic-bezier(0.2, 0.8, 0.2, 1);
}
.sheet:focus { outline: none; }
.handle {
  inline-size: 36px;
  block-size: 4px;
  margin-block: 0 16px;
  margin-inline: auto;
  border-radius: 2px;
  background: rgba(0, 0, 0, 0.16);
}
.badge {
  display: flex;
  align-items: center;
  justify-content: center;
  inline-size: 48px;
  block-size: 48px;
  margin-block-end: 12px;
  border-radius: 50%;
  background: var(--mak-accent-soft, #e8f0fe);
  color: var(--_accent);
}
.badge svg { inline-size: 26px; block-size: 26px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; }
.title { margin: 0 0 8px; font-size: 19px; font-weight: 700; line-height: 1.3; }
.rationale p { margin: 0 0 8px; font-size: 15px; line-height: 1.5; color: var(--_text); overflow-wrap: anywhere; }
.note { margin: 4px 0 0; font-size: 13px; line-height: 1.45; color: var(--_text-2); }
.actions { display: flex; flex-direction: column; gap: 8px; margin-block-start: 20px; }
.actions .btn { inline-size: 100%; }
/* "Not now": a quiet button. */
.btn.quiet { background: transparent; color: var(--_text-2); }
.btn.quiet:active:not(:disabled) { background: rgba(0, 0, 0, 0.06); }
@keyframes mak-fade { from { opacity: 0; } }
@keyframes mak-rise { from { transform: translateY(100%); } }
@container (min-width: 600px) {
  .sheet { inset-block-end: 24px; border-radius: var(--mak-sheet-radius, 16px); }
}
`;
