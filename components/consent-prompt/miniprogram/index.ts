/// <reference types="@mini-types/alipay" />
/**
 * `<consent-prompt>` for DSL mini programs: the deferred consent sheet. While it is mounted, a
 * consent prompt that comes due without a tap is shown here with its rationale; the tap on
 * "Continue" calls `pending.proceed()` synchronously, which opens the wallet's prompt inside that
 * tap; "Not now" (or the backdrop) calls `pending.dismiss()` and leaves the consent record as it
 * was. The sheet closes when the request no longer needs it (`pending.signal` aborts).
 */
import type { PendingConsent } from '../../../utils';
import { onAbort } from '../../../utils/abort';
import { followAuthorizer, type Follower } from '../../miniprogram/follow';
import { directionOf, messagesFor } from '../../miniprogram/locales';
import { notify } from '../../miniprogram/notify';
import { addSheet, type Sheet } from '../../miniprogram/prompt-hub';
import { readLocale, readText } from '../../miniprogram/props';
import { changes, directionClass } from '../../miniprogram/view';
import { isPendingConsent } from '../pending';
import { sheetRationale } from '../rationale';
import { sheetTitle } from '../title';

type CloseReason = 'continue' | 'dismiss' | 'cancel';

interface PromptProps {
  /** Used when no consent button on the page has a rationale for the scopes asked. */
  rationale: string;
  /** The sheet's title (default: the built-in title of the data group asked for, e.g. "Get updates in your wallet inbox?"). */
  heading: string;
  continueLabel: string;
  dismissLabel: string;
  locale: string;
  className: string;
  onOpen?: (detail: { scopes: string[] }) => void;
  onClose?: (detail: { scopes: string[]; reason: CloseReason }) => void;
}

interface PromptData {
  open: boolean;
  dirClass: string;
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
  current: PendingConsent | null;
  queue: PendingConsent[];
  stopWatching: (() => void) | null;
  unmounted: boolean;
}

function viewOf(prompt: PromptThis, props: Readonly<PromptProps>): PromptData {
  const locale = readLocale(props.locale);
  const t = messagesFor(locale);
  const authorizer = prompt.follower.current();
  const catalogue = authorizer ? authorizer.catalogue : undefined;
  const current = prompt.current;
  return {
    open: current !== null,
    dirClass: directionClass(directionOf(locale)),
    title: sheetTitle(current ? current.scopes : [], readText(props.heading) || null, t, catalogue),
    paragraphs: current ? sheetRationale(current.scopes, readText(props.rationale) || null, t, catalogue) : [],
    note: t.sheetNote,
    continueText: readText(props.continueLabel) || t.continue,
    dismissText: readText(props.dismissLabel) || t.notNow,
  };
}

function render(prompt: PromptThis, props: Readonly<PromptProps> = prompt.props): void {
  if (prompt.unmounted) return;
  const diff = changes(prompt.data as unknown as Record<string, unknown>, viewOf(prompt, props) as unknown as Record<string, unknown>);
  if (diff) prompt.setData(diff as Partial<PromptData>);
}

/** Registers the sheet with the authorizer followed now (again after another one is provided). */
function attach(prompt: PromptThis): void {
  if (prompt.release) prompt.release();
  const authorizer = prompt.follower.current();
  prompt.release = authorizer ? addSheet(authorizer, prompt.sheet) : null;
}

function show(prompt: PromptThis, pending: PendingConsent): void {
  prompt.current = pending;
  let stopAbort = () => undefined as void;
  prompt.stopWatching = () => stopAbort();
  render(prompt);
  notify(prompt.props.onOpen, { scopes: pending.scopes.slice() });
  // Last: a request that is gone already closes the sheet it just opened.
  stopAbort = onAbort(pending.signal, () => close(prompt, pending, 'cancel'));
}

/** Shows a deferred prompt now, or after the one shown; a sheet no longer mounted says "Not now". */
function present(prompt: PromptThis, pending: PendingConsent): void {
  if (!isPendingConsent(pending)) throw new TypeError('<consent-prompt> needs a PendingConsent from the authorizer.');
  if (pending.signal.aborted || pending === prompt.current || prompt.queue.indexOf(pending) >= 0) return;
  if (prompt.unmounted) return pending.dismiss();
  if (prompt.current) prompt.queue.push(pending);
  else show(prompt, pending);
}

function detach(prompt: PromptThis): void {
  prompt.current = null;
  if (prompt.stopWatching) prompt.stopWatching();
  prompt.stopWatching = null;
  render(prompt);
}

function finish(prompt: PromptThis, pending: PendingConsent, reason: CloseReason): void {
  notify(prompt.props.onClose, { scopes: pending.scopes.slice(), reason });
  let next: PendingConsent | undefined;
  while ((next = prompt.queue.shift()) && next.signal.aborted);
  if (next && !prompt.current && !prompt.unmounted) show(prompt, next);
}

function close(prompt: PromptThis, pending: PendingConsent, reason: CloseReason): void {
  if (prompt.current !== pending) {
    const i = prompt.queue.indexOf(pending);
    if (i >= 0) prompt.queue.splice(i, 1);
    return;
  }
  detach(prompt);
  finish(prompt, pending, reason);
}

/** "Continue" or "Not now": the sheet closes first, then the answer goes to the authorizer. */
function answer(prompt: PromptThis, reason: 'continue' | 'dismiss'): void {
  const pending = prompt.current;
  if (!pending) return;
  detach(prompt);
  try {
    // On "Continue" this is still the user's tap: the wallet's prompt opens now.
    if (reason === 'continue') pending.proceed();
    else pending.dismiss();
  } finally {
    finish(prompt, pending, reason);
  }
}

Component<PromptData, PromptProps, { onContinue(): void; onDismiss(): void }, PromptThis>({
  props: {
    rationale: '',
    heading: '',
    continueLabel: '',
    dismissLabel: '',
    locale: '',
    className: '',
  },
  data: {
    open: false,
    dirClass: 'mak-ltr',
    title: '',
    paragraphs: [],
    note: '',
    continueText: '',
    dismissText: '',
  },
  onInit() {
    const prompt = this as unknown as PromptThis;
    prompt.current = null;
    prompt.queue = [];
    prompt.stopWatching = null;
    prompt.release = null;
    prompt.unmounted = false;
    prompt.sheet = { present: (pending) => present(prompt, pending), page: prompt.$page };
    prompt.follower = followAuthorizer((change) => {
      if (change === 'provided') attach(prompt);
      render(prompt);
    });
  },
  deriveDataFromProps(nextProps) {
    render(this as unknown as PromptThis, nextProps as Readonly<PromptProps>);
  },
  didMount() {
    attach(this as unknown as PromptThis);
  },
  didUnmount() {
    const prompt = this as unknown as PromptThis;
    if (prompt.release) prompt.release();
    prompt.release = null;
    prompt.follower.stop();
    // A sheet taken off the page cannot be answered: "Not now" for what it held.
    const held = (prompt.current ? [prompt.current] : []).concat(prompt.queue.splice(0));
    if (prompt.current) detach(prompt);
    prompt.unmounted = true;
    for (const pending of held) pending.dismiss();
  },
  methods: {
    onContinue() {
      answer(this as unknown as PromptThis, 'continue');
    },
    onDismiss() {
      answer(this as unknown as PromptThis, 'dismiss');
    },
  },
});
