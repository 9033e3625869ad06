/**
 * `<consent-prompt>`: the deferred consent sheet. A consent prompt that comes due without a tap
 * (the core waits for the user to engage first) is shown here with its rationale; "Continue" is
 * the user's tap that opens the wallet prompt, "Not now" (or Escape, or the backdrop) leaves the
 * consent record as it was. An accessible modal: role="dialog" + aria-modal, focus moved in,
 * trapped, and given back (jsdom and older WebViews have no `<dialog>.showModal`).
 */
import type { Authorizer, PendingConsent } from '../../utils';
import { deepActiveElement, h, setAttr, setText, svgIcon } from '../shared/dom';
import { fire } from '../shared/events';
import { messagesFor } from '../shared/i18n';
import { KitElement } from '../shared/kit-element';
import { isPendingConsent } from './pending';
import { createPromptQueue, type PromptQueue, type SheetView } from './prompt-queue';
import { registerSheet, unregisterSheet } from './presenter-hub';
import { sheetRationale } from './rationale';
import { sheetTitle } from './title';
import { CONSENT_PROMPT_CSS } from './styles';

export class ConsentPromptElement extends KitElement {
  static readonly observedAttributes = ['locale', 'rationale', 'heading', 'continue-label', 'dismiss-label'];

  private readonly wrapper_: HTMLDivElement;
  private readonly sheet_: HTMLDivElement;
  private readonly titleNode_: HTMLHeadingElement;
  private readonly rationaleBox_: HTMLDivElement;
  private readonly note_: HTMLParagraphElement;
  private readonly continueButton_: HTMLButtonElement;
  private readonly dismissButton_: HTMLButtonElement;
  private readonly prompts_: PromptQueue;
  private returnFocus_: HTMLElement | null = null;
  private shownRationale_ = '';

  constructor() {
    super(CONSENT_PROMPT_CSS, false);
    this.prompts_ = createPromptQueue(this.sheetView_());
    const doc = this.ownerDocument;
    this.titleNode_ = h(doc, 'h2', { part: 'title', id: 'title' });
    this.rationaleBox_ = h(doc, 'div', { part: 'rationale', id: 'rationale' });
    this.note_ = h(doc, 'p', { part: 'note' });
    this.continueButton_ = h(doc, 'button', { type: 'button', class: 'btn continue', part: 'button continue' });
    this.dismissButton_ = h(doc, 'button', { type: 'button', class: 'btn quiet dismiss', part: 'button dismiss' });
    const shield = svgIcon(doc, { class: 'shield' }, ['M12 3l7 3v5c0 4.4-3 8.3-7 9.5C8 19.3 5 15.4 5 11V6l7-3z', 'M9 12l2 2 4-4']);
    const backdrop = h(doc, 'div', { part: 'backdrop' });
    this.sheet_ = h(
      doc,
      'div',
      { part: 'sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'title', 'aria-describedby': 'rationale', tabindex: '-1' },
      [
        h(doc, 'div', { part: 'handle', 'aria-hidden': 'true' }),
        h(doc, 'div', { class: 'badge', part: 'icon', 'aria-hidden': 'true' }, [shield]),
        this.titleNode_,
        this.rationaleBox_,
        this.note_,
        h(doc, 'div', { part: 'actions' }, [this.continueButton_, this.dismissButton_]),
      ],
    );
    // Closed, the whole sheet carries `hidden`: nothing of it is rendered or in the accessibility tree.
    this.wrapper_ = h(doc, 'div', { part: 'root', hidden: '' }, [backdrop, this.sheet_]);
    this.root_.append(this.wrapper_);
    this.continueButton_.addEventListener('click', this.onContinue_);
    this.dismissButton_.addEventListener('click', this.onDismiss_);
    backdrop.addEventListener('click', this.onDismiss_);
    this.upgradeProperties_('heading');
  }

  // ------------------------------------------------------------------------------------------
  // Properties

  /** True while a consent prompt is shown. */
  get open(): boolean {
    return this.prompts_.current !== null;
  }

  /** The scopes of the prompt shown (empty when closed). */
  get scopes(): string[] {
    const current = this.prompts_.current;
    return current ? [...current.scopes] : [];
  }

  /** The sheet's title (default: the built-in title of the data group asked for, e.g. "Share your contact details?"). */
  get heading(): string | null {
    return this.getAttribute('heading');
  }

  set heading(value: string | null) {
    setAttr(this, 'heading', value === null || value === undefined ? null : String(value));
  }

  // ------------------------------------------------------------------------------------------
  // Presenting

  /**
   * Shows a deferred consent prompt (the presenter installed by `defineConsentElements` calls
   * this; an application with its own presenter may too). A second one waits for the first.
   */
  present(pending: PendingConsent): void {
    if (!isPendingConsent(pending)) throw new TypeError('<consent-prompt>.present(pending)');
    this.prompts_.present(pending);
  }

  /** How this element draws the prompts of its queue: a modal sheet that takes focus and gives it back. */
  private sheetView_(): SheetView {
    const doc = this.ownerDocument;
    return {
      canShow: () => this.isConnected,
      watch: () => {
        doc.addEventListener('keydown', this.onKeyDown_, true);
        doc.addEventListener('focusin', this.onFocusIn_, true);
        return () => {
          doc.removeEventListener('keydown', this.onKeyDown_, true);
          doc.removeEventListener('focusin', this.onFocusIn_, true);
        };
      },
      opened: (pending) => {
        this.returnFocus_ = deepActiveElement(doc);
        this.render_();
        this.continueButton_.focus();
        fire(this, 'consent-prompt-open', { scopes: [...pending.scopes] });
      },
      hidden: () => this.render_(),
      closed: (pending, reason) => {
        const back = this.returnFocus_;
        this.returnFocus_ = null;
        if (back && back.isConnected) back.focus();
        fire(this, 'consent-prompt-close', { scopes: [...pending.scopes], reason });
      },
    };
  }

  private readonly onContinue_ = (): void => this.prompts_.answer('continue');

  private readonly onDismiss_ = (): void => this.prompts_.answer('dismiss');

  private focusables_(): HTMLElement[] {
    return [this.continueButton_, this.dismissButton_].filter((b) => !b.disabled);
  }

  private readonly onKeyDown_ = (event: KeyboardEvent): void => {
    if (!this.prompts_.current) return;
    if (event.key === 'Escape' || event.key === 'Esc') {
      event.preventDefault();
      event.stopPropagation();
      this.onDismiss_();
      return;
    }
    if (event.key !== 'Tab') return;
    // Focus trap: Tab and Shift+Tab cycle through the sheet's buttons.
    const items = this.focusables_();
    if (items.length === 0) return;
    const active = this.root_.activeElement;
    const i = items.indexOf(active as HTMLElement);
    // From outside the buttons (i = -1), Tab goes to the first and Shift+Tab to the last.
    const next = event.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i + 1) % items.length;
    event.preventDefault();
    items[next]!.focus();
  };

