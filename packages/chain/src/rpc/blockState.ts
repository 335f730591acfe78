import type { BlockContext, StateView } from '@rollup-mesh/core'
import type { StoredHeader } from '../block.js'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import type { BlockRef } from './params.js'

/** The state a read or a call at a block runs against, and the block context a call sees there. */
export type BlockState = {
  /** The block whose post-state `state` is (the head for `latest` and `pending`). */
  header: StoredHeader
  /** The context of a call at this block (`eth_call`, `eth_estimateGas`, `debug_traceCall`). */
  context: BlockContext
  state: StateView
}

/** Resolves a block parameter (tag, number, EIP-1898 object) to its `BlockState`; `argIndex` names the argument in errors. */
export type BlockStateResolver = (ref: BlockRef, argIndex: number) => BlockState

/** The header a block parameter names, or undefined when the node has no such block. */
export function headerOfRef(chain: Chain, ref: BlockRef): StoredHeader | undefined {
  if ('hash' in ref) return chain.store.getHeaderByHash(ref.hash)
  if ('number' in ref) return chain.store.getHeaderByNumber(ref.number)
  if (ref.tag === 'earliest') return chain.store.getHeaderByNumber(0n)
  return chain.head()
}

/**
 * The resolver every state-reading RPC method uses. State is kept for the head only: older blocks are
 * refused with a clear message.
 */
export function createBlockStateResolver(chain: Chain): BlockStateResolver {
  return (ref, argIndex) => {
    const head = chain.head()
    const h = headerOfRef(chain, ref)
    if (!h) throw new RPCError(RPCErrorCode.server, `header not found (argument ${argIndex})`)
    if (h.number !== head.number)
      throw new RPCError(
        RPCErrorCode.server,
        `historical state not available: block ${h.number} (this node keeps the state of the latest block, ${head.number})`,
      )
    const pending = 'tag' in ref && ref.tag === 'pending'
    return {
      header: head,
      context: pending ? chain.pendingContext() : chain.callContext(),
      state: chain.state,
    }
  }
}
