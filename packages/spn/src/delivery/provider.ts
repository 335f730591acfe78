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
      messages: exitTree.messagesOf(index).map((m) => ({
        position: BigInt(m.position),
        messageIndex: m.messageIndex,
        srcSpn: m.srcSpn,
        dstSpn: m.dstSpn,
        sender: m.sender,
        to: m.to,
        value: m.value,
        data: m.data,
        block: m.block,
        txHash: m.txHash,
      })),
    })
  }
  return out
}
