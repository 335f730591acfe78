import type { WriteSet } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { BlockHeader } from './block.js'
import type { StoredReceiptFields } from './codec.js'
import type { HistoryIndexing } from './historyIndexer.js'
import type { PriorState } from './stateHistory.js'

/** A transaction as stored with its block position. */
export type StoredTx = {
  hash: Hex
  raw: Hex
  from: Address
  to: Address | null
  blockNumber: bigint
  blockHash: Hex
  index: number
  /** Deposits (0x7e): the nonce of `from` the deposit used (kept in its receipt). */
  depositNonce?: bigint
}

/** A log with its position, as `eth_getLogs` returns it. */
export type StoredLog = {
  address: Address
  topics: Hex[]
  data: Hex
  blockNumber: bigint
  blockHash: Hex
  transactionHash: Hex
  transactionIndex: number
  logIndex: number
}

export type LogQuery = {
  fromBlock: bigint
  toBlock: bigint
  /** Any of these addresses (lower-case); empty = any. */
  addresses: readonly Address[]
  /** Per position: null = any, else any of the listed topics. */
  topics: readonly (readonly Hex[] | null)[]
  /** Stop after this many logs. */
  limit: number
}

/** What one block commit writes, atomically. */
export type BlockCommit = {
  header: BlockHeader
  hash: Hex
  txs: readonly { hash: Hex; raw: Hex; from: Address; to: Address | null }[]
  /** The receipts' stored fields (a full `Receipt` is one). */
  receipts: readonly StoredReceiptFields[]
  writeSet: WriteSet
  /** Mempool entries to delete in the same transaction (included or dropped). */
  mempoolRemovals: readonly Hex[]
  /**
   * The pre-block values the caller already holds (the chain's state cache, whose entries equal the
   * store's state): the change set reads only what it lacks from SQLite.
   */
  prior?: PriorState
  /**
   * The history change set already encoded, as hex, by the block thread (`ChainStore.changeSetOf`, its before-values
   * from its state cache): the store inserts it instead of building one (no before-value reads); `null`:
   * the block changed nothing. Absent: the store builds it (from `prior`, else its own reads).
   */
  changeSet?: string | null
  /**
   * Rows of store extensions (the exit tree, the finality certificate) to write in the block's transaction,
   * as data: a commit that crosses to the writer thread (`CommitWriter`) cannot carry closures over the
   * block thread's connection. Applied after the block's own rows, in order.
   */
  rows?: readonly StoreRowWrite[]
}

/** A value SQLite stores (a `Uint8Array` is written as a BLOB). */
export type SqlValue = string | number | bigint | Uint8Array | null

/** One extension write as data: a statement of a registered extension's table and its parameters. */
export type StoreRowWrite = { readonly sql: string; readonly params: readonly SqlValue[] }

/** A persisted mempool entry. */
export type StoredPoolTx = { hash: Hex; raw: Hex; from: Address; seq: number }

export type ChainStoreOptions = {
  /** Path of the SQLite file, or `:memory:`. */
  path: string
  /**
   * Checkpoint the WAL on a background thread every this many ms instead of inside block commits (a
   * commit that also checkpointed cost ~40% more on the main thread: 2,500-transaction blocks 220–320 ms →
   * 125–175 ms). SQLite's own auto-checkpoint stays on at a high mark as the backstop. Default: off.
   */
  checkpointIntervalMs?: number
  /**
   * How much state history to keep: `'all'` (default: every block, as a dev chain wants), the newest
   * `blocks` blocks (older change sets are pruned in small batches after each commit), or 0: none (only the
   * head's state is served; snapshots cannot be reverted).
   */
  history?: HistoryRetention
  /**
   * How the per-key history index (and retention pruning) is kept up behind the head: `'idle'` (default)
   * in small batches once commits pause for a moment, `'manual'` only through `catchUpHistory()`. Reads are
   * right either way (they scan the change sets not indexed yet).
   */
  historyIndexing?: HistoryIndexing
  /**
   * Tests only: runs inside each block's SQLite transaction after its rows are written, before COMMIT
   * (`commitCrashHookFromEnv`: kill -9 there).
   */
  inCommit?: ((c: BlockCommit) => void) | undefined
}

/** How many blocks of state history a store keeps. */
export type HistoryRetention = { blocks: number | 'all' }
