/**
 * The demo's backend fault switch (the page's "wallet developer panel" uses it): make the NEXT auth
 * code the page's wallet gets refused by the wallet OpenAPI (expired, already used, unknown), or the
 * NEXT applyToken answer fail (U results, HTTP 500, a bad signature). Demo only: loopback, one shot.
 *
 *   GET  /sim/faults                 → { armed: <name> | null, available: [...] }
 *   POST /sim/faults { fault }       → arms one (fault: one of `available`, or null to disarm)
 *
 * Code faults act on `POST /sim/codes` (how the page's simulated wallet mints codes): the code handed
 * out is already expired, already exchanged once, or was never issued. applyToken faults are the wallet
 * OpenAPI simulator's own `setFault` (one call).
 */
import { loadDemoConfig } from './server/keys.mjs';
import { APPLY_TOKEN_PATH, formatSignatureHeader, requestTime, sign, signedContent } from './server/signing.mjs';
import { simCodeRequest } from './server/wallet-openapi.mjs';

/** Faults of the code handed to the page (the backend answers 410 / 409 / 400). */
const CODE_FAULTS = ['EXPIRED_CODE', 'USED_CODE', 'INVALID_CODE'];
/** Faults of the wallet OpenAPI's next applyToken answer (start-servers' simulator). */
const OPENAPI_FAULTS = ['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT', 'HTTP_500', 'BAD_SIGNATURE'];

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<any>} */
function readJson(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > 16 * 1024) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        resolve(value);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

/**
 * @param {{ servers: Awaited<ReturnType<typeof import('./server/start-servers.mjs').startServers>>, dataDir: string, env: Record<string, string | undefined> }} options
 */
export function createFaultSwitch({ servers, dataDir, env }) {
  const wallet = servers.wallet;
  /** A code fault waiting for the next `/sim/codes`. */
  /** @type {string | null} */
  let armed = null;
  /** An applyToken fault handed to the wallet simulator, and its fault count then (used once it grows). */
  /** @type {{ type: string, faultsBefore: number } | null} */
  let openApiFault = null;
  const current = () => {
    if (armed) return armed;
    if (openApiFault && wallet && wallet.stats.faults === openApiFault.faultsBefore) return openApiFault.type;
    openApiFault = null;
    return null;
  };
  const available = wallet ? [...CODE_FAULTS, ...OPENAPI_FAULTS] : [];

  /** Redeems a code once, signed as the merchant, so that the page's later exchange gets USED_CODE. */
  async function consume(/** @type {string} */ authCode) {
    const config = loadDemoConfig({ dataDir, env });
    const body = JSON.stringify({ grantType: 'AUTHORIZATION_CODE', authCode });
    const time = requestTime(Date.now());
    const content = signedContent({ method: 'POST', path: APPLY_TOKEN_PATH, clientId: config.clientId, time, body });
    const response = await fetch(`${servers.url}${APPLY_TOKEN_PATH}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'Client-Id': config.clientId,
        'Request-Time': time,
        Signature: formatSignatureHeader(sign(content, config.merchantPrivateKeyPem)),
      },
      body,
    });
    await response.arrayBuffer();
  }

  /** A code for the page, spoiled as armed. */
  async function spoiledCode(/** @type {any} */ request, /** @type {string} */ fault) {
    const checked = simCodeRequest(request);
    if (typeof checked === 'string') return null;
    const { scopes } = checked;
    const who = checked.customerId === undefined ? {} : { customerId: checked.customerId };
    if (fault === 'INVALID_CODE') return `0000000001${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')}`;
    if (fault === 'EXPIRED_CODE') return wallet?.issueCode({ scopes, ...who, ttlMs: -1000 }).authCode ?? null;
    const issued = wallet?.issueCode({ scopes, ...who });
    if (!issued) return null;
    await consume(issued.authCode);
    return issued.authCode;
  }

  /**
   * Handles `/sim/faults`, and `/sim/codes` while a code fault is armed. Returns false to let the
   * request through to the servers.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} path
   */
  function handle(req, res, path) {
    if (path === '/sim/codes') {
      if (!armed || !CODE_FAULTS.includes(armed) || req.method !== 'POST') return false;
      const fault = armed;
      armed = null;
      readJson(req)
        .then((request) => spoiledCode(request, fault))
        .then(
          (authCode) => (authCode ? json(res, 200, { authCode }) : json(res, 400, { error: { code: 'PARAM_ILLEGAL', message: 'bad code request' } })),
          () => json(res, 400, { error: { code: 'PARAM_ILLEGAL', message: 'bad code request' } }),
        );
      return true;
    }
    if (req.method === 'GET') {
      req.resume();
      json(res, 200, { armed: current(), available });
      return true;
    }
    if (req.method !== 'POST') {
      req.resume();
      json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET or POST' } });
      return true;
    }
    readJson(req).then(
      ({ fault }) => {
        if (fault !== null && !available.includes(fault)) return json(res, 400, { error: { code: 'BAD_REQUEST', message: `fault must be one of ${available.join(', ')} or null` } });
        const onApplyToken = fault !== null && OPENAPI_FAULTS.includes(fault);
        armed = fault !== null && !onApplyToken ? fault : null;
        openApiFault = onApplyToken && wallet ? { type: fault, faultsBefore: wallet.stats.faults } : null;
        wallet?.setFault(onApplyToken ? { type: fault, times: 1 } : null);
        json(res, 200, { armed: current(), available });
      },
      () => json(res, 400, { error: { code: 'BAD_REQUEST', message: 'send { "fault": "…" }' } }),
    );
    return true;
  }

  return {
    handle,
    get armed() {
      return current();
    },
  };
}
