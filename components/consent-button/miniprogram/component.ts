/**
 * `<consent-button>` for DSL mini programs: one `<button>` whose tap asks the wallet for consent.
 * The tap handler calls `authorize(scopes, { gesture: true })` before anything else, so the core
 * calls `my.getAuthCode` inside the user's tap. Same states and rules as the H5 element: the
 * state rule, texts (the default label by data group, each failure told by the side that failed),
 * when the line under the button invites a tap, scope parsing and failure classification are the
 * shared ones. Once authorized it reads as done: a tap only confirms the session (no wallet, no
 * spinner, no pressed look).
 */
import type { AuthError, Session } from '../../../utils';
import { reportError } from '../../../utils/emitter';
import { followAuthorizer, type Follower } from '../../miniprogram/follow';
import { defineComponent } from '../../miniprogram/lifecycle';
import { directionOf, messagesFor } from '../../miniprogram/locales';
import { notify } from '../../miniprogram/notify';
import { problemOf, problemReporter, reportProblem, type ProblemReporter } from '../../miniprogram/problems';
import { readFlag, readLocale, readScopes, readText } from '../../miniprogram/props';
import { directionClass, update } from '../../miniprogram/view';
import { classifyFailure, type ConsentDeniedDetail } from '../../shared/events';
import { addRationaleSource } from '../../shared/registry';
import { defaultLabel, deniedScopes, deriveButtonState, rationaleFor, statusText, tapHelps, type ConsentButtonState } from '../state';

const TAG = 'consent-button';

interface ButtonProps {
  /** Space or comma separated, or an array. */
  scopes: string | string[];
  /** Why the miniapp asks: shown after a refusal and on the consent sheet. */
  rationale: string;
  locale: string;
  disabled: boolean;
  /** Extra classes on the root, for the page's styles. */
  className: string;
  /** Inline style of the root. */
  style: string;
  /** The label when the page gives no content of its own. */
  label: string;
  onAuthorized?: (detail: { session: Session }) => void;
  onDenied?: (detail: ConsentDeniedDetail) => void;
  onError?: (detail: { error: Error }) => void;
}

interface ButtonData {
  state: ConsentButtonState;
  /** The `<button>`'s `disabled`: the `disabled` prop, or nothing to ask with (no authorizer, bad scopes). */
  buttonDisabled: boolean;
  /** `none` when a tap asks nothing (disabled, or done): no pressed look. */
  hoverClass: string;
  dirClass: string;
  /** The `label` prop, else the built-in label of the data asked for (shown when the page gives no content). */
  labelText: string;
  message: string;
  /** The line under the button invites a tap ("Tap to allow access.", "Tap to try again."): a tap on it asks again. */
  hintTap: boolean;
  rationaleText: string;
}

interface ButtonThis {
  data: ButtonData;
  props: Readonly<ButtonProps>;
  setData(data: Partial<ButtonData>): void;
  follower: Follower;
  problems: ProblemReporter;
  /** Taps so far; only the latest tap's answer changes the state and raises events. */
  taps: number;
  pendingTap: number;
  outcome: 'denied' | 'error' | null;
  lastError: Error | null;
  unmounted: boolean;
  removeSource: (() => void) | null;
}

function viewOf(button: ButtonThis, props: Readonly<ButtonProps>): ButtonData {
  const locale = readLocale(props.locale);
  const t = messagesFor(locale);
  const parsed = readScopes(props.scopes);
  const authorizer = button.follower.current();
  const problem = problemOf(TAG, authorizer, parsed);
  const state = stateOf(button, parsed.scopes, problem);
  const buttonDisabled = readFlag(props.disabled) || problem !== null;
  const error = problem || button.lastError;
  return {
    state,
    buttonDisabled,
    hoverClass: buttonDisabled || state === 'authorized' ? 'none' : 'mak-btn--pressed',
    dirClass: directionClass(directionOf(locale)),
    labelText: readText(props.label) || defaultLabel(parsed.scopes, authorizer, t),
    message: statusText(state, error, t),
    hintTap: !buttonDisabled && tapHelps(state, error),
    rationaleText: state === 'denied' ? rationaleFor(readText(props.rationale), parsed.scopes, authorizer, t) : '',
  };
}

function stateOf(button: ButtonThis, scopes: string[], problem: Error | null): ConsentButtonState {
  if (problem) return 'error';
  return deriveButtonState({ pending: button.pendingTap !== 0, outcome: button.outcome, authorizer: button.follower.current(), scopes });
}

