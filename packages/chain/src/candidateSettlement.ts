import type { Logger } from '@rollup-mesh/core'
import type { StoredHeader } from './block.js'
import type { BlockCandidate } from './blockCandidate.js'
import type { Mempool } from './mempool.js'
import type { SealedBlock } from './sealedBlock.js'
import type { PriorState } from './stateHistory.js'
import type { ChainStore } from './store.js'
import type { BlockCommit, StoreRowWrite } from './storeTypes.js'

/** What the pool's update after a block did: its size before and after, what it dropped, how long it took. */
export type PoolSettlement = { poolAtCommit: number; pool: number; dropped: number; settleMs: number }

/**
 * The pool's side of a sealed block: it drops what the block included (and re-checks what it skipped).
 * With the commit writer this runs when the block becomes the tip (its transactions must not be selected
 * again); their persisted rows go in the block's own transaction, so a crash before it is durable leaves
 * them in the pool table.
 */
export function settlePool(c: BlockCandidate, mempool: Mempool): PoolSettlement {
  const settling = performance.now()
  const poolAtCommit = mempool.size
  const first = c.firstHashes
  const skippedPool = first.size ? c.skipped.filter((s) => !first.has(s.hash)) : c.skipped
  const dropped = mempool.onBlock(
    poolTxsOf(c).map((t) => t.hash),
    skippedPool.map((s) => s.hash),
  )
  return { poolAtCommit, pool: mempool.size, dropped: dropped.length, settleMs: performance.now() - settling }
}

/**
 * The `SealedBlock` the `block` event carries, once the block is committed (durable), and its log line;
 * skipped block-start transactions are reported. `writer` adds the commit writer's queue depth and its
 * thread's milliseconds for the block's transaction (`stages.write`).
 */
export function sealedBlockOf(
  c: BlockCandidate,
  stored: StoredHeader,
  parts: {
    log: Logger
    commitMs: number
    pool: PoolSettlement
    executor?: unknown
    writer?: { ms: number; depth: number }
  },
): SealedBlock {
  const first = c.firstHashes
  const number = Number(stored.number)
  const skippedFirst = first.size ? c.skipped.filter((s) => first.has(s.hash)) : []
  const stages: SealedBlock['stages'] = {
    ...c.timing,
    commit: parts.commitMs,
    settle: parts.pool.settleMs,
    ...(parts.writer ? { write: parts.writer.ms } : {}),
  }
  const queues: SealedBlock['queues'] = {
    poolAtCommit: parts.pool.poolAtCommit,
    pool: parts.pool.pool,
    ...(parts.writer ? { writer: parts.writer.depth } : {}),
  }
  const sealed: SealedBlock = {
    header: stored,
    txs: c.txs,
    receipts: c.receipts,
    skipped: c.skipped.length,
    stages,
    queues,
  }
  if (skippedFirst.length) {
    sealed.skippedDeposits = skippedFirst
    for (const s of skippedFirst)
      parts.log.warn({ block: number, tx: s.hash, reason: s.reason }, 'block start tx skipped')
  }
  if (c.txs.length || c.skipped.length)
    parts.log.debug(
      {
        block: number,
        txs: c.txs.length,
        skipped: c.skipped.length,
        dropped: parts.pool.dropped,
        gasUsed: Number(stored.gasUsed),
        ms: roundStages(stages),
        queues,
        ...(parts.executor ? { executor: parts.executor } : {}),
      },
      'block sealed',
    )
  return sealed
}

/**
 * After a candidate's inline commit: the pool's update (`settlePool`) and the `SealedBlock` with its log
 * line (`sealedBlockOf`).
 */
export function settleCandidate(
  c: BlockCandidate,
  stored: StoredHeader,
  parts: { mempool: Mempool; log: Logger; commitMs: number; executor?: unknown },
): SealedBlock {
  const pool = settlePool(c, parts.mempool)
  return sealedBlockOf(c, stored, {
    log: parts.log,
    commitMs: parts.commitMs,
    pool,
    ...(parts.executor ? { executor: parts.executor } : {}),
  })
}

/** Stage times to a tenth of a millisecond, for the log line. */
function roundStages(stages: SealedBlock['stages']): SealedBlock['stages'] {
  const r = (ms: number) => Math.round(ms * 10) / 10
  return {
    select: r(stages.select),
    execute: r(stages.execute),
    receipts: r(stages.receipts),
    commit: r(stages.commit),
    settle: r(stages.settle),
    ...(stages.write !== undefined ? { write: r(stages.write) } : {}),
  }
}

/**
 * A candidate's block commit as data (`BlockCommit`): header, transactions, receipts, write set, the pool
 * removals (its mempool transactions; block-start ones never were in the pool) and `rows` (extension rows:
 * the exit-root hook's, then `extra`: the certificate). What a writer thread can apply on its own
 * connection; the exit-root hook's `commit` closure is not in it (`persistCandidate` runs it).
 */
export function candidateCommit(c: BlockCandidate, extra: readonly StoreRowWrite[] = []): BlockCommit {
  const rows = c.exitRows?.length ? [...c.exitRows, ...extra] : extra
  return {
    header: c.header,
    hash: c.hash,
    txs: c.txs,
    receipts: c.receipts,
    writeSet: c.writeSet,
    mempoolRemovals: poolTxsOf(c).map((t) => t.hash),
    ...(rows.length ? { rows } : {}),
  }
}

/**
 * Commits a candidate's block, its extension rows (`rows`: the certificate) and the exit-root hook's state
 * in ONE store transaction; `prior` (the state cache, before the block) gives history its before-values
 * without reads. Returns the commit's milliseconds.
 */
export function persistCandidate(
  store: ChainStore,
  c: BlockCandidate,
  prior: PriorState,
  rows: readonly StoreRowWrite[] = [],
): number {
  const started = performance.now()
  store.transaction(() => {
    store.commitBlock({ ...candidateCommit(c, rows), prior })
    c.exitCommit?.()
  })
  c.exitApplied?.()
  return performance.now() - started
}

/** The block's transactions that came from the pool (block-start ones, `firstHashes`, never were in it). */
function poolTxsOf(c: BlockCandidate): BlockCandidate['txs'] {
  const first = c.firstHashes
  return first.size ? c.txs.filter((t) => !first.has(t.hash)) : c.txs
}
