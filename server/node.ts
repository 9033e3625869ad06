/** `miniapp-auth-kit/server/node`: the auth server in Node: node:http, Express, Connect, Fastify, Koa, and a ready server. */
export { toNodeHandler } from './adapters/node';
export type { NodeHandler } from './adapters/node';
export type { NodeAdapterOptions, NodeRequest } from './adapters/node-bridge';
export { toFastifyPlugin } from './adapters/fastify';
export type { FastifyInstanceLike } from './adapters/fastify';
export { toKoaMiddleware } from './adapters/koa';
export type { KoaContextLike } from './adapters/koa';
export { listen } from './adapters/listen';
export type { ListenOptions, Listening } from './adapters/listen';
