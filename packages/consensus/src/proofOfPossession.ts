import { blsSign, blsVerify } from './bls.js'
import { popSigningRoot } from './signingRoot.js'

/**
 * A proof of possession: the key's signature over its own public key (under the `pop` domain). Checking
 * it for every key of a set is what makes fast aggregate verification safe against rogue-key attacks.
 *
 * @example
 * ```ts
 * const pop = createProofOfPossession(keys.secretKey, keys.publicKey)
 * verifyProofOfPossession(keys.publicKey, pop) // true
 * ```
 */
export function createProofOfPossession(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return blsSign(secretKey, popSigningRoot(publicKey))
}

export function verifyProofOfPossession(publicKey: Uint8Array, proof: Uint8Array): boolean {
  return blsVerify(publicKey, popSigningRoot(publicKey), proof)
}
