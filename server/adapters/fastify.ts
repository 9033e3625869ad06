/**
 * `toFastifyPlugin(handler, options?)`: a Fastify plugin serving the auth routes under `basePath`.
 * Register it without fastify-plugin (its content-type parser stays inside): the body reaches the
 * handler as the client sent it, whatever its type, so the handler's own checks answer (415, 413).
 * Types are structural: Fastify's own are not needed to install the kit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler } from '../auth/handler';
import type { Answer } from '../auth/answers';
import { closeAfterAnswer, createBridge, type NodeAdapterOptions } from './node-bridge';

interface FastifyRequestLike {
  raw: IncomingMessage;
  body?: unknown;
}
interface FastifyReplyLike {
  raw: ServerResponse;
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(type: string, parser: (request: unknown, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void): unknown;
  route(options: { method: string[]; url: string; handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> }): unknown;
}

export function toFastifyPlugin(handler: FetchHandler, options: NodeAdapterOptions = {}): (fastify: FastifyInstanceLike) => Promise<void> {
  const bridge = createBridge(handler, options, 'toFastifyPlugin');

  function send(answer: Answer, request: FastifyRequestLike, reply: FastifyReplyLike) {
    if (answer.status === 413) closeAfterAnswer(request.raw, reply.raw);
    reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
    return reply.send(answer.body ?? undefined);
  }

  return async function miniappAuthKit(fastify) {
    // Every type (JSON too), unparsed: the bridge reads the payload stream itself, within its limit.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    fastify.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: `${bridge.basePath}/*`,
      handler: async (request, reply) => send(await bridge.answer(request.raw), request, reply),
    });
  };
}
