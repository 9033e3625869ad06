/**
 * The demo's simulated wallet OpenAPI: the kit's simulator (`miniapp-auth-kit/server/testing`:
 * applyToken, inquiryUserInfo and cancelToken with the gateway's checks, single-use codes, rotating
 * refresh tokens, signed answers, faults; `POST /sim/codes` and `GET /sim/avatars/<n>.svg`), served
 * on the demo's own loopback server (its Host guard: 421 to other names).
 */
import { createWalletOpenApiSimulator, parseCodeRequest } from 'miniapp-auth-kit/server/testing';
import { closeServer, createApiServer, listenOn } from './http-util.mjs';

export { avatarSvg, simulatedUser } from 'miniapp-auth-kit/server/testing';
export const SIM_CODES_PATH = '/sim/codes';

/**
 * @typedef {import('miniapp-auth-kit/server/testing').SimulatorFault} Fault
 *   the kit's faults; in the demo a fault hits applyToken unless it names another `api`.
 */

/** @param {Fault | null | undefined} fault */
const onApplyTokenByDefault = (fault) => (fault ? { api: 'applyToken', ...fault } : null);

/**
 * @param {{
 *   clientId: string,
 *   merchantPublicKeyPem: string | import('node:crypto').KeyObject,
 *   walletPrivateKeyPem: string | import('node:crypto').KeyObject,
 *   merchantKeyVersion?: number,
 *   fault?: Fault | null,
 * } & Omit<import('miniapp-auth-kit/server/testing').WalletOpenApiSimulatorOptions, 'merchantPublicKey' | 'walletPrivateKey' | 'fault'>} options
 *   the other options are the simulator's (`now`, `codeTtlMs`, `accessTokenTtlMs`, `latencyMs`…)
 */
export function createWalletOpenApi({ merchantPublicKeyPem, walletPrivateKeyPem, fault, ...options }) {
  const sim = createWalletOpenApiSimulator({ ...options, merchantPublicKey: merchantPublicKeyPem, walletPrivateKey: walletPrivateKeyPem, fault: onApplyTokenByDefault(fault) });
  /** @type {import('node:http').Server | null} */
  let server = null;
  return {
    /** Takes the simulator's routes (true), leaves the others to the host server (false). */
    handler: sim.nodeHandler,
    issueCode: sim.issueCode,
    /**
     * A standalone server (loopback by default; port 0 = a free port), answering loopback Host names
     * or `allowedHosts` (required when `host` is not loopback); others get 421.
     * @param {number} [port] @param {string} [host] @param {{ allowedHosts?: string[] }} [hosts]
     */
    async listen(port = 0, host = '127.0.0.1', { allowedHosts } = {}) {
      server = createApiServer(sim.nodeHandler, { bindHost: host, allowedHosts });
      return listenOn(server, port, host);
    },
    close: () => closeServer(server),
    /** @param {Fault | null} next */
    setFault: (next) => sim.setFault(onApplyTokenByDefault(next)),
    setLatency: sim.setLatency,
    inspectAccessToken: sim.inspectAccessToken,
    stats: sim.stats,
    defaultCustomerId: sim.defaultCustomerId,
  };
}

/**
 * The body of a `/sim/codes` request, checked: `{ scopes, customerId? }`, or what is wrong with it.
 * @param {Record<string, unknown>} body
 * @returns {{ scopes: string[], customerId?: string } | string}
 */
export function simCodeRequest({ scopes, customerId }) {
  try {
    if (!Array.isArray(scopes)) throw new TypeError('scopes must be a non-empty array of scope names');
    return parseCodeRequest({ scopes, customerId });
  } catch (error) {
    return /** @type {Error} */ (error).message;
  }
}
