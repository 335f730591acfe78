import type { Executor, Logger, StateView, WriteSet } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { BaseFeeParams } from './basefee.js'
import type { CallSimulator } from './callSimulator.js'
import type { CommitWriter } from './commitWriter.js'
import type { TxDecoder } from './decoder.js'
import type { MempoolOptions } from './mempool.js'
import type { ChainStore } from './store.js'
import type { StoredPoolTx } from './storeTypes.js'

export type ChainOptions = {
  chainId: bigint
  blockGasLimit: bigint
  coinbase?: Address
  extraData?: Hex
  /** At most this many transactions per block. Default 5,000. */
  maxTxsPerBlock?: number
  baseFee?: BaseFeeParams
  mempool?: Omit<MempoolOptions, 'chainId' | 'blockGasLimit'>
  /** Cached state entries. Default 500,000. */
  stateCacheEntries?: number
}

export type ChainComponents = {
  store: ChainStore
  executor: Executor
  simulateCall?: CallSimulator
  /** Sender recovery for `eth_sendRawTransaction` (a worker pool); default inline. */
  decoder?: TxDecoder
  logger?: Logger
  /**
   * The state commitment of a write set over a base state (dual-vm's `commitWriteSet`: adds the new
   * accumulator to the write set, returns the new root). Used for writes outside blocks (`writeState`) so the
   * next block's pre-state root covers them; without it those writes leave the root as it was.
   */
  commitWriteSet?: (base: StateView, ws: WriteSet) => Hex
  /**
   * Blocks sealed by `produceBlock`/`sealBlock` commit on this writer thread (`commit: 'writer'`): block N
   * commits while N+1 executes; the head, the `block` event and receipts advance once N is durable.
   * Absent: every block commits inline, in `commitCandidate` (what consensus calls).
   */
  commitWriter?: CommitWriter
}

/** Where a snapshot of the chain stands: what `Chain.rewind` brings back. */
export type ChainSnapshot = {
  /** The head block when it was taken. */
  block: bigint
  /** The store's state version then (writes outside blocks after the head count). */
  version: number
  /** The persisted mempool then. */
  pool: StoredPoolTx[]
  /** The next block's state root then (the accumulator's root), for checks. */
  stateRoot: Hex | undefined
}

/**
 * What another part of the node (a store extension's owner) does on a rewind: `check` throws a coded
 * error when it cannot go back to `block` (e.g. the block was already settled); `rewind` runs inside the
 * rewind's store transaction and removes what it wrote for the blocks above `block`.
 */
export type RewindHook = {
  check?: (block: bigint) => void
  rewind: (block: bigint) => void
}
