import { keccak256 } from '@rollup-mesh/core'
import type { VerificationKey } from '@rollup-mesh/zk-bridge'
import { encodeAbiParameters, type Hash } from 'viem'

/**
 * Identifies a Groth16 verifying key: keccak256 over its coordinates as uint256 words, in the order
 * alpha1 (x, y), beta2, gamma2, delta2 (x1, x0, y1, y0, as the Solidity verifier stores them), IC (x, y)…
 * This is what `SPNRegistry.register` takes as `vkHash`.
 */
export function verifyingKeyHash(vkey: VerificationKey): Hash {
  const words: bigint[] = []
  const g1 = (p: unknown) => {
    const [x, y] = p as [string, string]
    words.push(BigInt(x), BigInt(y))
  }
  const g2 = (p: unknown) => {
    const [[x0, x1], [y0, y1]] = p as [[string, string], [string, string]]
    words.push(BigInt(x1), BigInt(x0), BigInt(y1), BigInt(y0))
  }
  g1(vkey.vk_alpha_1)
  g2(vkey.vk_beta_2)
  g2(vkey.vk_gamma_2)
  g2(vkey.vk_delta_2)
  for (const p of vkey.IC as unknown[]) g1(p)
  return keccak256(encodeAbiParameters([{ type: 'uint256[]' }], [words]))
}
