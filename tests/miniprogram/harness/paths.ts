/** Where the harness finds the repository and the shipped DSL folder. */
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const DIST = resolve(ROOT, 'dist/miniprogram');
