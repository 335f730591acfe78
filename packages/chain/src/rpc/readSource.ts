import type { StoredHeader } from '../block.js'
import type { ChainStore } from '../store.js'
import type { BlockRef } from './params.js'

/** The block, transaction, receipt and log reads the read methods use (a `ChainStore` or a `BlockReads`). */
export type BlockReadStore = Pick<
  ChainStore,
  'getHeaderByNumber' | 'getHeaderByHash' | 'getBlockTxs' | 'getTx' | 'getReceipt' | 'getLogs'
>

/**
 * What the read-only RPC methods read: a `Chain` on the main thread (its head is the committed head), or a
 * read worker's own read-only connection (the head read from the store: the newest committed block).
 */
export type ChainReadSource = {
  readonly chainId: bigint
  head(): StoredHeader
  readonly store: BlockReadStore
}

/** The header a block parameter names, or undefined when the node has no such block. */
export function headerOfRef(chain: ChainReadSource, ref: BlockRef): StoredHeader | undefined {
  if ('hash' in ref) return chain.store.getHeaderByHash(ref.hash)
  if ('number' in ref) return chain.store.getHeaderByNumber(ref.number)
  if (ref.tag === 'earliest') return chain.store.getHeaderByNumber(0n)
  return chain.head()
}
