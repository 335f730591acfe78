import type { Address } from 'viem'

/**
 * The system addresses both sides of the mesh agree on: the main net's genesis contracts and precompile,
 * and each SPN's own. One table, so that an SPN following the main net and the main net itself can never
 * disagree about where the Mailbox is.
 *
 * @example
 * ```ts
 * import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
 * console.log(SYSTEM_ADDRESSES.mainnet.mailbox) // 0x0000000000000000000000000000000000001003
 * ```
 */
export const SYSTEM_ADDRESSES = {
  /**
   * Main-net genesis: system contracts at 0x…1001–0x…1004; the quote-verifier precompile at 0x…0a01, away
   * from Ethereum's precompiles (0x01–0x11 and EIP-7951's P256VERIFY at 0x0100).
   */
  mainnet: {
    spnRegistry: '0x0000000000000000000000000000000000001001',
    settlement: '0x0000000000000000000000000000000000001002',
    mailbox: '0x0000000000000000000000000000000000001003',
    /** zk-bridge's exported `Groth16Verifier` for the settlement circuit's committed verifying key. */
    groth16Verifier: '0x0000000000000000000000000000000000001004',
    /** The TEE quote-verifier precompile (tee-attest's verifier). */
    quoteVerifier: '0x0000000000000000000000000000000000000a01',
  },
  /** Every SPN's genesis. */
  spn: {
    /** The SPN's Mailbox system contract: `sendMessage` appends to the exit tree; deposits arrive here. */
    mailbox: '0x0000000000000000000000000000000000002001',
    /** The exit-proof precompile: checks a message's inclusion path against a finalized exit root. */
    exitProofVerifier: '0x0000000000000000000000000000000000000a02',
    /** The sender of the system transactions that deliver inbound messages (no key exists for it). */
    system: '0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001',
  },
} as const satisfies Record<'mainnet' | 'spn', Record<string, Address>>
