import {
  type Chain,
  expectCount,
  paramHex,
  paramIndex,
  paramOneOf,
  RPCError,
  RPCErrorCode,
  type RPCMethods,
} from '@rollup-mesh/chain'
import { numberToHex } from 'viem'
import { type DeliveryService, inboxEntryJSON } from './delivery/service.js'
import type { ExitTreeMessage, SPNExitTree } from './settlement/exitTree.js'

/** A message as the `mesh_` RPC methods return it (quantities as hex). */
function formatMessage(m: ExitTreeMessage): Record<string, unknown> {
  return {
    messageIndex: numberToHex(m.messageIndex),
    block: numberToHex(m.block),
    txHash: m.txHash,
    srcSpn: numberToHex(m.srcSpn),
    dstSpn: numberToHex(m.dstSpn),
    sender: m.sender,
    to: m.to,
    value: numberToHex(m.value),
    data: m.data,
  }
}

const INBOX_STATUSES = ['queued', 'delivered', 'failed', 'error'] as const

/** The SPN's `mesh_` methods over its exit tree and delivery service (params checked with chain's helpers). */
export function spnRPCMethods(parts: {
  chain: Chain
  exitTree: SPNExitTree | undefined
  delivery: DeliveryService | undefined
}): RPCMethods {
  const { chain, exitTree, delivery } = parts
  return {
    /** `[txHash]`: the cross-SPN messages a transaction sent, with their exit-tree positions (`[]` when none). */
    mesh_getMessagesByTx: (params) => {
      expectCount(params, 1, 1)
      const hash = paramHex(params, 0, 32)
      const tx = chain.store.getTx(hash)
      if (!tx || !exitTree) return []
      return exitTree.messagesOfTx(tx.blockNumber, hash).map((m) => ({
        position: m.position,
        batch: m.batch,
        ...formatMessage(m),
      }))
    },
    /** Messages from other SPNs addressed here, with their delivery status (`[status?]`). */
    mesh_getInbox: (params) => {
      expectCount(params, 0, 1)
      const status = paramOneOf(params, 0, INBOX_STATUSES)
      return (delivery?.messages(status ? { status } : {}) ?? []).map(inboxEntryJSON)
    },
    /** `[position, batch?]`: a message's exit-tree inclusion proof against the root after `batch`. */
    mesh_getExitProof: (params) => {
      expectCount(params, 1, 2)
      const position = paramIndex(params, 0)
      const batch = paramIndex(params, 1, true)
      if (!exitTree)
        throw new RPCError(RPCErrorCode.invalidParams, 'this SPN has no exit tree (no numeric id)')
      let p: ReturnType<SPNExitTree['proof']>
      try {
        p = exitTree.proof(position, batch)
      } catch (error) {
        throw new RPCError(
          RPCErrorCode.invalidParams,
          (error as Error).message.split('\n')[0] ?? 'invalid params',
        )
      }
      const word = (v: bigint) => numberToHex(v, { size: 32 })
      return {
        index: p.index,
        batch: p.batch,
        leaf: word(p.leaf),
        root: word(p.root),
        siblings: p.siblings.map(word),
        message: formatMessage(p.message),
      }
    },
  }
}
