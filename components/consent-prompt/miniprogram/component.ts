/**
 * `<consent-prompt>` for DSL mini programs: the deferred consent sheet. While it is mounted, a
 * consent prompt that comes due without a tap is shown here with its rationale; the tap on
 * "Continue" calls `pending.proceed()` synchronously, which opens the wallet's prompt inside that
 * tap; "Not now" (or the backdrop) calls `pending.dismiss()` and leaves the consent record as it
 * was. The sheet closes when the request no longer needs it (`pending.signal` aborts).
 */
import { followAuthorizer, type Follower } from '../../miniprogram/follow';
import { defineComponent } from '../../miniprogram/lifecycle';
import { directionOf, messagesFor } from '../../miniprogram/locales';
import { notify } from '../../miniprogram/notify';
import { addSheet, type Sheet } from '../../miniprogram/prompt-hub';
import { readLocale, readText } from '../../miniprogram/props';
import { directionClass, update } from '../../miniprogram/view';
import type { ConsentPromptCloseDetail, ConsentPromptOpenDetail } from '../../shared/events';
import { createPromptQueue, type PromptQueue, type SheetView } from '../prompt-queue';
import { sheetRationale } from '../rationale';
import { sheetTitle } from '../title';

interface PromptProps {
  /** Used when no consent button on the page has a rationale for the scopes asked. */
  rationale: string;
  /** The sheet's title (default: the built-in title of the data group asked for, e.g. "Get updates in your wallet inbox?"). */
  heading: string;
  continueLabel: string;
  dismissLabel: string;
  locale: string;
  className: string;
  style: string;
  onOpen?: (detail: ConsentPromptOpenDetail) => void;
  onClose?: (detail: ConsentPromptCloseDetail) => void;
}

interface PromptData {
  open: boolean;
  dirClass: string;
  /** The heading's id, which names the dialog (`aria-labelledby`): unique in the app. */
  titleId: string;
  title: string;
  paragraphs: string[];
  note: string;
  continueText: string;
  dismissText: string;
}

interface PromptThis {
  data: PromptData;
  props: Readonly<PromptProps>;
  $page?: unknown;
  setData(data: Partial<PromptData>): void;
  follower: Follower;
  sheet: Sheet;
  release: (() => void) | null;
  prompts: PromptQueue;
  unmounted: boolean;
  titleId: string;
}

let sheets = 0;

function viewOf(prompt: PromptThis, props: Readonly<PromptProps>): PromptData {
  const locale = readLocale(props.locale);
  const t = messagesFor(locale);
  const authorizer = prompt.follower.current();
  const catalogue = authorizer ? authorizer.catalogue : undefined;
  const current = prompt.prompts.current;
  return {
    open: current !== null,
    dirClass: directionClass(directionOf(locale)),
    titleId: prompt.titleId,
    title: sheetTitle(current ? current.scopes : [], readText(props.heading) || null, t, catalogue),
    paragraphs: current ? sheetRationale(current.scopes, readText(props.rationale) || null, t, catalogue) : [],
    note: t.sheetNote,
    continueText: readText(props.continueLabel) || t.continue,
    dismissText: readText(props.dismissLabel) || t.notNow,
  };
}

function render(prompt: PromptThis, props: Readonly<PromptProps> = prompt.props): void {
  if (prompt.unmounted) return;
  update(prompt, viewOf(prompt, props));
}

/** Registers the sheet with the authorizer followed now (again after another one is provided). */
function attach(prompt: PromptThis): void {
  if (prompt.release) prompt.release();
  const authorizer = prompt.follower.current();
  prompt.release = authorizer ? addSheet(authorizer, prompt.sheet) : null;
}

/** How the component draws the prompts of its queue: data for the AXML, `onOpen`/`onClose` for the page. */
function sheetView(prompt: PromptThis): SheetView {
  return {
    canShow: () => !prompt.unmounted,
    opened(pending) {
      render(prompt);
      notify(prompt.props, 'onOpen', { scopes: pending.scopes.slice() });
    },
    hidden: () => render(prompt),
    closed: (pending, reason) => notify(prompt.props, 'onClose', { scopes: pending.scopes.slice(), reason }),
  };
}

/** Registers the component (`Component()`): called by its `index.js`, the file the engine loads for it. */
export function registerConsentPrompt(): void {
  defineComponent<PromptData, PromptProps, { onContinue(): void; onDismiss(): void }, PromptThis>({
    props: {
      rationale: '',
      heading: '',
      continueLabel: '',
      dismissLabel: '',
      locale: '',
      className: '',
      style: '',
    },
    data: {
      open: false,
      dirClass: 'mak-ltr',
      titleId: '',
      title: '',
      paragraphs: [],
      note: '',
      continueText: '',
      dismissText: '',
    },
    onInit() {
      const prompt = this;
      prompt.prompts = createPromptQueue(sheetView(prompt));
      prompt.release = null;
      prompt.unmounted = false;
      prompt.titleId = `mak-sheet-title-${++sheets}`;
      // The prompt hub hands over what the authorizer gave it: shown now, or after the one shown.
      prompt.sheet = {
        present: (pending) => prompt.prompts.present(pending),
        // Read when a prompt comes due: an engine may hand `$page` over after onInit.
        get page() {
          return prompt.$page;
        },
      };
      prompt.follower = followAuthorizer((change) => {
        if (change === 'provided') attach(prompt);
        render(prompt);
      });
    },
    deriveDataFromProps(nextProps) {
      render(this, nextProps as Readonly<PromptProps>);
    },
    didMount() {
      attach(this);
    },
    didUnmount() {
      const prompt = this;
      if (prompt.release) prompt.release();
      prompt.release = null;
      prompt.follower.stop();
      // A sheet taken off the page cannot be answered: "Not now" for what it held.
      prompt.prompts.clear();
      prompt.unmounted = true;
    },
    methods: {
      onContinue() {
        this.prompts.answer('continue');
      },
      onDismiss() {
        this.prompts.answer('dismiss');
      },
    },
  });
}
