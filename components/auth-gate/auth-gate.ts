/**
 * `<auth-gate scopes="…">`: its children when the session covers the scopes, else the content of
 * `slot="fallback"` (a consent button for the scopes when none is given). Hidden content is left
 * unassigned to any slot: it is neither rendered nor in the accessibility tree, and the
 * application's nodes are never moved or changed.
 */
import { isScopeName } from '../../utils';
import { h, setAttr, setText } from '../shared/dom';
import { KitElement } from '../shared/kit-element';
import { covers, parseScopes, scopesAttribute } from '../shared/scopes';
import { AUTH_GATE_CSS } from './styles';

export const CONSENT_BUTTON_TAG = 'consent-button';
export class AuthGateElement extends KitElement {
  static readonly observedAttributes = ['scopes', 'rationale', 'locale', 'button-label'];

  private readonly wrapper_: HTMLDivElement;
  private readonly contentSlot_: HTMLSlotElement;
  private readonly fallbackSlot_: HTMLSlotElement;
  private readonly fallbackButton_: HTMLElement;
  /**
   * Where the built-in button waits while the gate is open: still connected, so the answer of
   * the tap that opened the gate (its `consent-authorized` event) still reaches the page.
   */
  private readonly parking_: HTMLDivElement;

  constructor() {
    super(AUTH_GATE_CSS, false);
    const doc = this.ownerDocument;
    this.contentSlot_ = h(doc, 'slot', { part: 'content' });
    this.fallbackButton_ = h(doc, CONSENT_BUTTON_TAG as 'div', {
      part: 'consent-button',
      exportparts: 'button, label, icon, spinner, status, message, rationale',
    });
    this.fallbackSlot_ = h(doc, 'slot', { name: 'fallback', part: 'fallback' }, [this.fallbackButton_]);
    this.wrapper_ = h(doc, 'div', { part: 'root' });
    this.parking_ = h(doc, 'div', { hidden: '' });
    this.root_.append(this.wrapper_, this.parking_);
    this.upgradeProperties_('scopes');
  }

  get scopes(): string[] {
    return parseScopes(this.getAttribute('scopes'));
  }

  set scopes(value: string | readonly string[] | null) {
    setAttr(this, 'scopes', scopesAttribute(value, '<auth-gate>'));
  }

  /** True when the session covers the scopes (the children are shown). */
  get authorized(): boolean {
    const scopes = this.scopes;
    return scopes.every(isScopeName) && covers(this.authorizer?.session() ?? null, scopes);
  }

  protected render_(): void {
    const locale = this.resolvedLocale;
    const authorized = this.authorized;
    this.applyLocale_(this.wrapper_, locale);
    setAttr(this, 'data-state', authorized ? 'authorized' : 'unauthorized');
    // Only one slot is in the shadow tree: the other content is unassigned, so not rendered.
    const slot = authorized ? this.contentSlot_ : this.fallbackSlot_;
    if (this.wrapper_.firstChild !== slot || this.wrapper_.childNodes.length !== 1) this.wrapper_.replaceChildren(slot);
    const button = this.fallbackButton_;
    const home = authorized ? this.parking_ : this.fallbackSlot_;
    if (button.parentNode !== home) home.append(button);

    setAttr(button, 'scopes', this.getAttribute('scopes'));
    setAttr(button, 'rationale', this.getAttribute('rationale'));
    setAttr(button, 'locale', locale);
    setText(button, this.getAttribute('button-label')?.trim() ?? '');
    const own = this.authorizer;
    const target = button as HTMLElement & { authorizer?: unknown };
    if (own && target.authorizer !== own) target.authorizer = own;
    this.watchExpiry_();
  }
}
