import {
  aggregateSignatures,
  fastAggregateVerify,
  PublicKey,
  SecretKey,
  Signature,
  verify,
} from '@chainsafe/blst'
import { InvalidParameterError } from '@rollup-mesh/core'

/**
 * BLS12-381 over `@chainsafe/blst` (Lodestar's binding of supranational/blst), min-pk as Ethereum's
 * consensus layer: 48-byte compressed G1 public keys, 96-byte compressed G2 signatures, hash-to-curve with
 * the proof-of-possession ciphersuite's DST `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_` (blst's binding
 * fixes it). Domain separation between votes, proposals and proofs of possession is therefore in the
 * signed message (`signingRoot.ts`), as Ethereum does with its signing domains.
 */
export const BLS_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'
export const BLS_PUBLIC_KEY_LENGTH = 48
export const BLS_SIGNATURE_LENGTH = 96

/** A validator's BLS key pair (the secret key stays in the process that signs). */
export type BLSKeyPair = { readonly secretKey: Uint8Array; readonly publicKey: Uint8Array }

/**
 * Derives a key pair from at least 32 bytes of secret input keying material (IETF KeyGen).
 *
 * @example
 * ```ts
 * const { publicKey } = blsKeyPairFromSeed(new Uint8Array(32).fill(7))
 * publicKey.length // 48
 * ```
 */
export function blsKeyPairFromSeed(ikm: Uint8Array): BLSKeyPair {
  if (ikm.length < 32)
    throw new InvalidParameterError({ param: 'ikm', expected: 'at least 32 bytes', got: ikm })
  const sk = SecretKey.fromKeygen(ikm)
  return { secretKey: sk.toBytes(), publicKey: sk.toPublicKey().toBytes(true) }
}

/** Signs `message` (a 32-byte signing root) with a 32-byte secret key; 96 bytes. */
export function blsSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return SecretKey.fromBytes(secretKey).sign(message).toBytes(true)
}

/** Verifies one signature; false (never a throw) for malformed keys or signatures. */
export function blsVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(
      message,
      PublicKey.fromBytes(publicKey, true),
      Signature.fromBytes(signature, true),
      false,
      false,
    )
  } catch {
    return false
  }
}

/** Aggregates signatures (group-checked) into one 96-byte signature. */
export function blsAggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array {
  if (signatures.length === 0)
    throw new InvalidParameterError({
      param: 'signatures',
      expected: 'at least one signature',
      got: signatures,
    })
  return aggregateSignatures(
    signatures.map((s) => Signature.fromBytes(s, true)),
    false,
  ).toBytes(true)
}

/**
 * Verifies an aggregate over one message by several keys. Safe against rogue keys only because every key
 * of a validator set has had its proof of possession checked (`validatorSetFromGenesis`).
 */
export function blsFastAggregateVerify(
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return fastAggregateVerify(
      message,
      publicKeys.map((k) => PublicKey.fromBytes(k)),
      Signature.fromBytes(signature, true),
      false,
    )
  } catch {
    return false
  }
}
