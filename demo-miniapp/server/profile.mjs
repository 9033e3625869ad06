/**
 * The `profile` of `GET /api/me`: the user's name, avatar and (masked) phone from the wallet's
 * inquiryUserInfo (signed request, verified answer).
 */
import { WalletError } from 'miniapp-auth-kit/server';

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
 *   inquiryUserInfo: import('miniapp-auth-kit/server').WalletClient['inquiryUserInfo'],
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
      const info = displayFields(await inquiryUserInfo(accessToken, { timeoutMs: profileTimeoutMs }));
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
      // WalletError messages never carry tokens; for anything else only the error's name is logged.
      logger.warn(`inquiryUserInfo failed; profile left out: ${error instanceof WalletError ? error.message : error instanceof Error ? error.name : 'error'}`);
      return null;
    }
  };
}

/**
 * What the page may show of the wallet's `userInfo` (each null when absent: the token's scopes do not
 * reach it, or the value is not a short displayable string).
 * @param {import('miniapp-auth-kit/server').UserInfo} info
 */
function displayFields(info) {
  const mobile = Array.isArray(info.contactInfos) ? info.contactInfos.find((c) => c && c.contactType === 'MOBILE_PHONE') : undefined;
  return {
    userId: displayText(info.userId, 64),
    fullName: displayText(info.userName?.fullName, 128),
    avatar: displayText(info.avatar, 2048),
    mobilePhone: displayText(mobile?.contactNo, 64),
  };
}

/**
 * A short displayable string from the wallet, or null (absent, empty, too long, control characters).
 * @param {unknown} value @param {number} max
 */
function displayText(value, max) {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  // eslint-disable-next-line no-control-regex
  return trimmed.length > 0 && trimmed.length <= max && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed) ? trimmed : null;
}
