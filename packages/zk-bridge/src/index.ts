export {
  ARTIFACT_FILES,
  ARTIFACT_PART_BYTES,
  type ArtifactManifest,
  checkSettlementArtifacts,
  DEFAULT_ARTIFACTS_DIR,
  loadSettlementArtifacts,
  MANIFEST_FILE,
  readArtifactFile,
  type SettlementArtifacts,
  type VerificationKey,
  writeArtifactFile,
} from './artifacts.js'
export {
  EXIT_TREE_DEPTH,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  SNARK_SCALAR_FIELD,
  toField,
} from './constants.js'
export {
  ArtifactMismatchError,
  ArtifactNotFoundError,
  ExitTreeFullError,
  SettlementWitnessError,
} from './errors.js'
export { type ExitInclusionProof, ExitTree, type SettlementBatch, verifyExitProof } from './exit-tree.js'
export { dataHashToField, type ExitMessage, exitLeafHash, exitLeafHashOfDataHash } from './leaf.js'
export { EMPTY_LEAF, hashPair, ZERO_HASHES } from './poseidon.js'
export {
  calculateSettlementWitness,
  checkSettlementBatch,
  createSettlementProver,
  getSettlementArtifacts,
  type ProveSettlementOptions,
  proveSettlement,
  releaseZkThreads,
  SETTLEMENT_PUBLIC_SIGNALS,
  type SettlementCircuitInput,
  settlementCircuitInput,
  settlementPublicSignals,
  setZkThreadsIdleTimeout,
  verifySettlement,
} from './prover.js'
