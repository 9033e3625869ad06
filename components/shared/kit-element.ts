/**
 * What the three elements share: an open shadow root with the kit's styles, the authorizer they
 * follow (the one given to `defineConsentElements`, or their own `authorizer` property), their
 * locale and texts, and re-rendering when any of these change.
 */
import type { Authorizer, AuthorizerEvent, AuthorizerSnapshot } from '../../utils';
import { expiryTimer } from './expiry';
import { getConfig, onConfigChange } from './context';
import { SafeHTMLElement, setAttr } from './dom';
import { buttonMessagesFor, directionOf, readMessageOverrides, type ConsentMessages, type Locale, type LocalizedMessageOverrides } from './i18n';
import { resolveLocale, watchLang } from './lang';
import { applyStyles } from './styles';
import { isAuthorizerLike } from './authorizer-like';
import { optionError, quoted } from '../../utils/checks';

export abstract class KitElement extends SafeHTMLElement {
  protected readonly root_: ShadowRoot;
  private ownAuthorizer_: Authorizer | null = null;
  private ownMessages_: LocalizedMessageOverrides | null = null;
  private bound_: Authorizer | null = null;
  private unsubscribe_: (() => void) | null = null;
  private cleanups_: Array<() => void> = [];
  private expiryTimer_: ReturnType<typeof setTimeout> | null = null;

  constructor(css: string, delegatesFocus: boolean) {
    super();
    this.root_ = this.attachShadow({ mode: 'open', delegatesFocus });
    applyStyles(this.root_, css, getConfig().styleNonce);
  }

  /**
   * A property set on the element before it was upgraded is an own property that hides the
   * class's accessor: move it through the accessor (frameworks set properties early). `names`: the
   * element's own properties; the shared ones follow.
   */
  protected upgradeProperties_(...names: string[]): void {
    const self = this as unknown as Record<string, unknown>;
    for (const name of [...names, 'rationale', 'locale', 'authorizer', 'messages']) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = self[name];
        delete self[name];
        self[name] = value;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shared properties

  /** The authorizer this element follows: its own, else the one of `defineConsentElements`. */
  get authorizer(): Authorizer | null {
    return this.ownAuthorizer_ ?? getConfig().authorizer;
  }

  set authorizer(value: Authorizer | null) {
    if (value !== null && value !== undefined && !isAuthorizerLike(value)) {
      throw optionError(`<${this.localName}>`, 'authorizer', quoted(value));
    }
    this.ownAuthorizer_ = value ?? null;
    if (this.isConnected) {
      this.bind_();
      this.render_();
    }
  }

  /** Text overrides for this element, keyed by locale (on top of `defineConsentElements({ messages })`). */
  get messages(): LocalizedMessageOverrides | null {
    return this.ownMessages_;
  }

  set messages(value: LocalizedMessageOverrides | null) {
    this.ownMessages_ = value === null || value === undefined ? null : readMessageOverrides(value, `<${this.localName}>`);
    if (this.isConnected) this.render_();
  }

  /**
   * Why the miniapp asks (`rationale` attribute): the button shows it after a refusal, the gate
   * gives it to its button, and the sheet falls back on it when no button in the page has one.
   */
  get rationale(): string | null {
    return this.getAttribute('rationale');
  }

  set rationale(value: string | null) {
    setAttr(this, 'rationale', value === null || value === undefined ? null : String(value));
  }

  get locale(): string | null {
    return this.getAttribute('locale');
  }

  set locale(value: string | null) {
    setAttr(this, 'locale', value === null || value === undefined ? null : String(value));
  }

  /** The locale the element renders in now. */
  get resolvedLocale(): Locale {
    return resolveLocale(this, getConfig().locale);
  }

  /** The texts in `locale` with the overrides: `of` the button's (default) or every text (the sheet's). */
  protected texts_(locale: Locale, of = buttonMessagesFor): ConsentMessages {
    return of(locale, getConfig().messages, this.ownMessages_);
  }

  /** `lang` and `dir` on the element's inner wrapper: right to left for Arabic and Kurdish. */
  protected applyLocale_(wrapper: HTMLElement, locale: Locale): void {
    setAttr(wrapper, 'lang', locale === 'ku' ? 'ckb' : locale);
    setAttr(wrapper, 'dir', directionOf(locale));
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  connectedCallback(): void {
    this.bind_();
    this.cleanups_.push(
      onConfigChange(() => {
        this.bind_();
        this.render_();
      }),
      watchLang(this.ownerDocument, () => this.render_()),
    );
    this.onConnect_();
    this.render_();
  }

  disconnectedCallback(): void {
    this.unbind_();
    for (const cleanup of this.cleanups_.splice(0)) cleanup();
    if (this.expiryTimer_ !== null) clearTimeout(this.expiryTimer_);
    this.expiryTimer_ = null;
    this.onDisconnect_();
  }

  attributeChangedCallback(_name: string, previous: string | null, next: string | null): void {
    if (previous !== next && this.isConnected) this.render_();
  }

  protected onConnect_(): void {}
  protected onDisconnect_(): void {}
  protected abstract render_(): void;

  /** Called for every authorizer event (session, consent, status, sign-out…). */
  protected onAuthorizerEvent_(_event: AuthorizerEvent, _snapshot: AuthorizerSnapshot): void {
    this.render_();
  }

  /** Called when the element starts following another authorizer. */
  protected onAuthorizerChange_(_previous: Authorizer | null, _next: Authorizer | null): void {}

  private bind_(): void {
    const next = this.authorizer;
    if (next === this.bound_ && this.unsubscribe_) return;
    const previous = this.bound_;
    this.unbind_();
    this.bound_ = next;
    if (next) this.unsubscribe_ = next.subscribe((event, snapshot) => this.onAuthorizerEvent_(event, snapshot));
    if (previous !== next) this.onAuthorizerChange_(previous, next);
  }

  private unbind_(): void {
    this.unsubscribe_?.();
    this.unsubscribe_ = null;
  }

  /** Renders again when the session expires (no event marks an expiry). */
  protected watchExpiry_(): void {
    if (this.expiryTimer_ !== null) clearTimeout(this.expiryTimer_);
    this.expiryTimer_ = null;
    const expiresAt = this.isConnected ? this.authorizer?.session()?.expiresAt : undefined;
    this.expiryTimer_ = expiryTimer(expiresAt, () => {
      this.expiryTimer_ = null;
      if (this.isConnected) this.render_();
    });
  }
}