  /** Focus that leaves the open sheet (script, screen reader) is brought back. */
  private readonly onFocusIn_ = (event: FocusEvent): void => {
    if (!this.prompts_.current || event.composedPath().includes(this.sheet_)) return;
    this.continueButton_.focus();
  };

  // ------------------------------------------------------------------------------------------
  // Lifecycle and rendering

  protected override onConnect_(): void {
    const authorizer = this.authorizer;
    if (authorizer) registerSheet(authorizer, this);
  }

  protected override onDisconnect_(): void {
    const authorizer = this.authorizer;
    if (authorizer) unregisterSheet(authorizer, this);
    // A sheet taken out of the page cannot be answered: "Not now" for what it held.
    this.prompts_.clear();
    this.returnFocus_ = null;
  }

  protected override onAuthorizerChange_(previous: Authorizer | null, next: Authorizer | null): void {
    if (previous) unregisterSheet(previous, this);
    if (next && this.isConnected) registerSheet(next, this);
  }

  protected render_(): void {
    const locale = this.resolvedLocale;
    const t = this.texts_(locale, messagesFor);
    const current = this.prompts_.current;
    const open = current !== null;
    this.applyLocale_(this.wrapper_, locale);
    setAttr(this, 'data-state', open ? 'open' : 'closed');
    if (this.wrapper_.hidden === open) this.wrapper_.hidden = !open;
    const scopes = current?.scopes ?? [];
    setText(this.titleNode_, sheetTitle(scopes, this.heading, t, this.authorizer?.catalogue));
    setText(this.note_, t.sheetNote);
    setText(this.continueButton_, this.getAttribute('continue-label')?.trim() || t.continue);
    setText(this.dismissButton_, this.getAttribute('dismiss-label')?.trim() || t.notNow);
    const paragraphs = open ? sheetRationale(scopes, this.rationale, t, this.authorizer?.catalogue) : [];
    const key = paragraphs.join('\n');
    if (key !== this.shownRationale_) {
      this.shownRationale_ = key;
      this.rationaleBox_.replaceChildren(...paragraphs.map((text) => h(this.ownerDocument, 'p', {}, [text])));
    }
  }
}
