import type { BlockContext, StateView } from '@rollup-mesh/core'
import type { StoredHeader } from '../block.js'
import { blockContextOf } from '../blockContext.js'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import { HistoricalStateView } from '../historicalStateView.js'
import type { BlockRef } from './params.js'
import { headerOfRef } from './readSource.js'

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

/**
 * The resolver every state-reading RPC method uses. The head (`latest`, `pending`, its number or hash) reads
 * the cached latest state; an older block reads the store's history (`HistoricalStateView`), and a block
 * older than the history kept is refused with `HistoryWindowError` naming the oldest block kept. A call at
 * an older block runs in that block's own context (number, timestamp, base fee, coinbase), as geth's does.
 */
export function createBlockStateResolver(chain: Chain): BlockStateResolver {
  return (ref, argIndex) => {
    const head = chain.head()
    const h = headerOfRef(chain, ref)
    if (!h)
      throw new RPCError(
        RPCErrorCode.server,
        'hash' in ref
          ? `header not found: no block with hash ${ref.hash} (argument ${argIndex})`
          : `header not found (argument ${argIndex})`,
      )
    const pending = 'tag' in ref && ref.tag === 'pending'
    // the cached state is the tip's: the head's only while the commit writer holds no block
    if (h.number === head.number && (pending || chain.tip().number === head.number)) {
      return {
        header: head,
        context: pending ? chain.pendingContext() : chain.callContext(),
        state: chain.state,
      }
    }
    const state = new HistoricalStateView(chain.store, h.number)
    return {
      header: h,
      context: blockContextOf(chain, h),
      state,
    }
  }
}
