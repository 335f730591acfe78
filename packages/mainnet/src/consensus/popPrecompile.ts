import { verifyProofOfPossession } from '@rollup-mesh/consensus'
import type { CustomPrecompile } from '@rollup-mesh/dual-vm'

/** Gas of one proof-of-possession check (two pairings, as EIP-2537's pairing price for k = 2, rounded up). */
export const POP_VERIFIER_GAS = 110_000n

const word = (v: 0 | 1): Uint8Array => {
  const out = new Uint8Array(32)
  out[31] = v
  return out
}

/**
 * The main net's BLS proof-of-possession precompile at `CONSENSUS_ADDRESSES.popVerifier` (0x…0a03), which
 * `ValidatorGovernance.addValidator` calls before accepting a key. Input: compressed G1 public key (48) ‖
 * proof (96, `createProofOfPossession`). Output: a 32-byte word, 1 when the proof verifies, 0 otherwise
 * (any other input length included). Gas `POP_VERIFIER_GAS`, whatever the outcome.
 *
 * @example
 * ```ts
 * const precompiles = new Map([[CONSENSUS_ADDRESSES.popVerifier, createPopVerifierPrecompile()]])
 * ```
 */
export function createPopVerifierPrecompile(): CustomPrecompile {
  return (input, { gasLimit }) => {
    const gasUsed = POP_VERIFIER_GAS
    if (gasLimit < gasUsed) return { returnData: new Uint8Array(), gasUsed: gasLimit, outOfGas: true }
    if (input.length !== 48 + 96) return { returnData: word(0), gasUsed }
    let ok = false
    try {
      ok = verifyProofOfPossession(input.slice(0, 48), input.slice(48))
    } catch {
      ok = false // a key or signature that does not decode is a failed proof
    }
    return { returnData: word(ok ? 1 : 0), gasUsed }
  }
}
