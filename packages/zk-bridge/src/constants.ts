/**
 * Depth of every SPN's exit tree: 2^24 (16.7M) message leaves per SPN. Settlements append aligned
 * 16-leaf subtrees, so an SPN can settle 2^20 (about a million) times before its tree is full.
 * The settlement circuit's cost grows by two Poseidon hashes (~490 constraints) per level; 24 keeps
 * it at 13.5k constraints, inside a 2^14 powers-of-tau (which fits depths up to 28).
 */
export const EXIT_TREE_DEPTH = 24

/** log2 of the leaves one settlement proof appends: the batch is an aligned subtree of this height. */
export const SETTLEMENT_BATCH_LEVELS = 4

/** Leaves one settlement proof appends (padding with empty leaves when the batch is shorter). */
export const SETTLEMENT_BATCH_SIZE = 1 << SETTLEMENT_BATCH_LEVELS

/** The BN254 scalar field order: every exit-tree value is an element of it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n

/** Reduces 32 bytes (a keccak hash, say) into the scalar field. */
export function toField(value: bigint): bigint {
  return ((value % SNARK_SCALAR_FIELD) + SNARK_SCALAR_FIELD) % SNARK_SCALAR_FIELD
}
