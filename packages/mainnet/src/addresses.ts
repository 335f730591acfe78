import type { Address } from 'viem'

/**
 * Fixed main-net addresses (genesis). System contracts sit at 0x…1001–0x…1004; the quote-verifier
 * precompile at 0x…0a01, away from Ethereum's precompiles (0x01–0x11 and EIP-7951's P256VERIFY at 0x0100).
 */
export const MAINNET_ADDRESSES = {
  spnRegistry: '0x0000000000000000000000000000000000001001',
  settlement: '0x0000000000000000000000000000000000001002',
  mailbox: '0x0000000000000000000000000000000000001003',
  /** zk-bridge's exported `Groth16Verifier` for the settlement circuit's committed verifying key. */
  groth16Verifier: '0x0000000000000000000000000000000000001004',
  /** The TEE quote-verifier precompile (tee-attest's verifier). */
  quoteVerifier: '0x0000000000000000000000000000000000000a01',
} as const satisfies Record<string, Address>