function render(button: ButtonThis, props: Readonly<ButtonProps> = button.props): void {
  if (button.unmounted) return;
  update(button, viewOf(button, props));
}

function settle(button: ButtonThis, tap: number, session: Session | null, error: Error | null): void {
  if (tap !== button.taps) return;
  button.pendingTap = 0;
  if (session) {
    render(button);
    // Delivered even when the button is gone (an auth-gate opened by this very tap removes it).
    notify(button.props, 'onAuthorized', { session });
    return;
  }
  const failure = classifyFailure(error);
  // Aborted (signed out, replaced): back to what the authorizer says, no event.
  if (failure !== 'aborted') {
    button.outcome = failure;
    button.lastError = error;
  }
  render(button);
  if (failure === 'denied') {
    notify(button.props, 'onDenied', { scopes: deniedScopes(error as AuthError, readScopes(button.props.scopes).scopes), error: error as AuthError });
  } else if (failure === 'error') {
    notify(button.props, 'onError', { error: error as Error });
  }
}

/**
 * The tap: the wallet is asked first, synchronously; the button's own state follows. Done already,
 * the session answers at once without the wallet: the button stays as it is (no spinner flashes
 * by) and `onAuthorized` confirms it again, as the H5 element's event does.
 */
function request(button: ButtonThis): void {
  const authorizer = button.follower.current();
  const parsed = readScopes(button.props.scopes);
  if (!authorizer || parsed.error) return;
  const done = stateOf(button, parsed.scopes, null) === 'authorized';
  let answer: Promise<Session>;
  try {
    answer = authorizer.authorize(parsed.scopes, { gesture: true });
  } catch (error) {
    answer = Promise.reject(error);
  }
  // The wallet was called first, inside the tap; the tap is the user engaging too, as any trusted
  // tap is in an H5 page.
  authorizer.markEngaged();
  const tap = ++button.taps;
  if (!done) {
    button.pendingTap = tap;
    button.outcome = null;
    button.lastError = null;
    render(button);
  }
  answer
    .then(
      (session) => settle(button, tap, session, null),
      (error: unknown) => settle(button, tap, null, error instanceof Error ? error : new Error(String(error))),
    )
    .then(undefined, reportError);
}

/** Registers the component (`Component()`): called by its `index.js`, the file the engine loads for it. */
export function registerConsentButton(): void {
  defineComponent<ButtonData, ButtonProps, { onTap(): void; onHintTap(): void }, ButtonThis>({
    props: {
      scopes: '',
      rationale: '',
      locale: '',
      disabled: false,
      className: '',
      style: '',
      label: '',
    },
    data: {
      state: 'idle',
      buttonDisabled: true,
      hoverClass: 'none',
      dirClass: 'mak-ltr',
      labelText: '',
      message: '',
      hintTap: false,
      rationaleText: '',
    },
    onInit() {
      const button = this;
      button.taps = 0;
      button.pendingTap = 0;
      button.outcome = null;
      button.lastError = null;
      button.unmounted = false;
      button.removeSource = null;
      button.problems = problemReporter();
      button.follower = followAuthorizer((change) => {
        // A sign-out or another authorizer forgets what the last tap ended with.
        if (change === 'signed-out' || change === 'provided') {
          button.outcome = null;
          button.lastError = null;
        }
        render(button);
        reportProblem(TAG, button);
      });
    },
    deriveDataFromProps(nextProps) {
      render(this, nextProps as Readonly<ButtonProps>);
    },
    didMount() {
      const button = this;
      // The consent sheet shows the rationale written on a button asking for the same scopes.
      button.removeSource = addRationaleSource({
        get scopes() {
          return readScopes(button.props.scopes).scopes;
        },
        get rationale() {
          return readText(button.props.rationale) || null;
        },
      });
      render(button);
      reportProblem(TAG, button);
    },
    didUpdate() {
      reportProblem(TAG, this);
    },
    didUnmount() {
      const button = this;
      button.unmounted = true;
      button.follower.stop();
      if (button.removeSource) button.removeSource();
      button.removeSource = null;
    },
    methods: {
      onTap() {
        const button = this;
        if (button.data.buttonDisabled) return;
        request(button);
      },
      // The line under the button, when it invites a tap: the same request as the button's.
      onHintTap() {
        const button = this;
        if (button.data.buttonDisabled || !button.data.hintTap) return;
        request(button);
      },
    },
  });
}
