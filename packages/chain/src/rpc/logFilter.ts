import type { Hex } from 'viem'
import { RPCError, RPCErrorCode } from '../errors.js'
import type { StoredLog } from '../storeTypes.js'
import type { BlockRef, LogFilterParam } from './params.js'
import type { ChainReadSource } from './readSource.js'

/** The block range a log filter covers (its `blockHash`, else `fromBlock`..`toBlock`, at most `maxLogRange` blocks). */
export function logFilterRange(
  chain: ChainReadSource,
  f: LogFilterParam,
  maxLogRange: bigint,
): { from: bigint; to: bigint } {
  if (f.blockHash) {
    const h = chain.store.getHeaderByHash(f.blockHash)
    if (!h) throw new RPCError(RPCErrorCode.server, 'unknown block')
    return { from: h.number, to: h.number }
  }
  const head = chain.head().number
  const num = (ref: BlockRef | undefined): bigint => {
    if (!ref) return head
    if ('number' in ref) return ref.number
    if ('hash' in ref) {
      const h = chain.store.getHeaderByHash(ref.hash)
      if (!h) throw new RPCError(RPCErrorCode.server, 'unknown block')
      return h.number
    }
    return ref.tag === 'earliest' ? 0n : head
  }
  const from = num(f.fromBlock)
  const to = num(f.toBlock)
  if (from > to)
    throw new RPCError(RPCErrorCode.invalidParams, `invalid block range: fromBlock ${from} > toBlock ${to}`)
  if (to - from + 1n > maxLogRange)
    throw new RPCError(
      RPCErrorCode.limitExceeded,
      `block range too large: ${to - from + 1n} blocks, limit ${maxLogRange}; query smaller ranges`,
    )
  return { from, to }
}

/** Whether a log passes a filter's addresses and topics. */
export function logMatches(l: StoredLog, f: LogFilterParam): boolean {
  if (f.addresses.length && !f.addresses.includes(l.address)) return false
  for (let i = 0; i < f.topics.length; i++) {
    const alts = f.topics[i]
    if (!alts) continue
    const t = l.topics[i]
    if (!t || !alts.includes(t.toLowerCase() as Hex)) return false
  }
  return true
}

/**
 * The logs a filter matches in the store (what `eth_getLogs` and `eth_getFilterLogs` answer): the filter's
 * range (at most `maxLogRange` blocks), at most `maxLogResults` logs, else a -32005 error saying to narrow it.
 */
export function queryLogs(
  chain: ChainReadSource,
  f: LogFilterParam,
  limits: { maxLogRange: bigint; maxLogResults: number },
): StoredLog[] {
  const { from, to } = logFilterRange(chain, f, limits.maxLogRange)
  const logs = chain.store.getLogs({
    fromBlock: from,
    toBlock: to,
    addresses: f.addresses,
    topics: f.topics,
    limit: limits.maxLogResults + 1,
  })
  if (logs.length > limits.maxLogResults)
    throw new RPCError(
      RPCErrorCode.limitExceeded,
      `query returned more than ${limits.maxLogResults} results; narrow the block range or the filter`,
    )
  return logs
}

/**
 * `logMatches` compiled once for a filter that checks many logs (polling filters check every new block's
 * logs): address and topic sets instead of list scans. `l`'s topics must be lower-case.
 */
export function compileLogMatcher(f: LogFilterParam): (l: StoredLog) => boolean {
  const addresses = f.addresses.length ? new Set<string>(f.addresses) : undefined
  const topics = f.topics.map((alts) => (alts ? new Set<string>(alts) : undefined))
  return (l) => {
    if (addresses && !addresses.has(l.address)) return false
    for (let i = 0; i < topics.length; i++) {
      const alts = topics[i]
      if (!alts) continue
      const t = l.topics[i]
      if (t === undefined || !alts.has(t)) return false
    }
    return true
  }
}
