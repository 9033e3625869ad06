/**
 * `miniapp-auth-kit/server/testing`: the wallet OpenAPI simulator for your backend's tests, a one-call
 * setup that pairs it with the client's options, and the conformance suite for a store of your own.
 */
import type { WalletClientOptions, WalletProfile } from '../openapi/types';
import { generateKeyPair, type TestKeyPair } from './keys';
import { createWalletOpenApiSimulator, type WalletOpenApiSimulator, type WalletOpenApiSimulatorOptions } from './simulator';

export { createWalletOpenApiSimulator, parseCodeRequest } from './simulator';
export type { CodeRequest, IssuedCode, SimulatorCall, WalletOpenApiSimulator, WalletOpenApiSimulatorOptions } from './simulator';
export type { SimulatorFault, SimulatorFaultType } from './faults';
export { FAULT_TYPES } from './faults';
export { generateKeyPair } from './keys';
export type { TestKeyPair } from './keys';
export { avatarSvg, simulatedUser } from './users';
export type { SimulatedUser } from './users';
export { runStoreConformance, storeConformanceCases } from './store-conformance';
export type { ConformanceCase } from './store-conformance';

export interface TestWalletOptions extends Partial<Omit<WalletOpenApiSimulatorOptions, 'merchantPublicKey' | 'walletPrivateKey'>> {
  /** The client's dialect (default `superqi`); `alipayplus` gets an `appId`. */
  profile?: WalletProfile;
  /** Reuse key pairs (generating RSA keys takes a moment). */
  merchantKeys?: TestKeyPair;
  walletKeys?: TestKeyPair;
}

export interface TestWallet {
  simulator: WalletOpenApiSimulator;
  /** Options for `createWalletClient`, talking to the simulator through its in-process `fetch`. */
  clientOptions: WalletClientOptions & Required<Pick<WalletClientOptions, 'fetch'>>;
  merchantKeys: TestKeyPair;
  walletKeys: TestKeyPair;
}

/**
 * A simulator with fresh (or given) keys, and the client options that reach it without a socket:
 * `const { simulator, clientOptions } = await createTestWallet(); const wallet = createWalletClient(clientOptions);`
 */
export async function createTestWallet(options: TestWalletOptions = {}): Promise<TestWallet> {
  const { profile = 'superqi', merchantKeys: givenMerchant, walletKeys: givenWallet, ...simulatorOptions } = options;
  const [merchantKeys, walletKeys] = await Promise.all([givenMerchant ?? generateKeyPair(), givenWallet ?? generateKeyPair()]);
  const simulator = createWalletOpenApiSimulator({ ...simulatorOptions, merchantPublicKey: merchantKeys.publicKeyPem, walletPrivateKey: walletKeys.privateKeyPem });
  const clientOptions = {
    baseUrl: `https://wallet.test${simulatorOptions.basePath ?? ''}`,
    clientId: simulator.clientId,
    privateKey: merchantKeys.privateKeyPem,
    walletPublicKey: walletKeys.publicKeyPem,
    profile,
    fetch: simulator.fetch,
    ...(profile === 'alipayplus' ? { appId: '3333010071465913' } : {}),
    ...(simulatorOptions.authClientId ? { authClientId: simulatorOptions.authClientId } : {}),
    ...(simulatorOptions.now ? { now: simulatorOptions.now } : {}),
  };
  return { simulator, clientOptions, merchantKeys, walletKeys };
}
