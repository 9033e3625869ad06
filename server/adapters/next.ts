/**
 * `toNextJsHandler(handler)` → `{ GET, POST }` for a Next.js route handler
 * (`app/api/auth/[...route]/route.ts`: `export const { GET, POST } = toNextJsHandler(auth.handler)`).
 * A Next.js request has no socket: give `createAuthServer` the `trustProxy` your platform's proxy
 * needs (or `clientAddress`) for the attempt limits.
 */
import type { FetchHandler } from '../auth/handler';

export function toNextJsHandler(handler: FetchHandler): { GET: (request: Request) => Promise<Response>; POST: (request: Request) => Promise<Response> } {
  if (typeof handler !== 'function') throw new TypeError("toNextJsHandler: handler must be the auth server's handler (createAuthServer(...).handler).");
  const route = (request: Request) => handler(request);
  return { GET: route, POST: route };
}
