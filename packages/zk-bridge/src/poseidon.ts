import { poseidon2 } from 'poseidon-lite/poseidon2'
import { EXIT_TREE_DEPTH } from './constants.js'

/** Poseidon(2) over BN254, identical to circomlib's `Poseidon(2)`: the exit tree's node hash. */
export function hashPair(left: bigint, right: bigint): bigint {
  return poseidon2([left, right])
}

/** The value of an empty leaf: no message hashes to it (Poseidon never outputs 0 in practice). */
export const EMPTY_LEAF = 0n

function computeZeroHashes(depth: number): readonly bigint[] {
  const zeros: bigint[] = [EMPTY_LEAF]
  for (let level = 0; level < depth; level++) {
    const below = zeros[level] as bigint
    zeros.push(hashPair(below, below))
  }
  return Object.freeze(zeros)
}

/**
 * `ZERO_HASHES[h]` is the root of an empty subtree of height `h` (`ZERO_HASHES[0]` is the empty leaf),
 * for `h` from 0 to `EXIT_TREE_DEPTH`; `ZERO_HASHES[EXIT_TREE_DEPTH]` is the root of an empty exit tree.
 */
export const ZERO_HASHES: readonly bigint[] = computeZeroHashes(EXIT_TREE_DEPTH)
