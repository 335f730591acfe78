import { randomBytes } from 'node:crypto'
import type { Hex } from 'viem'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import { logsOfBlock, type SealedBlock } from '../sealedBlock.js'
import type { StoredLog } from '../storeTypes.js'
import type { SignedTx } from '../tx.js'
import { formatLog, formatTx } from './format.js'
import { compileLogMatcher, queryLogs } from './logFilter.js'
import { expectCount, invalidParam, type LogFilterParam, paramBool, paramLogFilter } from './params.js'
import type { RPCMethods } from './server.js'

export type FilterMethodsOptions = {
  /** Most filters installed at once (all kinds together); one more is refused with -32005. Default 1,000. */
  maxFilters?: number
  /** A filter not polled (`eth_getFilterChanges`) for this long is removed, as geth does. Default 5 minutes. */
  timeoutMs?: number
  /** Most changes one filter holds between polls; beyond it the next poll is a -32005 error. Default 10,000. */
  maxChanges?: number
  /** `eth_getFilterLogs`' range and result limits (those of `eth_getLogs`). Defaults 10,000 and 10,000. */
  maxLogRange?: bigint
  maxLogResults?: number
  /** The clock deadlines are measured with (tests pass their own). Default `Date.now`. */
  now?: () => number
}

/** Defaults of `createFilterMethods` (geth's 5-minute deadline). */
export const defaultFilterOptions = {
  maxFilters: 1_000,
  timeoutMs: 5 * 60_000,
  maxChanges: 10_000,
  maxLogRange: 10_000n,
  maxLogResults: 10_000,
} as const

type FilterBase = { lastPoll: number; dropped: number }
type LogsFilter = FilterBase & {
  kind: 'logs'
  criteria: LogFilterParam
  from: bigint | undefined
  to: bigint | undefined
  matches: (l: StoredLog) => boolean
  changes: StoredLog[]
}
type Filter =
  | LogsFilter
  | (FilterBase & { kind: 'blocks'; changes: Hex[] })
  | (FilterBase & { kind: 'pendingTxs'; fullTx: boolean; changes: (Hex | SignedTx)[] })

/** geth's error for an unknown, expired or uninstalled filter id. */
const filterNotFound = () =>
  new RPCError(RPCErrorCode.server, 'filter not found', { code: 'FILTER_NOT_FOUND' })

/** A filter id as geth makes them (`rpc.NewID`): 16 random bytes as a quantity, leading zeros trimmed. */
function newFilterId(): Hex {
  const hex = randomBytes(16).toString('hex').replace(/^0+/, '')
  return `0x${hex || '1'}` as Hex
}

function paramFilterId(params: readonly unknown[], i: number): Hex {
  const v = params[i]
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw invalidParam(i, 'a filter id (hex)')
  return v.toLowerCase() as Hex
}

/** The numeric block bounds of a criteria (tags and hashes bound nothing on new blocks, as in geth). */
function numericBounds(f: LogFilterParam): { from?: bigint; to?: bigint } {
  const n = (ref: LogFilterParam['fromBlock']) => (ref && 'number' in ref ? ref.number : undefined)
  const from = n(f.fromBlock)
  const to = n(f.toBlock)
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }
}

/**
 * Polling filters with geth's semantics: `eth_newFilter` (logs), `eth_newBlockFilter`,
 * `eth_newPendingTransactionFilter` install a filter and answer its id; `eth_getFilterChanges` answers
 * what arrived since the last poll (logs with `removed: false`, block hashes, transaction hashes or, with
 * `fullTx`, transactions); `eth_getFilterLogs` runs a log filter's criteria as `eth_getLogs`;
 * `eth_uninstallFilter` removes one. A filter not polled for 5 minutes expires; an unknown id is geth's
 * `filter not found`. Filters follow `chain.events` 'block' and `chain.mempool.events` 'tx', subscribed
 * only while a filter of that kind exists.
 *
 * @example
 * ```ts
 * import { createFilterMethods, createRPCServer } from '@rollup-mesh/chain'
 *
 * const server = createRPCServer({ ...createFilterMethods(chain) })
 * await server.start()
 * // viem: const filter = await client.createBlockFilter(); await client.getFilterChanges({ filter })
 * // ethers v6: contract.on('Transfer', listener) over an HTTP JsonRpcProvider polls eth_getFilterChanges
 * ```
 */
