/**
 * `<auth-gate scopes="…">` for DSL mini programs: its default slot when the session covers the
 * scopes, else `slot="fallback"` (a consent button for the scopes when the page gives none). What
 * it does not show is left out with `a:if`/`a:else`, and it follows the authorizer live: a grant
 * anywhere opens it, a sign-out or an expiry closes it.
 */
import type { Session } from '../../../utils';
import { followAuthorizer, type Follower } from '../../miniprogram/follow';
import { defineComponent } from '../../miniprogram/lifecycle';
import { directionOf } from '../../miniprogram/locales';
import { notify } from '../../miniprogram/notify';
import { currentProblem, problemReporter, reportProblem, type ProblemReporter } from '../../miniprogram/problems';
import { readLocale, readScopes, readText } from '../../miniprogram/props';
import { directionClass, update } from '../../miniprogram/view';
import type { ConsentDeniedDetail } from '../../shared/events';
import { covers } from '../../shared/scopes';

const TAG = 'auth-gate';

interface GateProps {
  scopes: string | string[];
  /** Rationale of the built-in consent button. */
  rationale: string;
  /** Label of the built-in consent button. */
  buttonLabel: string;
  locale: string;
  className: string;
  style: string;
  /** The gate opened: the scopes became authorized while it was mounted (by any button, on any page). */
  onAuthorized?: (detail: { session: Session }) => void;
  onDenied?: (detail: ConsentDeniedDetail) => void;
  onError?: (detail: { error: Error }) => void;
}

interface GateData {
  authorized: boolean;
  dirClass: string;
}

interface GateThis {
  data: GateData;
  props: Readonly<GateProps>;
  setData(data: Partial<GateData>): void;
  follower: Follower;
  problems: ProblemReporter;
  mounted: boolean;
  unmounted: boolean;
}

function viewOf(gate: GateThis, props: Readonly<GateProps>): GateData {
  const parsed = readScopes(props.scopes);
  const authorizer = gate.follower.current();
  return {
    authorized: !parsed.error && !!authorizer && covers(authorizer.session(), parsed.scopes),
    // Without a locale of its own the gate leaves the page's direction alone (it wraps page content).
    dirClass: readText(props.locale) ? directionClass(directionOf(readLocale(props.locale))) : '',
  };
}

function render(gate: GateThis, props: Readonly<GateProps> = gate.props): void {
  if (gate.unmounted) return;
  const diff = update(gate, viewOf(gate, props));
  // The gate opened (a grant by its own button or the page's, on any page): tell the page once.
  if (diff?.authorized !== true || !gate.mounted) return;
  const session = gate.follower.current()?.session();
  if (session) notify(props, 'onAuthorized', { session });
}

/** Registers the component (`Component()`): called by its `index.js`, the file the engine loads for it. */
export function registerAuthGate(): void {
  defineComponent<
    GateData,
    GateProps,
    {
      onButtonDenied(detail: ConsentDeniedDetail): void;
      onButtonError(detail: { error: Error }): void;
    },
    GateThis
  >({
    props: {
      scopes: '',
      rationale: '',
      buttonLabel: '',
      locale: '',
      className: '',
      style: '',
    },
    data: {
      authorized: false,
      dirClass: '',
    },
    onInit() {
      const gate = this;
      gate.unmounted = false;
      gate.mounted = false;
      gate.problems = problemReporter();
      gate.follower = followAuthorizer(() => {
        render(gate);
        reportProblem(TAG, gate);
      });
    },
    deriveDataFromProps(nextProps) {
      render(this, nextProps as Readonly<GateProps>);
    },
    didMount() {
      const gate = this;
      // Authorized already at mount is not an opening: onAuthorized tells of changes only.
      gate.mounted = true;
      reportProblem(TAG, gate);
    },
    didUpdate() {
      reportProblem(TAG, this);
    },
    didUnmount() {
      const gate = this;
      gate.unmounted = true;
      gate.follower.stop();
    },
    // The built-in button's refusals and errors, passed on as the gate's own (its grant opens the gate).
    methods: {
      onButtonDenied(detail) {
        notify(this.props, 'onDenied', detail);
      },
      onButtonError(detail) {
        const gate = this;
        // The gate reports its own bad scopes or missing authorizer once; the button's copy is dropped.
        if (currentProblem(TAG, gate)) return;
        notify(gate.props, 'onError', detail);
      },
    },
  });
}
