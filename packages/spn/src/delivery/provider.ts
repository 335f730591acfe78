import type { ExitBatch } from '@rollup-mesh/core'
import { SETTLEMENT_BATCH_SIZE } from '@rollup-mesh/zk-bridge'
import { numberToHex } from 'viem'
import type { SPNExitTree } from '../settlement/exitTree.js'

/**
 * The closed exit batches `[fromBatch, fromBatch + count)` of this SPN's exit tree, as p2p serves them to
 * other SPNs (which check them against the main net's finalized root). Stops at the first open batch.
 */
export function exitBatchesOf(exitTree: SPNExitTree, fromBatch: bigint, count: number): ExitBatch[] {
  const out: ExitBatch[] = []
  for (let i = 0; i < count; i++) {
    const index = Number(fromBatch) + i
    const batch = exitTree.batch(index)
    if (!batch || batch.toBlock === undefined) break
    out.push({
      spnId: exitTree.spnId,
      batch: BigInt(index),
      fromBlock: batch.fromBlock,
      toBlock: batch.toBlock,
      startIndex: BigInt(index * SETTLEMENT_BATCH_SIZE),
      startFrontier: batch.startFrontier.map((f) => numberToHex(f, { size: 32 })),
      // the wire message: core's ExitMessage (positions as bigint), without the tree's batch and leaf
      messages: exitTree.messagesOf(index).map(({ batch: _batch, leaf: _leaf, ...m }) => ({
        ...m,
        position: BigInt(m.position),
      })),
    })
  }
  return out
}
