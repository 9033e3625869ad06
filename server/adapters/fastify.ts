/**
 * `toFastifyPlugin(handler, options?)`: a Fastify plugin serving the auth routes under `basePath`.
 * Register it without fastify-plugin (its content-type parser stays inside): the body reaches the
 * handler as the client sent it, whatever its type, so the handler's own checks answer (415, 413).
 * Types are structural: Fastify's own are not needed to install the kit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler } from '../auth/handler';
import { errorResponse } from '../auth/answers';
import { tooLarge } from '../auth/requests';
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

  async function answer(response: Response, reply: FastifyReplyLike) {
    reply.code(response.status);
    response.headers.forEach((value, name) => void reply.header(name, value));
    return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
  }

  return async function miniappAuthKit(fastify) {
    // Every type (JSON too), unparsed: the bridge reads the payload stream itself, within its limit.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    fastify.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: `${bridge.basePath}/*`,
      async handler(request, reply) {
        const converted = await bridge.toFetch(request.raw);
        if (converted === 'too-large') {
          closeAfterAnswer(request.raw, reply.raw);
          return answer(errorResponse(tooLarge()), reply);
        }
        const response = await handler(converted.request, converted.clientAddress ? { clientAddress: converted.clientAddress } : {});
        if (response.status === 413) closeAfterAnswer(request.raw, reply.raw);
        return answer(response, reply);
      },
    });
  };
}
