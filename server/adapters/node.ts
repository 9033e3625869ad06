/**
 * `toNodeHandler(handler, options?)` → `(req, res, next?)` for node:http, Express and Connect: it
 * serves the paths under `basePath` and hands any other to `next()` (404 without one). It works with
 * or without a JSON body parser before it (`express.json()`).
 */
import type { ServerResponse } from 'node:http';
import type { FetchHandler } from '../auth/handler';
import { errorAnswer, AuthServerError } from '../auth/answers';
import { createBridge, sendAnswer, type NodeAdapterOptions, type NodeRequest } from './node-bridge';

export type NodeHandler = (req: NodeRequest, res: ServerResponse, next?: (error?: unknown) => void) => void;

export function toNodeHandler(handler: FetchHandler, options: NodeAdapterOptions = {}): NodeHandler {
  const bridge = createBridge(handler, options);
  return function nodeHandler(req, res, next) {
    if (!bridge.handles(req.originalUrl ?? req.url)) {
      if (next) return next();
      return sendAnswer(req, res, errorAnswer(new AuthServerError(404, 'NOT_FOUND', 'no such route', { retryable: false })));
    }
    bridge.serve(req, res).catch((error) => {
      if (next) return next(error);
      sendAnswer(req, res, errorAnswer(new AuthServerError(500, 'BACKEND_ERROR', 'internal error', { retryable: true })));
    });
  };
}
