export { DEV_MNEMONIC, type DevAccount, devAccounts } from './accounts.js'
export { LogsBloom } from './bloom.js'
export {
  addressSchema,
  bigintSchema,
  fixedHexSchema,
  hexSchema,
  parseConfig,
  portSchema,
  privateKeySchema,
  z,
} from './config.js'
export { BaseError, type BaseErrorParameters } from './errors/base.js'
export {
  type ConfigIssue,
  describe,
  InvalidConfigError,
  InvalidParameterError,
  NotStartedError,
} from './errors/common.js'
export {
  type Address,
  bytesToBigInt,
  bytesToHex,
  concat,
  concatHex,
  getAddress,
  type Hash,
  type Hex,
  hexToBigInt,
  hexToBytes,
  hexToNumber,
  isAddress,
  isAddressEqual,
  isHex,
  keccak256,
  numberToHex,
  pad,
  padHex,
  sha256,
  size,
  slice,
  sliceHex,
  toBytes,
  toHex,
  zeroAddress,
  zeroHash,
} from './hex.js'
export type {
  BlockContext,
  BlockExecutionResult,
  CallResult,
  ExecutableTx,
  Executor,
  Log,
  Receipt,
  SkippedTx,
  WriteSet,
} from './interfaces/execution.js'
export type { Startable } from './interfaces/lifecycle.js'
export type {
  AttestationMode,
  Attestor,
  Groth16Proof,
  ProgressEvent,
  ProveOptions,
  Prover,
} from './interfaces/proving.js'
export { type AccountState, EMPTY_CODE_HASH, type StateView, type VmKind } from './interfaces/state.js'
export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './logger.js'
export { nextTurn } from './nextTurn.js'
export { SYSTEM_ADDRESSES } from './protocol/addresses.js'
export { type ListenerErrorHandler, TypedEmitter } from './protocol/emitter.js'
export type { ExitBatch, ExitMessage } from './protocol/exits.js'
export { MAINNET_NETWORK, spnNetworkName } from './protocol/networks.js'
export { ZERO_WORD } from './protocol/words.js'
