/** Styles of `<auth-gate>`: layout neutral; it only chooses which content is shown. */
import { TOKENS } from '../shared/theme';

export const AUTH_GATE_CSS = `${TOKENS}
:host { display: block; }
.root { display: contents; }
`;
