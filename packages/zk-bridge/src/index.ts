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
  ArtifactMismatchError,
  ArtifactNotFoundError,
  ProverProcessError,
  SettlementWitnessError,
} from './errors.js'
// The exit tree, leaves and Poseidon (also importable alone, without snarkjs, as `@rollup-mesh/zk-bridge/exits`).
export * from './exits.js'
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
  warmZkProver,
  zkCurveStarts,
} from './prover.js'
export {
  createProverProcess,
  defaultProverProcessOptions,
  type ProverProcess,
  type ProverProcessOptions,
} from './proverProcess.js'
