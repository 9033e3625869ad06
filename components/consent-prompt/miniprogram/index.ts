// The file the engine loads for <consent-prompt>: the component itself is in the components' shared chunk
// (`shared/ui.js`), one file for the three, so what they share ships once.
import { registerConsentPrompt } from './component';

registerConsentPrompt();
