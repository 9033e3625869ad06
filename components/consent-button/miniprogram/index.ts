// The file the engine loads for <consent-button>: the component itself is in the components' shared chunk
// (`shared/ui.js`), one file for the three, so what they share ships once.
import { registerConsentButton } from './component';

registerConsentButton();
