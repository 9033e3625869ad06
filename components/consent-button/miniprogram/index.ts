/**
 * `<consent-button>` for DSL mini programs: one `<button>` whose tap asks the wallet for consent.
 * The tap handler calls `authorize(scopes, { gesture: true })` before anything else, so the core
 * calls `my.getAuthCode` inside the user's tap. Same states and rules as the H5 element: the
 * state rule, texts, scope parsing and failure classification are the shared ones.
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
import { deniedScopes, deriveButtonState, rationaleFor, statusText, type ConsentButtonState } from '../state';

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
  dirClass: string;
  /** The `label` prop, else the built-in label (shown when the page gives no content). */
  labelText: string;
  message: string;
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
  const state: ConsentButtonState = problem
    ? 'error'
    : deriveButtonState({ pending: button.pendingTap !== 0, outcome: button.outcome, authorizer, scopes: parsed.scopes });
  return {
    state,
    buttonDisabled: readFlag(props.disabled) || problem !== null,
    dirClass: directionClass(directionOf(locale)),
    labelText: readText(props.label) || t.label,
    message: statusText(state, problem || button.lastError, t),
    rationaleText: state === 'denied' ? rationaleFor(readText(props.rationale), parsed.scopes, authorizer, t) : '',
  };
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

/** The tap: the wallet is asked first, synchronously; the button's own state follows. */
function request(button: ButtonThis): void {
  const authorizer = button.follower.current();
  const parsed = readScopes(button.props.scopes);
  if (!authorizer || parsed.error) return;
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
  button.pendingTap = tap;
  button.outcome = null;
  button.lastError = null;
  render(button);
  answer
    .then(
      (session) => settle(button, tap, session, null),
      (error: unknown) => settle(button, tap, null, error instanceof Error ? error : new Error(String(error))),
    )
    .then(undefined, reportError);
}

defineComponent<ButtonData, ButtonProps, { onTap(): void }, ButtonThis>({
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
    dirClass: 'mak-ltr',
    labelText: '',
    message: '',
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
  },
});
