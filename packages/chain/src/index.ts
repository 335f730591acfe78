export { type BaseFeeParams, defaultBaseFeeParams, nextBaseFee } from './basefee.js'
export {
  type BlockHeader,
  EMPTY_BLOOM,
  encodeHeader,
  hashHeader,
  prevRandaoOf,
  receiptsRootOf,
  type StoredHeader,
  transactionsRootOf,
} from './block.js'
export type { BlockCandidate } from './blockCandidate.js'
export { BlockCertificates, type StoredCertificate } from './blockCertificates.js'
export { BlockClock, BlockTimestampError, type NextTimestampInput } from './blockClock.js'
export { InvalidBlockError, StaleCandidateError } from './blockErrors.js'
export type { BlockStartHook, ExitRootHook } from './blockHooks.js'
export { BlockReads } from './blockReads.js'
export {
  hasPendingBlockStartWork,
  type PendingBlockStartWork,
  setPendingBlockStartWork,
} from './blockStartWork.js'
export type { CallSimulator } from './callSimulator.js'
export {
  Chain,
  type ChainComponents,
  type ChainOptions,
  type ChainSnapshot,
  type RewindHook,
  type SealedBlockStart,
} from './chain.js'
export { type CommittedState, type CommittedStateOptions, openCommittedState } from './committedState.js'
export { type CommitDone, CommitWriter, type CommitWriterOptions } from './commitWriter.js'
export {
  createInlineDecoder,
  createTxDecoderPool,
  type TxDecoder,
  type TxDecoderPoolOptions,
} from './decoder.js'
export { ChainStoreError, RPCError, RPCErrorCode, TxRejectedError, type TxRejectReason } from './errors.js'
export { effectiveGasPrice, effectiveTip } from './fees.js'
export { type GenesisSpec, genesisHeader } from './genesis.js'
export { HistoricalStateView } from './historicalStateView.js'
export { impersonatedTx, impersonationSignature, isImpersonated } from './impersonatedTx.js'
export {
  Mempool,
  type MempoolContent,
  type MempoolDeps,
  type MempoolEvents,
  type MempoolOptions,
} from './mempool.js'
export {
  type BlockStage,
  createNodeMetrics,
  type NodeMetrics,
  type NodeMetricsInit,
} from './metrics/nodeMetrics.js'
export { isMetricsRequest, METRICS_CONTENT_TYPE, serveMetrics } from './metrics/serveMetrics.js'
export {
  type ChainNode,
  type ChainNodeInit,
  createChainNode,
  type NodeComponents,
  type NodeContext,
  type NodeService,
} from './node/chainNode.js'
export {
  type ChainNodeConfig,
  chainNodeConfigFields,
  defaultChainNodeConfig,
  type GenesisAccountConfig,
  genesisAccountSchema,
} from './node/config.js'
export { devAccountsOf, nodeGenesisAlloc } from './node/genesisAlloc.js'
export type { NodeNetwork, NodeNetworkOptions } from './node/network.js'
export { type NodeInfoBase, nodeInfoBase } from './node/nodeInfo.js'
export {
  type NodeProcessOptions,
  type NodeRun,
  readyLine,
  runNode,
  runNodeProcess,
  type StoppableNode,
} from './node/nodeProcess.js'
export { type RPCFile, rpcFilePath, writeRPCFile } from './node/rpcFile.js'
export {
  mempoolIntrinsicGas,
  type NodeGenesisAccount,
  type NodeGenesisAlloc,
  type NodeVM,
} from './node/vm.js'
export {
  type BlockProducer,
  createIntervalBlockProducer,
  type IntervalBlockProducerOptions,
  shouldSealAt,
} from './producer.js'
export {
  REPLAY_FIELDS,
  type ReplayDifference,
  ReplayEmptyChainError,
  type ReplayedBlock,
  type ReplayField,
  type ReplayOptions,
  type ReplayReport,
  ReplayScratchNotEmptyError,
  replayChain,
} from './replay.js'
export { type NodeReplayOptions, ReplayDataDirError, withReplayStores } from './replayStores.js'
export { createBlockQueryMethods } from './rpc/blockQueries.js'
export { createDevBlockMethods, MAX_MINED_BLOCKS } from './rpc/devBlocks.js'
export { createDevStateMethods } from './rpc/devState.js'
export { type DispatchOptions, dispatchRPC } from './rpc/dispatch.js'
export { createEthMethods, type EthMethodsOptions } from './rpc/eth.js'
export { createFilterMethods, defaultFilterOptions, type FilterMethodsOptions } from './rpc/filters.js'
export {
  createHostPolicy,
  type HostPolicy,
  hostNameOf,
  isWildcardHost,
  LOOPBACK_HOST_NAMES,
} from './rpc/hostPolicy.js'
export { createImpersonationMethods, Impersonation } from './rpc/impersonation.js'
export { isJSONContentType, JSON_CONTENT_TYPES } from './rpc/jsonContentType.js'
export {
  createOriginPolicy,
  isExtensionOrigin,
  normalizeOrigin,
  type OriginPolicy,
} from './rpc/originPolicy.js'
export {
  expectCount,
  invalidParam,
  paramAddress,
  paramBlock,
  paramBool,
  paramHex,
  paramIndex,
  paramOneOf,
  paramQuantity,
  parseQuantity,
} from './rpc/params.js'
export { createReadMethods, READ_METHOD_NAMES, type ReadMethodsOptions } from './rpc/readMethods.js'
export { createReadPool, type ReadPool, type ReadPoolOptions } from './rpc/readPool.js'
export { createReadRouter, type ReadRouter, type ReadRouterInit } from './rpc/readRouter.js'
export { type ChainReadSource, headerOfRef } from './rpc/readSource.js'
export { revertError } from './rpc/revert.js'
export {
  createRPCServer,
  type RPCConnection,
  type RPCContext,
  type RPCMethod,
  type RPCMethods,
  type RPCServer,
  type RPCServerOptions,
} from './rpc/server.js'
export { createSigningMethods, type SigningMethodsOptions } from './rpc/signing.js'
export { createSnapshotMethods } from './rpc/snapshots.js'
export {
  createStateDumpMethods,
  type DumpedAccount,
  decodeStateDump,
  dumpChainState,
  encodeStateDump,
  type StateDump,
  stateDumpWriteSet,
} from './rpc/stateDump.js'
export { createTxpoolMethods } from './rpc/txpool.js'
export {
  isLoopbackHost,
  isUnsafeMethod,
  UNSAFE_METHOD_PREFIXES,
  UNSAFE_METHODS,
  type UnsafeMethodsPolicy,
  unsafeMethodRefused,
  unsafeMethodsPolicy,
} from './rpc/unsafeMethods.js'
export {
  type BlockQueues,
  type BlockStageTimes,
  type ChainEvents,
  logsOfBlock,
  type SealedBlock,
} from './sealedBlock.js'
export { recoverSigner, recoveryBackend } from './secp256k1.js'
export {
  decodeSettlementHeader,
  encodeGroth16Proof,
  encodeSettlementHeader,
  publicSignalsToUint,
  SETTLEMENT_HEADER_ABI,
  SETTLEMENT_HEADER_LENGTH,
  SETTLEMENT_MAX_LEAVES,
  type SettlementHeader,
  settlementHashField,
  settlementHeaderHash,
  settlementReportData,
  settlementSubmitAbi,
} from './settlement.js'
export { SnapshotRegistry } from './snapshots.js'
export { SQLiteStateView, type SQLiteStateViewOptions } from './state.js'
export { blockVersion, HISTORY_VERSION_STRIDE } from './stateHistory.js'
export { StateReads } from './stateReads.js'
export { ChainStore } from './store.js'
export { DiskFullError, guardDiskFull, isDiskFull } from './storeDiskFull.js'
export {
  ChainRewindError,
  CommitWriterError,
  HistoryWindowError,
  InvalidStoreExtensionError,
  StoreExtensionTooNewError,
  StoreExtensionVersionError,
} from './storeErrors.js'
export type {
  StoreExtension,
  StoreExtensionHandle,
  StoreMigration,
  StoreMigrationContext,
  StoreStatement,
} from './storeExtension.js'
export { ChainDbCorruptError, type ChainDbProblem, checkChainDb } from './storeIntegrity.js'
export type {
  BlockCommit,
  ChainStoreOptions,
  HistoryRetention,
  LogQuery,
  SqlValue,
  StoredLog,
  StoredPoolTx,
  StoredTx,
  StoreRowWrite,
} from './storeTypes.js'
export {
  DEPOSIT_TX_TYPE,
  type DepositTxParameters,
  decodeDepositTx,
  decodeSignedTx,
  depositTx,
  intrinsicGas,
  isDepositRaw,
  MAX_TX_SIZE,
  type ParsedSignedTx,
  parseSignedTx,
  type SignedTx,
  signedTxWithSender,
} from './tx.js'
