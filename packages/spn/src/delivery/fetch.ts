import { type Logger, spnNetworkName } from '@rollup-mesh/core'
import type { P2P } from '@rollup-mesh/p2p'
import { SETTLEMENT_BATCH_SIZE } from '@rollup-mesh/zk-bridge'
import type { Hash } from 'viem'
import { checkExitBatch } from './checkExitBatch.js'
import { DeliveryWithoutP2PError, ExitBatchUnavailableError } from './errors.js'
import type { Inbox } from './inbox.js'

/**
 * Fetches the exit batch of every finalized root still to fetch from a node of its SPN (libp2p
 * request/response), checks it against the root (`checkExitBatch`) and queues the messages addressed to
 * `me` with their inclusion proofs.
 */
export async function fetchExitBatches(
  inbox: Inbox,
  p2p: () => P2P | undefined,
  me: bigint,
  log: Logger,
): Promise<void> {
  const roots = inbox.rootsToFetch()
  if (!roots.length) return
  const net = p2p()
  if (!net) throw new DeliveryWithoutP2PError()
  for (const r of roots) {
    const src = BigInt(r.src)
    const batchIndex = BigInt(r.start_index / SETTLEMENT_BATCH_SIZE)
    const { batches, peerId } = await net.requestExitBatchesFromAny(spnNetworkName(src), batchIndex, 1)
    const batch = batches[0]
    if (!batch) throw new ExitBatchUnavailableError(src, batchIndex)
    const checked = checkExitBatch(batch, {
      srcSpn: src,
      root: r.root as Hash,
      startIndex: BigInt(r.start_index),
      leafCount: BigInt(r.leaf_count),
    })
    const mine = inbox.addChecked(r, checked, me)
    log.info(
      {
        src: r.src,
        settlementIndex: r.settlement_index,
        messages: checked.length,
        forUs: mine,
        peer: peerId,
      },
      'exit batch checked against the finalized root',
    )
  }
}
