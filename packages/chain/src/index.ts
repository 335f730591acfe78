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
export {
  type BlockStartHook,
  type CallResult,
  type CallSimulator,
  Chain,
  type ChainComponents,
  type ChainEvents,
  type ChainOptions,
  type ExitRootHook,
  type GenesisSpec,
  logsOfBlock,
  type SealedBlock,
} from './chain.js'
export { type CommittedState, type CommittedStateOptions, openCommittedState } from './committedState.js'
export {
  createInlineDecoder,
  createTxDecoderPool,
  type TxDecoder,
  type TxDecoderPoolOptions,
} from './decoder.js'
export { ChainStoreError, RPCError, RPCErrorCode, TxRejectedError, type TxRejectReason } from './errors.js'
export { Mempool, type MempoolDeps, type MempoolOptions } from './mempool.js'
export { type NodeProcessOptions, runNodeProcess, type StoppableNode } from './nodeProcess.js'
export {
  type BlockProducer,
  createIntervalBlockProducer,
  type IntervalBlockProducerOptions,
} from './producer.js'
export { createEthMethods, type EthMethodsOptions, revertError } from './rpc/eth.js'
export { expectCount, invalidParam, paramHex, parseQuantity } from './rpc/params.js'
export {
  createRPCServer,
  dispatchRPC,
  type RPCConnection,
  type RPCContext,
  type RPCMethod,
  type RPCMethods,
  type RPCServer,
  type RPCServerOptions,
} from './rpc/server.js'
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
export { SQLiteStateView, type SQLiteStateViewOptions } from './state.js'
export { StateReads } from './stateReads.js'
export {
  type BlockCommit,
  ChainStore,
  type ChainStoreOptions,
  type LogQuery,
  type StoredLog,
  type StoredPoolTx,
  type StoredTx,
} from './store.js'
export {
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
export {
  DEPOSIT_TX_TYPE,
  type DepositTxParameters,
  decodeDepositTx,
  decodeSignedTx,
  depositTx,
  effectiveGasPrice,
  effectiveTip,
  intrinsicGas,
  isDepositRaw,
  MAX_TX_SIZE,
  type ParsedSignedTx,
  parseSignedTx,
  recoverSigner,
  recoveryBackend,
  type SignedTx,
  signedTxWithSender,
} from './tx.js'
