/**
 * The `profile` of `GET /api/me`: the user's name, avatar and (masked) phone from the wallet's
 * inquiryUserInfo (signed request, verified answer).
 */
import { OpenApiError } from './openapi-client.mjs';

/**
 * An avatar the page may load: a same-origin path (the simulated wallet's `/sim/avatars/…`) or an
 * https URL; nothing that could be a script or another scheme.
 * @param {string} value
 */
function isSafeImageUrl(value) {
  if (/^\/(?!\/)[A-Za-z0-9._~\/-]*$/.test(value)) return !value.split('/').includes('..');
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * @param {{
 *   store: ReturnType<typeof import('./merchant-store.mjs').openMerchantStore>,
 *   inquiryUserInfo: ReturnType<typeof import('./openapi-client.mjs').createOpenApiClient>['inquiryUserInfo'],
 *   profileTimeoutMs: number,
 *   logger: { warn(message: string): void },
 * }} deps
 */
export function createProfileReader({ store, inquiryUserInfo, profileTimeoutMs, logger }) {
  /**
   * The profile, each field only when this session's scopes cover it (the wallet in turn answers only
   * what the token's scopes reach). Nothing is cached: the access token is decrypted for the call and
   * dropped, the answer goes to the caller.
   * @param {import('./merchant-store.mjs').SessionRecord} session
   * @returns {Promise<{ name?: string, avatar?: string, phone?: string } | null>} null when the wallet call failed
   */
  return async function profileOf(session) {
    const wants = { name: session.scopes.includes('USER_NAME'), avatar: session.scopes.includes('USER_AVATAR'), phone: session.scopes.includes('USER_CONTACTINFO') };
    if (!wants.name && !wants.avatar && !wants.phone) return {};
    try {
      const { accessToken } = store.readTokens(session.tokenId);
      const info = await inquiryUserInfo(accessToken, { timeoutMs: profileTimeoutMs });
      if (session.customerId && info.userId !== null && info.userId !== session.customerId) {
        logger.warn('inquiryUserInfo answered for another user; profile left out');
        return null;
      }
      const avatar = info.avatar !== null && isSafeImageUrl(info.avatar) ? info.avatar : null;
      return {
        ...(wants.name && info.fullName !== null ? { name: info.fullName } : {}),
        ...(wants.avatar && avatar !== null ? { avatar } : {}),
        ...(wants.phone && info.mobilePhone !== null ? { phone: info.mobilePhone } : {}),
      };
    } catch (error) {
      // OpenApiError messages never carry tokens; for anything else only the error's name is logged.
      logger.warn(`inquiryUserInfo failed; profile left out: ${error instanceof OpenApiError ? error.message : error instanceof Error ? error.name : 'error'}`);
      return null;
    }
  };
}
