import { bytesToHex, type Hex } from '@rollup-mesh/core'
import { InvalidMessageError } from '../errors.js'
import { asBytes, type RLPItem } from '../rlp.js'

/** Version tag mixed into every signing hash, so a signature never verifies under another protocol or network. */
export const DOMAIN = 'rollup-mesh/1'

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** A 65-byte signature: r and s in [1, n), s in the lower half (no malleable twin), v 27 or 28. */
export function asSignature(what: string, item: RLPItem | undefined): Hex {
  const bytes = asBytes(what, 'signature', item)
  if (bytes.length !== 65)
    throw new InvalidMessageError({ what, field: 'signature', expected: '65 bytes (r ‖ s ‖ v)' })
  const r = BigInt(bytesToHex(bytes.subarray(0, 32)))
  const s = BigInt(bytesToHex(bytes.subarray(32, 64)))
  const v = bytes[64]
  if (r === 0n || r >= SECP256K1_N || s === 0n || s > SECP256K1_N / 2n || (v !== 27 && v !== 28))
    throw new InvalidMessageError({
      what,
      field: 'signature',
      expected: 'a secp256k1 signature with 0 < r < n, 0 < s ≤ n/2, v ∈ {27, 28}',
    })
  return bytesToHex(bytes)
}

/** The message without its `signature` field (what a producer signs, before the signature is attached). */
export function stripSignature<T extends object>(value: T): Omit<T, 'signature'> {
  const { signature: _, ...rest } = value as T & { signature?: Hex }
  return rest
}
