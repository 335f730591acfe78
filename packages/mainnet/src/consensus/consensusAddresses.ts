import type { Address } from 'viem'

/**
 * The main net's consensus system addresses (beside `SYSTEM_ADDRESSES.mainnet`'s 0x…1001–0x…1004 and the
 * quote verifier at 0x…0a01): the validator-governance contract, the evidence registry, the BLS
 * proof-of-possession precompile and the keyless sender of evidence system transactions.
 */
export const CONSENSUS_ADDRESSES = {
  /** `ValidatorGovernance`: add / setPower / removeValidator, governance only. */
  validatorGovernance: '0x0000000000000000000000000000000000001005',
  /** `EvidenceRegistry`: equivocation evidence included in blocks, once per offence. */
  evidenceRegistry: '0x0000000000000000000000000000000000001006',
  /** Checks a BLS12-381 proof of possession: publicKey 48 ‖ proof 96 → a word, 1 when it verifies. */
  popVerifier: '0x0000000000000000000000000000000000000a03',
  /** The sender of evidence system transactions (deposits; no key exists for it). */
  evidenceSubmitter: '0xdeaddeaddeaddeaddeaddeaddeaddeaddead0002',
} as const satisfies Record<string, Address>
