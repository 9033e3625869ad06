/**
 * `<consent-button>`: a real button that asks the wallet for consent from the user's own tap.
 *
 * The wallet prompt must open inside the tap (WebViews block or defer prompts opened later), so
 * the click handler calls `authorize(scopes, { gesture: true })` synchronously, before anything
 * else; the core then calls `my.getAuthCode` in the same task.
 */
import type { Authorizer, AuthError, AuthorizerEvent, Session } from '../../utils';
import { h, setAttr, setText, svgIcon } from '../shared/dom';
import { classifyFailure, fire } from '../shared/events';
import { KitElement } from '../shared/kit-element';
import { addRationaleSource } from '../shared/registry';
import { covers, parseScopes, scopesAttribute } from '../shared/scopes';
import { defaultLabel, deniedScopes, deriveButtonState, rationaleFor, statusText, tapHelps, type ConsentButtonState } from './state';
import { CONSENT_BUTTON_CSS } from './styles';

export class ConsentButtonElement extends KitElement {
  static readonly observedAttributes = ['scopes', 'rationale', 'locale', 'disabled'];

  private readonly wrapper_: HTMLDivElement;
  private readonly button_: HTMLButtonElement;
  private readonly labelSlot_: HTMLSlotElement;
  private readonly message_: HTMLSpanElement;
  private readonly rationaleText_: HTMLSpanElement;
  /** Taps so far; only the latest tap's answer changes the state and fires events. */
  private taps_ = 0;
  private pendingTap_ = 0;
  private outcome_: 'denied' | 'error' | null = null;
  private lastError_: Error | null = null;
  private removeSource_: (() => void) | null = null;

  constructor() {
    super(CONSENT_BUTTON_CSS, true);
    const doc = this.ownerDocument;
    this.labelSlot_ = h(doc, 'slot');
    const check = svgIcon(doc, { class: 'check', part: 'icon' }, ['M5 12.5l4.5 4.5L19 7.5']);
    // The state's icon has a box of its own before the label in every state, in a grid whose last
    // column mirrors it: the button has one size in every state (the page never reflows under it).
    this.button_ = h(doc, 'button', { type: 'button', class: 'btn', part: 'button', 'aria-describedby': 'status' }, [
      h(doc, 'span', { class: 'icon-box', 'aria-hidden': 'true' }, [h(doc, 'span', { part: 'spinner' }), check]),
      h(doc, 'span', { part: 'label' }, [this.labelSlot_]),
    ]);
    this.message_ = h(doc, 'span', { part: 'message' });
    this.rationaleText_ = h(doc, 'span', { part: 'rationale' });
    this.wrapper_ = h(doc, 'div', { part: 'root' }, [
      this.button_,
      // A polite live region: the outcome of a tap is announced without moving focus. Its first
      // line is always there (empty when idle), so a state's message never pushes the page down.
      h(doc, 'div', { part: 'status', id: 'status', role: 'status' }, [this.message_, this.rationaleText_]),
    ]);
    this.root_.append(this.wrapper_);
    this.addEventListener('click', this.onClick_);
    this.upgradeProperties_('scopes', 'disabled');
  }

  // ------------------------------------------------------------------------------------------
  // Properties

  /** The scopes asked for (`scopes` attribute: space or comma separated). */
  get scopes(): string[] {
    return parseScopes(this.getAttribute('scopes'));
  }

  set scopes(value: string | readonly string[] | null) {
    setAttr(this, 'scopes', scopesAttribute(value, '<consent-button>'));
  }

  get disabled(): boolean {
    return this.hasAttribute('disabled');
  }

  set disabled(value: boolean) {
    setAttr(this, 'disabled', value ? '' : null);
  }

  /** `idle`, `pending`, `authorized`, `denied` or `error` (also reflected as `data-state`). */
  get state(): ConsentButtonState {
    return deriveButtonState({ pending: this.pendingTap_ !== 0, outcome: this.outcome_, authorizer: this.authorizer, scopes: this.scopes });
  }

