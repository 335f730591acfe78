import type { Receipt, SkippedTx } from '@rollup-mesh/core'
import type { Address } from 'viem'
import type { StoredHeader } from './block.js'
import type { StoredLog } from './storeTypes.js'
import type { SignedTx } from './tx.js'

/**
 * How long each stage of a block took, in milliseconds (`Chain` measures them): `select` (block-start hook
 * and pool selection), `execute` (the executor), `receipts` (receipts and transactions roots, the exit-root
 * hook, the header and its hash), `commit` (the block's SQLite transaction), `settle` (the pool's update).
 * A block from `executeBlock` (consensus) selected nothing: `select` is 0.
 */
export type BlockStageTimes = {
  select: number
  execute: number
  receipts: number
  commit: number
  settle: number
  /**
   * With the commit writer (`commit: 'writer'`): the writer thread's milliseconds for the block's SQLite
   * transaction (overlapping the next block's execution; `commit` is then the block thread's part: handing
   * the block over and waiting for the previous one to be durable). Absent for inline commits.
   */
  write?: number
}

/**
 * Queue depths when a block was sealed: the pool at its commit (its own transactions included) and after;
 * with the commit writer, `writer`: blocks queued or in flight on it when this one became durable.
 */
export type BlockQueues = { poolAtCommit: number; pool: number; writer?: number }

export type SealedBlock = {
  header: StoredHeader
  txs: readonly SignedTx[]
  receipts: readonly Receipt[]
  skipped: number
  /** Each stage's time (ms), for the block log line and `/metrics`. */
  stages: BlockStageTimes
  queues: BlockQueues
  /** Block-start (hook) transactions the executor refused (e.g. gas below intrinsic); absent when none. */
  skippedDeposits?: readonly SkippedTx[]
}

export type ChainEvents = {
  /** A block was committed. */
  block: SealedBlock
}

/** The logs of a sealed block with their positions (what `logs` subscriptions publish). */
export function logsOfBlock(b: SealedBlock): StoredLog[] {
  const out: StoredLog[] = []
  let logIndex = 0
  b.receipts.forEach((r, i) => {
    for (const l of r.logs)
      out.push({
        address: l.address.toLowerCase() as Address,
        topics: l.topics,
        data: l.data,
        blockNumber: b.header.number,
        blockHash: b.header.hash,
        transactionHash: r.transactionHash,
        transactionIndex: i,
        logIndex: logIndex++,
      })
  })
  return out
}
