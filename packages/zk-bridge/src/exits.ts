/**
 * The exit tree, its leaves and Poseidon hashing alone, without snarkjs: what
 * on-chain verifiers (the SPN's exit-proof precompile, loaded in every parallel
 * executor worker) need. `@rollup-mesh/zk-bridge/exits`.
 */
export {
  EXIT_TREE_DEPTH,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  SNARK_SCALAR_FIELD,
  toField,
} from './constants.js'
export { ExitTreeFullError } from './errors.js'
export { type ExitInclusionProof, ExitTree, type SettlementBatch, verifyExitProof } from './exit-tree.js'
export { dataHashToField, type ExitLeafMessage, exitLeafHash, exitLeafHashOfDataHash } from './leaf.js'
export { EMPTY_LEAF, hashPair, ZERO_HASHES } from './poseidon.js'