export function createFilterMethods(chain: Chain, options: FilterMethodsOptions = {}): RPCMethods {
  const opts = { ...defaultFilterOptions, ...options }
  const now = options.now ?? Date.now
  const filters = new Map<Hex, Filter>()
  /** Log filters by the addresses they name; those naming none. */
  const logFiltersByAddress = new Map<string, Set<LogsFilter>>()
  const anyAddressLogFilters = new Set<LogsFilter>()
  let offBlocks: (() => void) | undefined
  let offTxs: (() => void) | undefined

  const push = <T>(f: Filter & { changes: T[] }, items: readonly T[]) => {
    const room = opts.maxChanges - f.changes.length
    if (items.length <= room) f.changes.push(...items)
    else {
      f.changes.push(...items.slice(0, Math.max(room, 0)))
      f.dropped += items.length - Math.max(room, 0)
    }
  }

  const add = (id: Hex, f: Filter) => {
    filters.set(id, f)
    if (f.kind !== 'logs') return
    if (f.criteria.addresses.length === 0) anyAddressLogFilters.add(f)
    for (const a of f.criteria.addresses) {
      const set = logFiltersByAddress.get(a)
      if (set) set.add(f)
      else logFiltersByAddress.set(a, new Set([f]))
    }
  }

  const remove = (id: Hex): boolean => {
    const f = filters.get(id)
    if (!f) return false
    filters.delete(id)
    if (f.kind === 'logs') {
      anyAddressLogFilters.delete(f)
      for (const a of f.criteria.addresses) {
        const set = logFiltersByAddress.get(a)
        set?.delete(f)
        if (set?.size === 0) logFiltersByAddress.delete(a)
      }
    }
    return true
  }

  const expire = () => {
    const deadline = now() - opts.timeoutMs
    for (const [id, f] of filters) if (f.lastPoll < deadline) remove(id)
    listen()
  }

  const onBlock = (b: SealedBlock) => {
    const n = b.header.number
    const active = new Set<LogsFilter>()
    for (const f of filters.values()) {
      if (f.kind === 'blocks') push(f, [b.header.hash])
      else if (
        f.kind === 'logs' &&
        (f.from === undefined || n >= f.from) &&
        (f.to === undefined || n <= f.to) &&
        (!f.criteria.blockHash || f.criteria.blockHash === b.header.hash)
      )
        active.add(f)
    }
    if (active.size > 0) {
      // Each log is checked against the filters naming its address and those naming none (not every filter):
      // 1,000 filters over a 1,000-log block cost 80–150 ms checked one by one.
      const found = new Map<LogsFilter, StoredLog[]>()
      for (const log of logsOfBlock(b)) {
        const l = { ...log, topics: log.topics.map((t) => t.toLowerCase() as Hex) }
        for (const set of [logFiltersByAddress.get(l.address), anyAddressLogFilters])
          for (const f of set ?? [])
            if (active.has(f) && f.matches(l)) {
              const list = found.get(f)
              if (list) list.push(l)
              else found.set(f, [l])
            }
      }
      for (const [f, logs] of found) push(f, logs)
    }
    expire()
  }

  const onTx = (tx: SignedTx) => {
    for (const f of filters.values()) if (f.kind === 'pendingTxs') push(f, [f.fullTx ? tx : tx.hash])
  }

  /** Subscribes to blocks while a log or block filter exists, to the pool while a pending-tx filter does. */
  const listen = () => {
    let blocks = false
    let txs = false
    for (const f of filters.values()) {
      if (f.kind === 'pendingTxs') txs = true
      else blocks = true
    }
    if (blocks && !offBlocks) offBlocks = chain.events.on('block', onBlock)
    if (!blocks && offBlocks) {
      offBlocks()
      offBlocks = undefined
    }
    if (txs && !offTxs) offTxs = chain.mempool.events.on('tx', onTx)
    if (!txs && offTxs) {
      offTxs()
      offTxs = undefined
    }
  }

  const install = (f: Filter): Hex => {
    expire()
    if (filters.size >= opts.maxFilters)
      throw new RPCError(
        RPCErrorCode.limitExceeded,
        `too many filters: this node keeps at most ${opts.maxFilters}; uninstall unused ones (eth_uninstallFilter) or let them expire (${opts.timeoutMs / 1000} s without a poll)`,
        { code: 'TOO_MANY_FILTERS' },
      )
    let id = newFilterId()
    while (filters.has(id)) id = newFilterId()
    add(id, f)
    listen()
    return id
  }

  const found = (id: Hex): Filter => {
    expire()
    const f = filters.get(id)
    if (!f) throw filterNotFound()
    return f
  }

  return {
    eth_newFilter: (p) => {
      expectCount(p, 1, 1)
      const criteria = paramLogFilter(p, 0)
      const { from, to } = numericBounds(criteria)
      if (from !== undefined && to !== undefined && from > to)
        throw new RPCError(
          RPCErrorCode.invalidParams,
          `invalid argument 0: invalid from and to block combination (fromBlock ${from} > toBlock ${to})`,
        )
      return install({
        kind: 'logs',
        criteria,
        from,
        to,
        matches: compileLogMatcher(criteria),
        changes: [],
        lastPoll: now(),
        dropped: 0,
      })
    },
    eth_newBlockFilter: (p) => {
      expectCount(p, 0, 0)
      return install({ kind: 'blocks', changes: [], lastPoll: now(), dropped: 0 })
    },
    eth_newPendingTransactionFilter: (p) => {
      expectCount(p, 0, 1)
      const fullTx = paramBool(p, 0, false)
      return install({ kind: 'pendingTxs', fullTx, changes: [], lastPoll: now(), dropped: 0 })
    },
    eth_getFilterChanges: (p) => {
      expectCount(p, 1, 1)
      const id = paramFilterId(p, 0)
      const f = found(id)
      f.lastPoll = now()
      const { changes, dropped } = f
      f.changes = []
      f.dropped = 0
      if (dropped > 0)
        throw new RPCError(
          RPCErrorCode.limitExceeded,
          `filter ${id} dropped ${dropped} changes: it holds at most ${opts.maxChanges} between polls; poll more often, or catch up with eth_getLogs / eth_getBlockByNumber`,
          { code: 'FILTER_CHANGES_DROPPED' },
        )
      if (f.kind === 'logs') return (changes as StoredLog[]).map(formatLog)
      if (f.kind === 'blocks') return changes
      return (changes as (Hex | SignedTx)[]).map((c) => (typeof c === 'string' ? c : formatTx(c, null)))
    },
    eth_getFilterLogs: (p) => {
      expectCount(p, 1, 1)
      const f = found(paramFilterId(p, 0))
      // geth: only log filters have logs; any other id is "filter not found".
      if (f.kind !== 'logs') throw filterNotFound()
      return queryLogs(chain, f.criteria, opts).map(formatLog)
    },
    eth_uninstallFilter: (p) => {
      expectCount(p, 1, 1)
      const deleted = remove(paramFilterId(p, 0))
      listen()
      return deleted
    },
  }
}
