/**
 * Routing of the backend's JSON API: each path has one method (405 otherwise); a POST body must be
 * declared JSON (415 otherwise); a failed route is answered with the error shape the kit reads.
 */
import { pathOf, sendError } from './http-util.mjs';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * @typedef {import('node:http').IncomingMessage} Req
 * @typedef {import('node:http').ServerResponse} Res
 * @typedef {{ method: string, body?: 'json', run(req: Req, res: Res): Promise<void> }} Route
 *   `body: 'json'`: the route reads a JSON body (its Content-Type is then required)
 */

/**
 * A POST body must be declared JSON: a cross-site form cannot send that type without a CORS preflight.
 * A bodiless POST (the bearer routes: no form can set Authorization) may leave the type out.
 * @param {Req} req @param {boolean} [needsBody] the route reads a body (then the type is required)
 */
export function bodyTypeAccepted(req, needsBody = true) {
  const type = req.headers['content-type'];
  const hasBody = needsBody || Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  return type === undefined ? !hasBody : JSON_TYPE.test(type);
}

/** The 415 answer to a POST whose body is not declared JSON. @param {Req} req @param {Res} res */
export function refuseBodyType(req, res) {
  req.resume();
  sendError(res, 415, 'BAD_REQUEST', 'send Content-Type: application/json', { retryable: false });
}

/**
 * @param {Record<string, Route>} routes
 * @param {(error: unknown, during: string) => import('./http-util.mjs').HttpError} toHttpError
 * @returns {(req: Req, res: Res) => boolean} takes its own paths (true), leaves any other (false) so a
 *   host server (the demo's page server) can mount it and serve the rest itself
 */
export function createJsonRouter(routes, toHttpError) {
  return function handler(req, res) {
    const path = pathOf(req);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return false;
    if (req.method !== route.method) {
      req.resume();
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `use ${route.method}`, { retryable: false }, { Allow: route.method });
      return true;
    }
    if (route.method === 'POST' && !bodyTypeAccepted(req, route.body === 'json')) {
      refuseBodyType(req, res);
      return true;
    }
    route.run(req, res).catch((error) => {
      const failure = toHttpError(error, 'request');
      sendError(res, failure.status, failure.code, failure.message, { retryable: failure.retryable }, failure.headers);
    });
    return true;
  };
}
