/**
 * The merchant's HTTP client for the wallet OpenAPI: node:http / node:https over kept-alive
 * connections, with the part of the fetch interface the OpenAPI client uses (`status`,
 * `headers.get()`, `text()`; `signal` aborts). Built-in fetch does the same at several times the CPU
 * per call, on the thread that serves the miniapps' requests.
 */
import http from 'node:http';
import https from 'node:https';

const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * @typedef {{ status: number, headers: { get(name: string): string | null }, text(): Promise<string> }} TransportResponse
 * @typedef {(url: URL | string, init: { method: string, headers: Record<string, string>, body: string, signal?: AbortSignal }) => Promise<TransportResponse>} Transport
 */

/** @returns {Transport & { close(): void }} */
export function createHttpTransport() {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  /** @type {Transport} */
  const transport = (target, init) => {
    const url = typeof target === 'string' ? new URL(target) : target;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const headers = { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
      const req = client.request(url, { method: init.method, headers, agent: agents[/** @type {'http:' | 'https:'} */ (url.protocol)], ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
        const chunks = /** @type {Buffer[]} */ ([]);
        let size = 0;
        res.on('data', (/** @type {Buffer} */ chunk) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) res.destroy(new Error('answer too large'));
          else chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: { get: (name) => headerValue(res.headers[name.toLowerCase()]) },
            text: () => Promise.resolve(text),
          });
        });
      });
      req.on('error', reject);
      req.end(init.body);
    });
  };
  /** Ends the kept-alive connections. */
  const close = () => Object.values(agents).forEach((agent) => agent.destroy());
  return Object.assign(transport, { close });
}

/** @param {string | string[] | undefined} value */
function headerValue(value) {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
