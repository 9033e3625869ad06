/** `miniapp-auth-kit/testing`: the simulated wallet for the kit's tests, the demo and yours. */
export { createWalletSimulator } from './wallet-simulator';
export type {
  ConsentRequest,
  ExchangeResult,
  IssuedCode,
  SimulatedMy,
  UserAnswer,
  UserScript,
  WalletCall,
  WalletFault,
  WalletSimulator,
  WalletSimulatorOptions,
} from './types';
