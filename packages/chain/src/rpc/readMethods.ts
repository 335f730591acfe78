import { type Hex, numberToHex } from 'viem'
import type { StoredHeader } from '../block.js'
import type { SignedTx } from '../tx.js'
import { createBlockQueryMethods } from './blockQueries.js'
import { formatBlock, formatLog, formatStoredReceipt, formatStoredTx, formatTx } from './format.js'
import { queryLogs } from './logFilter.js'
import { expectCount, paramBlock, paramBool, paramHex, paramLogFilter } from './params.js'
import { type ChainReadSource, headerOfRef } from './readSource.js'
import type { RPCMethods } from './server.js'

/** What a read method answers when only the main thread can (a transaction the store lacks may be pooled). */
export const READ_MISS: unique symbol = Symbol('READ_MISS')

/**
 * The read-only methods the RPC read workers may answer (`createReadMethods` with `createBlockQueryMethods`):
 * committed blocks, transactions, receipts and logs. Subscriptions, filters, calls, sends and dev methods
 * stay on the main thread.
 */
export const READ_METHOD_NAMES = [
  'eth_getTransactionReceipt',
  'eth_getTransactionByHash',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBlockTransactionCountByNumber',
  'eth_getLogs',
  'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByHash',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getUncleCountByBlockHash',
  'eth_getUncleCountByBlockNumber',
  'eth_getUncleByBlockHashAndIndex',
  'eth_getUncleByBlockNumberAndIndex',
] as const

/** Widest `eth_getLogs` range and most logs per answer, unless a node sets its own. */
export const defaultReadLimits = { maxLogRange: 10_000n, maxLogResults: 10_000 } as const

export type ReadMethodsOptions = {
  /** Widest block range one eth_getLogs may ask for. Default 10,000. */
  maxLogRange?: bigint
  /** Most logs one eth_getLogs returns. Default 10,000. */
  maxLogResults?: number
  /**
   * The transaction pool (main thread only): a pooled transaction has no receipt and is answered by hash
   * from the pool. Without it a transaction the store lacks is `READ_MISS`.
   */
  pool?: { has(hash: Hex): boolean; get(hash: Hex): SignedTx | undefined }
  /**
   * Remembers a block's answer by its hash (a block hash commits to its whole content and history, so the
   * answer never changes): `build` runs on a miss. The read workers keep the JSON text of the last blocks,
   * since every viem client waiting for a receipt fetches each new block with its transactions.
   */
  memo?: (key: string, build: () => unknown) => unknown
}

const q = (n: bigint | number): Hex => numberToHex(n)

/**
 * The `eth_` reads of committed blocks, transactions, receipts and logs over a `ChainReadSource`: the same
 * code on the main thread (over the `Chain`, with its pool) and on the read workers (over their read-only
 * connection), so both give the same answer byte for byte. `eth_getTransactionReceipt` of a pooled
 * transaction is null (a block's commit and the pool's update happen in one turn); `eth_getTransactionByHash`
 * of one the store lacks is the pooled transaction, or `READ_MISS` without a pool.
 *
 * @example
 * ```ts
 * const reads = createReadMethods(chain, { pool: chain.mempool })
 * reads.eth_getBlockByNumber?.(['latest', false], {}) // the head block with transaction hashes
 * ```
 */
export function createReadMethods(src: ChainReadSource, options: ReadMethodsOptions = {}): RPCMethods {
  const limits = {
    maxLogRange: options.maxLogRange ?? defaultReadLimits.maxLogRange,
    maxLogResults: options.maxLogResults ?? defaultReadLimits.maxLogResults,
  }
  const pool = options.pool
  const memo = options.memo ?? ((_key: string, build: () => unknown) => build())
  const blockResult = (h: StoredHeader | undefined, full: boolean) => {
    if (!h) return null
    return memo(`${h.hash}:${full}`, () => {
      const txs = src.store.getBlockTxs(h.number)
      return formatBlock(h, full ? txs.map((t) => formatStoredTx(src.chainId, t, h)) : txs.map((t) => t.hash))
    })
  }
  return {
    eth_getTransactionByHash: (p) => {
      expectCount(p, 1, 1)
      const hash = paramHex(p, 0, 32)
      const stored = src.store.getTx(hash)
      if (stored) {
        const h = src.store.getHeaderByNumber(stored.blockNumber) as StoredHeader
        return formatStoredTx(src.chainId, stored, h)
      }
      if (!pool) return READ_MISS
      const pending = pool.get(hash)
      return pending ? formatTx(pending, null) : null
    },
    eth_getTransactionReceipt: (p) => {
      expectCount(p, 1, 1)
      const hash = paramHex(p, 0, 32)
      // A pooled transaction is in no block: clients polling for receipts of pending ones need no lookup.
      if (pool?.has(hash)) return null
      const found = src.store.getReceipt(hash)
      return found ? formatStoredReceipt(found) : null
    },
    eth_getBlockByNumber: (p) => {
      expectCount(p, 1, 2)
      return blockResult(headerOfRef(src, paramBlock(p, 0)), paramBool(p, 1, false))
    },
    eth_getBlockByHash: (p) => {
      expectCount(p, 1, 2)
      return blockResult(src.store.getHeaderByHash(paramHex(p, 0, 32)), paramBool(p, 1, false))
    },
    eth_getBlockTransactionCountByNumber: (p) => {
      expectCount(p, 1, 1)
      const h = headerOfRef(src, paramBlock(p, 0))
      return h ? q(h.txCount) : null
    },
    eth_getLogs: (p) => {
      expectCount(p, 1, 1)
      return queryLogs(src, paramLogFilter(p, 0), limits).map(formatLog)
    },
  }
}

/** Every method a read worker serves: `createReadMethods` (without a pool) and `createBlockQueryMethods`. */
export function createWorkerReadMethods(
  src: ChainReadSource,
  options: Omit<ReadMethodsOptions, 'pool'>,
): RPCMethods {
  // eth_getBlockReceipts and the by-index lookups are per block too, but no client polls them per block
  return { ...createReadMethods(src, options), ...createBlockQueryMethods(src) }
}
