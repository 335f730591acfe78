/** Depth of every SPN's exit tree: 2^32 messages per SPN. */
export const EXIT_TREE_DEPTH = 32

/** The BN254 scalar field order: every exit-tree value is an element of it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n

/** Reduces 32 bytes (a keccak hash, say) into the scalar field. */
export function toField(value: bigint): bigint {
  return ((value % SNARK_SCALAR_FIELD) + SNARK_SCALAR_FIELD) % SNARK_SCALAR_FIELD
}
