import type { Address, Hex } from 'viem'
import type { AccountState, StateView } from './state.js'

/**
 * The contract between the node (which decodes, recovers and orders
 * transactions, and stores blocks) and `dual-vm`'s executors (which run them).
 */

/** The part of a block header execution depends on. */
export type BlockContext = {
  number: bigint
  timestamp: bigint
  coinbase: Address
  baseFeePerGas: bigint
  gasLimit: bigint
  chainId: bigint
  prevRandao: Hex
  /** Hashes of recent blocks for BLOCKHASH, newest last; may be empty. */
  recentHashes?: readonly Hex[]
}

/** A signed transaction after decoding and sender recovery (the node checks signature and chain id). */
export type ExecutableTx = {
  hash: Hex
  from: Address
  type: 'legacy' | 'eip2930' | 'eip1559'
  nonce: bigint
  /** `null` for contract creation. */
  to: Address | null
  value: bigint
  data: Hex
  gas: bigint
  /** Legacy and EIP-2930. */
  gasPrice?: bigint
  /** EIP-1559. */
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  accessList?: readonly { address: Address; storageKeys: readonly Hex[] }[]
}

export type Log = { address: Address; topics: Hex[]; data: Hex }

export type Receipt = {
  transactionHash: Hex
  transactionIndex: number
  from: Address
  to: Address | null
  /** 1 success, 0 revert/failure. */
  status: 0 | 1
  gasUsed: bigint
  cumulativeGasUsed: bigint
  effectiveGasPrice: bigint
  contractAddress: Address | null
  logs: Log[]
  logsBloom: Hex
  /** Revert data of a failed transaction (`0x` when none); not part of Ethereum's receipt encoding. */
  revertData: Hex
  /** Which VM ran the outermost call. */
  vm: 'evm' | 'wasm'
}

/**
 * What a block changed: the final value of every touched account (null when
 * deleted), every written storage slot (zero value = cleared) and new code by hash.
 */
export type WriteSet = {
  accounts: Map<Address, AccountState | null>
  storage: Map<Address, Map<Hex, Hex>>
  code: Map<Hex, Uint8Array>
}

/** A transaction the executor refused before running it (bad nonce, balance, gas); it is left out of the block. */
export type SkippedTx = { hash: Hex; reason: string }

export type BlockExecutionResult = {
  receipts: Receipt[]
  /** Transactions actually included, in order (those not skipped). */
  included: ExecutableTx[]
  skipped: SkippedTx[]
  gasUsed: bigint
  logsBloom: Hex
  writeSet: WriteSet
  /** Commitment over all accounts and storage after the block. */
  stateRoot: Hex
}

/** Executes blocks over a committed state; serial and parallel executors implement it. */
export interface Executor {
  executeBlock(
    block: { header: BlockContext; txs: readonly ExecutableTx[] },
    state: StateView,
  ): Promise<BlockExecutionResult>
}
