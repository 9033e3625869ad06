/**
 * The demo's simulated wallet OpenAPI (demo-miniapp/server/wallet-openapi.mjs) for the tests that probe
 * it over real loopback HTTP, with one merchant and one wallet key pair per test file.
 */
import { loadServerModule, makeClock } from './helpers';
import * as signingHelpers from './signing';

export const MINUTE = 60_000;

let modules: { signing: any; walletModule: any; merchant: KeyPair; walletKeys: KeyPair } | null = null;

interface KeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** The wallet module and one merchant and one wallet key pair, shared by the tests of a file. */
export async function serverModules() {
  if (!modules) {
    const signing = signingHelpers;
    modules = {
      signing,
      walletModule: await loadServerModule('wallet-openapi.mjs'),
      merchant: signing.generateKeyPair(),
      walletKeys: signing.generateKeyPair(),
    };
  }
  return modules;
}

/** A wallet simulator on a loopback port with its own settable clock (`options` go to `createWalletOpenApi`); the caller closes it. */
export async function startWallet(options: Record<string, unknown> = {}): Promise<{ wallet: any; url: string; clock: ReturnType<typeof makeClock> }> {
  const { walletModule, merchant, walletKeys } = await serverModules();
  const clock = makeClock();
  const wallet = walletModule.createWalletOpenApi({
    clientId: 'TEST_CLIENT',
    merchantPublicKeyPem: merchant.publicKeyPem,
    walletPrivateKeyPem: walletKeys.privateKeyPem,
    now: clock.now,
    ...options,
  });
  const { url } = await wallet.listen(0);
  return { wallet, url, clock };
}
