import type { Receipt, SkippedTx } from '@rollup-mesh/core'
import type { Address } from 'viem'
import type { StoredHeader } from './block.js'
import type { StoredLog } from './storeTypes.js'
import type { SignedTx } from './tx.js'

export type SealedBlock = {
  header: StoredHeader
  txs: readonly SignedTx[]
  receipts: readonly Receipt[]
  skipped: number
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
