import {
  type Chain,
  expectCount,
  invalidParam,
  paramHex,
  parseQuantity,
  RPCError,
  RPCErrorCode,
  type RPCMethods,
} from '@rollup-mesh/chain'
import { type Hash, numberToHex } from 'viem'
import type { ExitTreeMessage, SPNExitTree } from './exitTree.js'

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

/** An exit-tree position or batch: a JSON number, or a hex quantity; absent (undefined or null) when optional. */
function paramIndex(params: readonly unknown[], i: number): number | undefined {
  const v = params[i]
  if (v === undefined || v === null) return undefined
  const expected = () => invalidParam(i, 'a non-negative integer (a JSON number or a hex quantity)')
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw expected()
    return v
  }
  return Number(parseQuantity(v, expected))
}

/** Most messages one `mesh_getMessages` call returns. */
export const MAX_MESSAGES_PER_CALL = 1024

/**
 * The exit tree's `mesh_` JSON-RPC methods:
 * - `mesh_getMessagesByTx [txHash]`: the cross-SPN messages a transaction sent, with their exit-tree
 *   positions (`[]` when none, or without an exit tree);
 * - `mesh_getMessages [from?, count?]`: every message this SPN sent from exit-tree position `from` (default 0),
 *   at most `count` (default and at most 1024), in tree order (the explorer follows them this way);
 * - `mesh_getExitProof [position, batch?]`: a message's inclusion proof against the root after `batch`.
 */
export function createExitTreeRPCMethods(chain: Chain, exitTree: SPNExitTree | undefined): RPCMethods {
  return {
    mesh_getMessagesByTx: (params) => {
      expectCount(params, 1, 1)
      const hash = paramHex(params, 0, 32) as Hash
      const tx = chain.store.getTx(hash)
      if (!tx || !exitTree) return []
      return exitTree.messagesOfTx(tx.blockNumber, hash).map((m) => ({
        position: m.position,
        batch: m.batch,
        ...formatMessage(m),
      }))
    },
    mesh_getMessages: (params) => {
      expectCount(params, 0, 2)
      const from = paramIndex(params, 0) ?? 0
      const count = paramIndex(params, 1) ?? MAX_MESSAGES_PER_CALL
      if (count < 1 || count > MAX_MESSAGES_PER_CALL)
        throw invalidParam(1, `a message count from 1 to ${MAX_MESSAGES_PER_CALL}`)
      if (!exitTree) return []
      return exitTree.messages(from, from + count).map((m) => ({
        position: m.position,
        batch: m.batch,
        ...formatMessage(m),
      }))
    },
    mesh_getExitProof: (params) => {
      expectCount(params, 1, 2)
      if (!exitTree)
        throw new RPCError(RPCErrorCode.invalidParams, 'this SPN has no exit tree (no numeric id)')
      const position = paramIndex(params, 0)
      if (position === undefined) throw invalidParam(0, 'an exit-tree position')
      let p: ReturnType<SPNExitTree['proof']>
      try {
        p = exitTree.proof(position, paramIndex(params, 1))
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
