/** The node process wrapper (chain's), for `mesh node start`: one wrapper for the bins and the CLI. */
export { readyLine, runNode } from '@rollup-mesh/chain'
export {
  type AcceptanceCheck,
  type AcceptanceCheckName,
  type AcceptanceVerification,
  exportSettlementAcceptance,
  type SettlementAcceptance,
  type VerifyAcceptanceOptions,
  verifySettlementAcceptance,
} from './acceptance.js'
export {
  type BundleCheck,
  type BundleCheckName,
  type BundleVerification,
  exportProofBundle,
  type ProofBundle,
  type VerifyBundleOptions,
  verifyProofBundle,
} from './bundle.js'
export {
  checkSettlement,
  deregisterSPN,
  encodeSubmitSettlement,
  mainnetContracts,
  type RegisteredSPN,
  type RegisterSPNArgs,
  readFinalizedExitRoot,
  readMailbox,
  readSettlementTip,
  readSPN,
  registerSPN,
  revertReasonOf,
  type SettlementAccepted,
  type SettlementTip,
  SPN_STATUS,
  type SubmitSettlementArgs,
  settlementAcceptedEvents,
  submitSettlement,
} from './client.js'
export {
  defaultMainnetOptions,
  type MainnetConfig,
  type MainnetConfigInput,
  mainnetConfigSchema,
  parseMainnetConfig,
} from './config.js'
export { decodeBlockHeader, encodeBlockHeader } from './consensus/blockBody.js'
export { CONSENSUS_ADDRESSES } from './consensus/consensusAddresses.js'
export {
  type ConsensusDriver,
  type ConsensusDriverInit,
  type ConsensusNetwork,
  type ConsensusTimers,
  createConsensusDriver,
  type LastCommit,
} from './consensus/consensusDriver.js'
export { consensusVerdict, FAR_FUTURE_HEIGHTS, wireConsensusGossip } from './consensus/consensusGossip.js'
export { commitJSON, consensusRPCMethods } from './consensus/consensusRPC.js'
export { CRASH_AFTER_PREVOTE_ENV, withCrashTestHook } from './consensus/crashTestHook.js'
export {
  ConsensusConfigError,
  InvalidBlockEvidenceError,
  InvalidProposalBodyError,
} from './consensus/errors.js'
export {
  checkBlockEvidence,
  type EvidenceParts,
  evidenceBlockStartHook,
  evidenceTx,
  MAX_EVIDENCE_PER_BLOCK,
} from './consensus/evidenceInclusion.js'
export { EvidenceStore, type OffenceKey, type StoredEvidence } from './consensus/evidenceStore.js'
export {
  applyValidatorChanges,
  GovernedValidators,
  type ValidatorChange,
  validatorChangesOf,
} from './consensus/governedValidators.js'
export { createPopVerifierPrecompile, POP_VERIFIER_GAS } from './consensus/popPrecompile.js'
export {
  blsSeedOf,
  type GenesisValidatorConfig,
  genesisValidatorOf,
  validatorSetOfConfig,
} from './consensus/validatorKeys.js'
export {
  type MainnetValidators,
  mainnetValidators,
  type SelfValidator,
  validatorsExtraData,
} from './consensus/validatorSetup.js'
export {
  CONTRACTS_SOURCES_HASH,
  evidenceRegistryAbi,
  groth16VerifierAbi,
  mailboxAbi,
  SETTLEMENT_VK_HASH,
  settlementAbi,
  spnRegistryAbi,
  validatorGovernanceAbi,
} from './contracts.generated.js'
export { BundleCheckError, SettlementRejectedError } from './errors.js'
export { mappingSlot, systemContractsAlloc } from './genesis.js'
export { acceptedSettlements } from './gossip.js'
export {
  decodeSettlementHeader,
  encodeGroth16Proof,
  encodeSettlementHeader,
  publicSignalsToUint,
  SETTLEMENT_HEADER_ABI,
  SETTLEMENT_HEADER_LENGTH,
  type SettlementHeader,
  settlementHashField,
  settlementHeaderHash,
  settlementPublicSignals,
  settlementReportData,
} from './header.js'
export { createHeaderGossip, type HeaderGossip, toP2PHeader } from './headerGossip.js'
export { mainnetPrecompiles } from './mainnetPrecompiles.js'
export {
  createMainnetNode,
  type MainnetConsensus,
  type MainnetNode,
  type MainnetNodeInit,
  mainnetGenesisAlloc,
} from './node.js'
export {
  createQuoteVerifierPrecompile,
  encodeMainnetQuoteVerifierInput,
  QUOTE_VERIFIER_INPUT_ABI,
  type QuoteVerifierPrecompileOptions,
} from './precompile.js'
export {
  certificateDifferences,
  type MainnetReplayOptions,
  replayMainnet,
} from './replay.js'
export { createTxGossip, type TxGossip, txRefusalVerdict } from './txGossip.js'
export { verifyingKeyHash } from './vkey.js'
