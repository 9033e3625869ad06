/**
 * `toKoaMiddleware(handler, options?)`: Koa middleware serving the auth routes under `basePath` and
 * passing every other request on (`next()`). Works with or without a body parser before it
 * (`ctx.request.body`). Types are structural: Koa's own are not needed to install the kit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler } from '../auth/handler';
import { closeAfterAnswer, createBridge, type NodeAdapterOptions } from './node-bridge';

export interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
  request: { body?: unknown };
  status: number;
  body: unknown;
  set(name: string, value: string): void;
}

export function toKoaMiddleware(handler: FetchHandler, options: NodeAdapterOptions = {}): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown> {
  const bridge = createBridge(handler, options, 'toKoaMiddleware');
  return async function miniappAuthKit(ctx, next) {
    if (!bridge.handles(ctx.req.url)) return next();
    const answer = await bridge.answer(ctx.req, ctx.request.body);
    if (answer.status === 413) closeAfterAnswer(ctx.req, ctx.res);
    ctx.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, value);
    ctx.body = answer.body;
    return undefined;
  };
}
