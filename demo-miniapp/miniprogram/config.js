/**
 * The one place to point the demo at its merchant backend and to choose its wallet.
 * `npm run demo` (at the repository's root) serves the backend on http://127.0.0.1:4173.
 */
export const config = {
  /** The merchant backend (the kit's auth server): `POST /api/auth/session`, `GET /api/auth/me`, `POST /api/auth/logout`. */
  backendUrl: 'http://127.0.0.1:4173',
  /**
   * The IDE's simulator has no wallet whose codes the demo backend accepts: with `true`, a small
   * stand-in (lib/dev-wallet.js) shows the consent page with `my.confirm` and mints real codes at
   * the demo's simulated wallet OpenAPI (`POST /sim/codes`). In a real Alipay+ wallet: `false`.
   */
  simulatedWallet: true,
};
