/**
 * Wallet tokens sealed for the store: each bound by its additional data to its table, column, client
 * and customer, so a token copied into another row (or a row relabelled for another customer or
 * miniapp) does not open.
 */
import type { TokenGrant } from '../openapi/types';
import type { GrantRecord, SealedTokens } from '../store/types';
import type { Sealer } from './seal';

type Column = 'access_token' | 'refresh_token';

export const tokenAad = (column: Column, clientId: string, customerId: string): string => JSON.stringify(['mak_grants', column, clientId, customerId]);

export async function sealTokens(sealer: Sealer, clientId: string, customerId: string, grant: TokenGrant): Promise<SealedTokens> {
  const [accessToken, refreshToken] = await Promise.all([
    sealer.seal(grant.accessToken, tokenAad('access_token', clientId, customerId)),
    grant.refreshToken === null ? null : sealer.seal(grant.refreshToken, tokenAad('refresh_token', clientId, customerId)),
  ]);
  return { accessToken, accessTokenExpiresAt: grant.accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt: grant.refreshTokenExpiresAt, keyId: sealer.currentKeyId };
}

export const openToken = (sealer: Sealer, grant: GrantRecord, column: Column): Promise<string> =>
  sealer.open(column === 'access_token' ? grant.accessToken : (grant.refreshToken as string), tokenAad(column, grant.clientId, grant.customerId));
