/**
 * The routes over `Request → Response`, under `basePath`:
 * - `POST /session` `{ authCode, scopes }` + `Idempotency-Key` (+ the bearer of the session it adds to)
 *   → `{ sessionId, customerId, scopes, expiresAt }`
 * - `GET /me` with the bearer → `{ customerId, scopes, user }` (the wallet's user info, narrowed)
 * - `POST /logout` with the bearer → 204
 */
import type { ClientAddressContext, ResolvedOptions } from './options';
import { AuthServerError, errorAnswer, jsonAnswer, toResponse, BASE_HEADERS, type Answer } from './answers';
import { carriesForwarding, clientAddressOf } from './client-address';
import { bearerOf, checkBodyType, exchangeFields, fromRequest, idempotencyKeyOf, readJsonObject, type AuthRequest } from './requests';
import { toApiError } from './wallet-failures';
import type { AuthCore } from './core';

interface Route {
  method: 'GET' | 'POST';
  run(request: AuthRequest, ctx: ClientAddressContext): Promise<Answer>;
}

export type FetchHandler = (request: Request, ctx?: ClientAddressContext) => Promise<Response>;

/** Where a handler keeps its routes' own entry, for the Node adapter (a symbol of the registry: it holds across copies of the module). */
export const ANSWER = Symbol.for('miniapp-auth-kit.server.answer');
export type AnswerFn = (request: AuthRequest, ctx?: ClientAddressContext) => Promise<Answer>;
export const answerOf = (handler: FetchHandler): AnswerFn | undefined => (handler as unknown as Record<symbol, AnswerFn | undefined>)[ANSWER];

export function createHandler(o: ResolvedOptions, core: AuthCore): FetchHandler {
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    o.logger.warn(message);
  };

  function addressOf(request: AuthRequest, ctx: ClientAddressContext): string {
    if (o.clientAddress) return o.clientAddress(request.toRequest(), ctx) ?? 'unknown';
    if (ctx.clientAddress) return ctx.clientAddress;
    const get = (name: string) => request.header(name);
    const address = o.trustProxy === false ? null : clientAddressOf(get, undefined, o.trustProxy);
    if (address) return address;
    if (o.trustProxy === false && carriesForwarding(get)) {
      warnOnce('forwarding', 'requests carry proxy headers (X-Forwarded-For, Forwarded) but trustProxy is not set: every client counts as one for the attempt limits. Set trustProxy to what your proxy sends.');
    } else {
      warnOnce('address', 'no client address (pass ctx.clientAddress to handler, or set clientAddress / trustProxy): every client counts as one for the attempt limits.');
    }
    return 'unknown';
  }

  const routes: Record<string, Route> = {
    '/session': {
      method: 'POST',
      async run(request, ctx) {
        checkBodyType(request, true);
        const { authCode, scopes } = await readJsonObject(request);
        // A bearer of a live session of the same customer: the new session adds to its scopes.
        const sessionId = bearerOf(request) ?? undefined;
        const fields = exchangeFields({ authCode, scopes, idempotencyKey: idempotencyKeyOf(request), sessionId });
        await core.limits.exchange(addressOf(request, ctx));
        return jsonAnswer(200, await core.exchangeCode(fields));
      },
    },
    '/me': {
      method: 'GET',
      async run(request) {
        const session = await core.sessionOf(bearerOf(request));
        await core.limits.sessionCall(session.idHash);
        const user = await core.userInfo(session);
        return jsonAnswer(200, { customerId: session.customerId, scopes: session.scopes, user });
      },
    },
    '/logout': {
      method: 'POST',
      async run(request) {
        checkBodyType(request, false);
        const session = await core.sessionOf(bearerOf(request));
        await core.store.deleteSession({ clientId: o.clientId, idHash: session.idHash });
        return { status: 204, headers: { ...BASE_HEADERS }, body: null };
      },
    },
  };

  const answer: AnswerFn = async (request, ctx = {}) => {
    const path = pathOf(request.url);
    const name = path?.startsWith(`${o.basePath}/`) ? path.slice(o.basePath.length) : null;
    const route = name !== null && Object.prototype.hasOwnProperty.call(routes, name) ? routes[name] : undefined;
    if (!route) return errorAnswer(new AuthServerError(404, 'NOT_FOUND', 'no such route', { retryable: false }));
    if (request.method !== route.method) {
      return errorAnswer(new AuthServerError(405, 'METHOD_NOT_ALLOWED', `use ${route.method}`, { retryable: false, headers: { Allow: route.method } }));
    }
    try {
      await core.ready();
      return await route.run(request, ctx ?? {});
    } catch (error) {
      return errorAnswer(toApiError(error, `${route.method} ${name}`, o.logger));
    }
  };
  const handler: FetchHandler = async (request, ctx) => toResponse(await answer(fromRequest(request), ctx));
  Object.defineProperty(handler, ANSWER, { value: answer });
  return handler;
}

/** The path of an absolute URL or of a request target (`/api/auth/me?x`), undecoded; null when it is neither. */
function pathOf(url: string): string | null {
  if (url.startsWith('/')) return url.split(/[?#]/)[0] as string;
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}
