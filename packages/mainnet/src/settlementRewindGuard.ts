import { type Chain, ChainRewindError, type RewindHook } from '@rollup-mesh/chain'
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'

/**
 * The main net's rewind hook for dev snapshots (`evm_revert`): a rewind to `block` is refused with
 * `ChainRewindError` naming the block when a newer block holds an accepted settlement (an event of the
 * Settlement contract): SPNs treat those exit roots as final and deliver messages against them. Nothing of
 * its own to undo (settlement state is contract storage, which the rewind restores).
 *
 * @example
 * ```ts
 * chain.addRewindHook(settlementRewindGuard(chain))
 * ```
 */
export function settlementRewindGuard(chain: Chain): RewindHook {
  return {
    check: (block) => {
      const head = chain.head().number
      if (head <= block) return
      const [log] = chain.store.getLogs({
        fromBlock: block + 1n,
        toBlock: head,
        addresses: [SYSTEM_ADDRESSES.mainnet.settlement],
        topics: [],
        limit: 1,
      })
      if (log)
        throw new ChainRewindError(
          `Cannot rewind to block ${block}: block ${log.blockNumber} accepted a settlement that SPNs treat as final.`,
          ['- Revert to a snapshot taken after that block.'],
        )
    },
    rewind: () => {},
  }
}
