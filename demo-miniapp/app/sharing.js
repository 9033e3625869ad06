/**
 * What the user shares with the miniapp, from one source: the kit's current grant (its consent record,
 * which a sign-out clears). Me's "Shared with" list and the Permissions rows both read it here. The
 * backend remembers more (the customer's token reaches what they allowed before a sign-out): the page
 * never shows that, and asks the backend for its current grant only.
 */

/** The permissions the page shows, with the scopes behind each (their codes appear in the developer panel only). */
export const PERMISSIONS = Object.freeze([
  { key: 'perm.account', scopes: ['auth_base'] },
  { key: 'perm.profile', scopes: ['USER_NAME', 'USER_AVATAR'] },
  { key: 'perm.contact', scopes: ['USER_CONTACTINFO'] },
  { key: 'perm.updates', scopes: ['NOTIFICATION_INBOX'] },
]);

/** `granted`, `denied` or `unknown` for one permission row (the wallet account: granted while signed in). */
export function permissionState(authorizer, scopes) {
  if (scopes.every((s) => s === 'auth_base')) return authorizer.session() ? 'granted' : 'unknown';
  const states = scopes.map((s) => authorizer.consentState(s));
  if (states.includes('denied')) return 'denied';
  if (states.every((s) => s === 'granted')) return 'granted';
  return 'unknown';
}

/** The permissions shared now, besides the wallet account: "Shared with Tigris Market". */
export function sharedPermissions(authorizer) {
  return PERMISSIONS.filter((p) => p.key !== 'perm.account' && permissionState(authorizer, p.scopes) === 'granted');
}
