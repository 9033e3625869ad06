/** Random values for keys and codes: from Web Crypto where the engine has it. */
import { isFunction } from './checks';
import { globalValue } from './globals';

/** `byteCount` random bytes, as lowercase hex. */
export function randomHex(byteCount: number): string {
  const bytes = new Uint8Array(byteCount);
  const c = globalValue('crypto') as Crypto | undefined;
  if (isFunction(c?.getRandomValues)) c.getRandomValues(bytes);
  else for (let i = 0; i < byteCount; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
}
