/**
 * The wallet's user info narrowed to what a session's scopes cover: a page asked for the name gets
 * the name, not the phone number the same wallet grant may also reach.
 */
import type { UserInfo } from '../openapi/types';

/** userInfo field → the scopes that reach it (`userId` is every session's). */
const FIELD_SCOPES: Record<string, readonly string[]> = {
  userId: [],
  nickName: ['auth_user', 'USER_NAME'],
  userName: ['auth_user', 'USER_NAME'],
  avatar: ['auth_user', 'USER_AVATAR'],
  gender: ['USER_GENDER'],
  birthDate: ['USER_BIRTHDAY'],
  nationality: ['USER_NATIONALITY'],
  contactInfos: ['USER_CONTACTINFO'],
  loginIdInfos: ['USER_LOGIN_ID', 'HASH_LOGIN_ID'],
};

export function narrowUserInfo(info: UserInfo, scopes: readonly string[]): UserInfo {
  const out: UserInfo = {};
  for (const [field, needs] of Object.entries(FIELD_SCOPES)) {
    if (info[field] === undefined) continue;
    if (needs.length === 0 || needs.some((s) => scopes.includes(s))) out[field] = info[field];
  }
  return out;
}