  /** The error of the last tap, while the button shows it. */
  get error(): Error | null {
    return this.outcome_ ? this.lastError_ : null;
  }

  /** The session when it covers this button's scopes. */
  get session(): Session | null {
    const session = this.authorizer?.session() ?? null;
    return covers(session, this.scopes) ? session : null;
  }

  // ------------------------------------------------------------------------------------------
  // The tap

  private readonly onClick_ = (event: Event): void => {
    // The host itself (element.click()), the inner button, or the line under it when it invites a
    // tap ("Tap to allow access."); not the rationale.
    const path = event.composedPath();
    const onHint = path.includes(this.message_) && this.message_.classList.contains('tap');
    if (path[0] !== this && !path.includes(this.button_) && !onHint) return;
    if (this.disabled) return;
    this.request_();
  };

  private request_(): void {
    const authorizer = this.authorizer;
    const scopes = this.scopes;
    let answer: Promise<Session>;
    try {
      if (!authorizer) throw new TypeError('<consent-button>: no authorizer');
      // First thing in the handler: the wallet prompt opens inside this tap.
      answer = authorizer.authorize(scopes, { gesture: true });
    } catch (error) {
      answer = Promise.reject(error);
    }
    const tap = ++this.taps_;
    this.pendingTap_ = tap;
    this.outcome_ = null;
    this.lastError_ = null;
    this.render_();
    answer.then(
      (session) => this.settle_(tap, session, null),
      (error: unknown) => this.settle_(tap, null, error instanceof Error ? error : new Error(String(error))),
    );
  }

  private settle_(tap: number, session: Session | null, error: Error | null): void {
    if (tap !== this.taps_) return;
    this.pendingTap_ = 0;
    if (session) {
      this.render_();
      fire(this, 'consent-authorized', { session, scopes: this.scopes });
      return;
    }
    const failure = classifyFailure(error);
    // Aborted (signed out, replaced): back to what the authorizer says, no event.
    if (failure !== 'aborted') {
      this.outcome_ = failure;
      this.lastError_ = error;
    }
    this.render_();
    if (failure === 'denied') {
      fire(this, 'consent-denied', { scopes: deniedScopes(error as AuthError, this.scopes), error: error as AuthError });
    } else if (failure === 'error') {
      fire(this, 'consent-error', { error: error as Error, scopes: this.scopes });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Rendering

  protected override onConnect_(): void {
    this.removeSource_ = addRationaleSource(this);
  }

  protected override onDisconnect_(): void {
    this.removeSource_?.();
    this.removeSource_ = null;
  }

  protected override onAuthorizerEvent_(event: AuthorizerEvent): void {
    // A sign-out forgets everything, including what the last tap ended with.
    if (event.type === 'signed-out') {
      this.outcome_ = null;
      this.lastError_ = null;
    }
    this.render_();
  }

  protected override onAuthorizerChange_(_previous: Authorizer | null, _next: Authorizer | null): void {
    this.outcome_ = null;
    this.lastError_ = null;
  }

  protected render_(): void {
    const locale = this.resolvedLocale;
    const t = this.texts_(locale);
    const state = this.state;
    this.applyLocale_(this.wrapper_, locale);
    setAttr(this, 'data-state', state);
    if (this.button_.disabled !== this.disabled) this.button_.disabled = this.disabled;
    setAttr(this.button_, 'aria-busy', state === 'pending' ? 'true' : null);
    // Done: announced as such, and styled so (a tap still only confirms the session, asking nothing).
    setAttr(this.button_, 'aria-disabled', state === 'authorized' ? 'true' : null);
    // Shown when the application gives no label of its own: the data it asks for.
    setText(this.labelSlot_, defaultLabel(this.scopes, this.authorizer, t));
    setText(this.message_, statusText(state, this.lastError_, t));
    this.message_.classList.toggle('tap', !this.disabled && tapHelps(state, this.lastError_));
    setText(this.rationaleText_, state === 'denied' ? rationaleFor(this.rationale, this.scopes, this.authorizer, t) : '');
    this.watchExpiry_();
  }
}
