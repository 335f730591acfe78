import { type Hex, numberToHex } from 'viem'
import type { StoredHeader } from '../block.js'
import { formatStoredReceipt, formatStoredTx } from './format.js'
import { type BlockRef, expectCount, paramBlock, paramHex, paramIndex } from './params.js'
import { type ChainReadSource, headerOfRef } from './readSource.js'
import type { RPCMethods } from './server.js'

const q = (n: bigint | number): Hex => numberToHex(n)

/** A block number, tag, EIP-1898 object, or a bare 32-byte block hash (`eth_getBlockReceipts` takes all four, as geth does). */
function paramBlockOrHash(params: readonly unknown[], i: number): BlockRef {
  const v = params[i]
  if (typeof v === 'string' && v.length === 66) return { hash: paramHex(params, i, 32) }
  return paramBlock(params, i)
}

/**
 * Per-block lookups over the store, with anvil's shapes: `eth_getBlockReceipts` (by number, tag or hash:
 * the block's receipts in order, each equal to `eth_getTransactionReceipt`'s), `eth_getBlockTransactionCountByHash`,
 * `eth_getTransactionByBlockNumberAndIndex` / `…ByBlockHashAndIndex` (equal to `eth_getTransactionByHash`'s,
 * null past the end), and the uncle methods of a chain without uncles (`eth_getUncleCountByBlock…` 0x0,
 * `eth_getUncleByBlock…AndIndex` null). An unknown block answers null.
 *
 * @example
 * ```ts
 * import { createBlockQueryMethods, createRPCServer } from '@rollup-mesh/chain'
 *
 * const server = createRPCServer({ ...createBlockQueryMethods(chain) })
 * await server.start()
 * // viem: await client.request({ method: 'eth_getBlockReceipts', params: ['latest'] })
 * ```
 */
export function createBlockQueryMethods(chain: ChainReadSource): RPCMethods {
  const byHash = (params: readonly unknown[], i: number): StoredHeader | undefined =>
    chain.store.getHeaderByHash(paramHex(params, i, 32))
  const byNumber = (params: readonly unknown[], i: number): StoredHeader | undefined =>
    headerOfRef(chain, paramBlock(params, i))

  const txAt = (h: StoredHeader | undefined, index: number) => {
    if (!h || index >= h.txCount) return null
    const t = chain.store.getBlockTxs(h.number)[index]
    return t ? formatStoredTx(chain.chainId, t, h) : null
  }

  return {
    eth_getBlockReceipts: (p) => {
      expectCount(p, 1, 1)
      const h = headerOfRef(chain, paramBlockOrHash(p, 0))
      if (!h) return null
      return chain.store.getBlockTxs(h.number).map((t) => {
        const found = chain.store.getReceipt(t.hash)
        return found ? formatStoredReceipt(found) : null
      })
    },
    eth_getBlockTransactionCountByHash: (p) => {
      expectCount(p, 1, 1)
      const h = byHash(p, 0)
      return h ? q(h.txCount) : null
    },
    eth_getTransactionByBlockNumberAndIndex: (p) => {
      expectCount(p, 2, 2)
      const h = byNumber(p, 0)
      return txAt(h, paramIndex(p, 1))
    },
    eth_getTransactionByBlockHashAndIndex: (p) => {
      expectCount(p, 2, 2)
      const h = byHash(p, 0)
      return txAt(h, paramIndex(p, 1))
    },
    eth_getUncleCountByBlockHash: (p) => {
      expectCount(p, 1, 1)
      return byHash(p, 0) ? '0x0' : null
    },
    eth_getUncleCountByBlockNumber: (p) => {
      expectCount(p, 1, 1)
      return byNumber(p, 0) ? '0x0' : null
    },
    eth_getUncleByBlockHashAndIndex: (p) => {
      expectCount(p, 2, 2)
      paramHex(p, 0, 32)
      paramIndex(p, 1)
      return null
    },
    eth_getUncleByBlockNumberAndIndex: (p) => {
      expectCount(p, 2, 2)
      paramBlock(p, 0)
      paramIndex(p, 1)
      return null
    },
  }
}
