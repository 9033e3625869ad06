/**
 * The IIFE build (`dist/miniapp-auth-kit.iife.js`): core and components on
 * `globalThis.MiniappAuthKit`, for pages without a bundler. Still defines nothing by itself.
 */
import './locales/ar';
import './locales/ku';

export * from '../utils';
export * from './index';
