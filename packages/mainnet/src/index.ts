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
export {
  CONTRACTS_SOURCES_HASH,
  groth16VerifierAbi,
  mailboxAbi,
  SETTLEMENT_VK_HASH,
  settlementAbi,
  spnRegistryAbi,
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
export {
  createMainnetNode,
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
export { verifyingKeyHash } from './vkey.js'
