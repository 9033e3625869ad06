/**
 * The two wire dialects of the same OpenAPI. `superqi` (SuperQi's docs and demos): v1 paths, the
 * signature as raw base64 with `, ` between fields. `alipayplus` (the Alipay+ mini program platform
 * and Alipay's global-open-sdk): v2 paths with `appId`, `authClientId` and `customerBelongsTo` in the
 * body, the signature URL-encoded, no spaces. Answers are accepted in either encoding.
 */
import type { HeaderStyle } from './signing';
import type { ApplyTokenRequest, WalletProfile } from './types';

export interface ProfileContext {
  appId: string | null;
  authClientId: string;
  customerBelongsTo: string | null;
}

export interface Profile {
  name: WalletProfile;
  paths: { applyToken: string; inquiryUserInfo: string; cancelToken: string };
  headerStyle: HeaderStyle;
  applyTokenBody(request: ApplyTokenRequest, context: ProfileContext): Record<string, unknown>;
  inquiryUserInfoBody(accessToken: string, context: ProfileContext): Record<string, unknown>;
  cancelTokenBody(accessToken: string, context: ProfileContext): Record<string, unknown>;
}

const grant = (request: ApplyTokenRequest) =>
  request.grantType === 'AUTHORIZATION_CODE' ? { grantType: request.grantType, authCode: request.authCode } : { grantType: request.grantType, refreshToken: request.refreshToken };

/** `extendInfo` is a JSON string; SuperQi's docs put the user's wallet (`customerBelongsTo`) there. */
const extendInfo = (context: ProfileContext) => (context.customerBelongsTo ? { extendInfo: JSON.stringify({ customerBelongsTo: context.customerBelongsTo }) } : {});

export const PROFILES: Record<WalletProfile, Profile> = {
  superqi: {
    name: 'superqi',
    paths: { applyToken: '/v1/authorizations/applyToken', inquiryUserInfo: '/v1/users/inquiryUserInfo', cancelToken: '/v1/authorizations/cancelToken' },
    headerStyle: { urlEncode: false, separator: ', ' },
    applyTokenBody: (request, context) => ({ ...grant(request), ...extendInfo(context) }),
    inquiryUserInfoBody: (accessToken) => ({ accessToken }),
    cancelTokenBody: (accessToken, context) => ({ accessToken, ...extendInfo(context) }),
  },
  alipayplus: {
    name: 'alipayplus',
    // cancelToken is documented only under v1, for both platforms.
    paths: { applyToken: '/v2/authorizations/applyToken', inquiryUserInfo: '/v2/users/inquiryUserInfo', cancelToken: '/v1/authorizations/cancelToken' },
    headerStyle: { urlEncode: true, separator: ',' },
    applyTokenBody: (request, context) => ({
      appId: context.appId,
      authClientId: context.authClientId,
      ...(context.customerBelongsTo ? { customerBelongsTo: context.customerBelongsTo } : {}),
      ...grant(request),
    }),
    inquiryUserInfoBody: (accessToken, context) => ({ accessToken, authClientId: context.authClientId }),
    cancelTokenBody: (accessToken, context) => ({ accessToken, ...extendInfo(context) }),
  },
};
