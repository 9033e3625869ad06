/**
 * The demo's backend fault switch (the page's "wallet developer panel" uses it): make the NEXT auth
 * code the page's wallet gets refused by the wallet OpenAPI (expired, already used, unknown), or the
 * NEXT applyToken answer fail (U results, HTTP 500, a bad signature). Demo only: loopback, one shot.
 *
 *   GET  /sim/faults                 → { armed: <name> | null, available: [...] }
 *   POST /sim/faults { fault }       → arms one (fault: one of `available`, or null to disarm); the
 *                                      body must be declared JSON (415), so no cross-site form arms it
 *
 * Code faults act on `POST /sim/codes` (how the page's simulated wallet mints codes): the code handed
 * out is already expired, already exchanged once, or was never issued. applyToken faults are the wallet
 * OpenAPI simulator's own `setFault` (one call).
 */
import { loadDemoConfig } from './server/keys.mjs';
import { createWalletClient } from 'miniapp-auth-kit/server';
import { simCodeRequest } from './server/wallet-openapi.mjs';
import { HttpError, bodyTypeAccepted, readJsonObject, refuseBodyType, sendError, sendJson } from './server/http-util.mjs';


/** Faults of the code handed to the page (the backend answers 410 / 409 / 400). */
const CODE_FAULTS = ['EXPIRED_CODE', 'USED_CODE', 'INVALID_CODE'];
/** Faults of the wallet OpenAPI's next applyToken answer (start-servers' simulator). */
const OPENAPI_FAULTS = ['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT', 'HTTP_500', 'BAD_SIGNATURE'];

/** The largest body the switch reads (413 beyond it, like every other JSON route of the demo). */
const BODY_LIMIT = 16 * 1024;

/** The answer to a refused body: its own status (413) or 400 with `message`. */
function refuse(/** @type {import('node:http').ServerResponse} */ res, /** @type {unknown} */ error, /** @type {string} */ code, /** @type {string} */ message) {
  if (error instanceof HttpError && error.status !== 400) return sendError(res, error.status, error.code, error.message);
  sendError(res, 400, code, message);
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
  /** The merchant's keys, read when a fault first needs them. */
  /** @type {ReturnType<typeof loadDemoConfig> | undefined} */
  let config;

  /** Redeems a code once, signed as the merchant (the kit's client), so that the page's later exchange gets USED_CODE. */
  async function consume(/** @type {string} */ authCode) {
    config ??= loadDemoConfig({ dataDir, env });
    const client = createWalletClient({ baseUrl: servers.url, clientId: config.clientId, privateKey: config.merchantPrivateKeyPem, walletPublicKey: config.walletPublicKeyPem, keyVersion: config.keyVersion });
    try {
      await client.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode });
    } finally {
      client.close();
    }
  }

  /** A code for the page, spoiled as armed. */
  async function spoiledCode(/** @type {any} */ request, /** @type {string} */ fault) {
    const checked = simCodeRequest(request);
    if (typeof checked === 'string') return null;
    if (fault === 'INVALID_CODE') return `0000000001${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')}`;
    if (fault === 'EXPIRED_CODE') return wallet?.issueCode({ ...checked, ttlMs: -1000 }).authCode ?? null;
    const issued = wallet?.issueCode(checked);
    if (!issued) return null;
    await consume(issued.authCode);
    return issued.authCode;
  }

  /** `/sim/codes` while a code fault is armed: the page gets a spoiled code, once. */
  function spoilNextCode(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res, /** @type {string} */ fault) {
    armed = null;
    // A refused request leaves the fault armed for the next good one.
    const refused = (/** @type {unknown} */ error) => {
      armed = armed ?? fault;
      refuse(res, error, 'PARAM_ILLEGAL', 'bad code request');
    };
    readJsonObject(req, BODY_LIMIT, 'BAD_REQUEST')
      .then((request) => spoiledCode(request, fault))
      .then((authCode) => (authCode ? sendJson(res, 200, { authCode }) : refused(null)), refused);
  }

  /** `POST /sim/faults { fault }`: arms one fault (or none). */
  function arm(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
    readJsonObject(req, BODY_LIMIT, 'BAD_REQUEST').then(
      ({ fault }) => {
        if (fault !== null && (typeof fault !== 'string' || !available.includes(fault))) return sendError(res, 400, 'BAD_REQUEST', `fault must be one of ${available.join(', ')} or null`);
        const onApplyToken = fault !== null && OPENAPI_FAULTS.includes(fault);
        armed = fault !== null && !onApplyToken ? fault : null;
        openApiFault = onApplyToken && wallet ? { type: fault, faultsBefore: wallet.stats.faults } : null;
        wallet?.setFault(onApplyToken ? { type: fault, times: 1 } : null);
        sendJson(res, 200, { armed: current(), available });
      },
      (error) => refuse(res, error, 'BAD_REQUEST', 'send { "fault": "…" }'),
    );
  }

  /**
   * Handles `/sim/faults`, and `/sim/codes` while a code fault is armed. Returns false to let the
   * request through to the servers (which refuse a bad code request alike).
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} path
   */
  function handle(req, res, path) {
    if (path === '/sim/codes') {
      if (!armed || !CODE_FAULTS.includes(armed) || req.method !== 'POST' || !bodyTypeAccepted(req)) return false;
      spoilNextCode(req, res, armed);
      return true;
    }
    if (req.method === 'GET') {
      req.resume();
      sendJson(res, 200, { armed: current(), available });
    } else if (req.method !== 'POST') {
      req.resume();
      sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use GET or POST', {}, { Allow: 'GET, POST' });
    } else if (!bodyTypeAccepted(req)) {
      refuseBodyType(req, res);
    } else {
      arm(req, res);
    }
    return true;
  }

  return {
    handle,
    get armed() {
      return current();
    },
  };
}
