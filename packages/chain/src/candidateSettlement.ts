import type { Logger } from '@rollup-mesh/core'
import type { StoredHeader } from './block.js'
import type { BlockCandidate } from './blockCandidate.js'
import type { Mempool } from './mempool.js'
import type { SealedBlock } from './sealedBlock.js'
import type { PriorState } from './stateHistory.js'
import type { ChainStore } from './store.js'
import type { BlockCommit, StoreRowWrite } from './storeTypes.js'

/**
 * After a candidate's commit: the mempool drops what the block included (and re-checks what it skipped),
 * skipped block-start transactions are reported, and the `SealedBlock` the `block` event carries is made.
 */
export function settleCandidate(
  c: BlockCandidate,
  stored: StoredHeader,
  parts: { mempool: Mempool; log: Logger; commitMs: number; executor?: unknown },
): SealedBlock {
  const settling = performance.now()
  const poolAtCommit = parts.mempool.size
  const first = c.firstHashes
  const number = Number(stored.number)
  const poolTxs = first.size ? c.txs.filter((t) => !first.has(t.hash)) : c.txs
  const skippedFirst = first.size ? c.skipped.filter((s) => first.has(s.hash)) : []
  const skippedPool = skippedFirst.length ? c.skipped.filter((s) => !first.has(s.hash)) : c.skipped
  const dropped = parts.mempool.onBlock(
    poolTxs.map((t) => t.hash),
    skippedPool.map((s) => s.hash),
  )
  const stages = { ...c.timing, commit: parts.commitMs, settle: performance.now() - settling }
  const queues = { poolAtCommit, pool: parts.mempool.size }
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
        dropped: dropped.length,
        gasUsed: Number(stored.gasUsed),
        ms: roundStages(stages),
        queues,
        ...(parts.executor ? { executor: parts.executor } : {}),
      },
      'block sealed',
    )
  return sealed
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
  }
}

/**
 * A candidate's block commit as data (`BlockCommit`): header, transactions, receipts, write set, the pool
 * removals (its mempool transactions; block-start ones never were in the pool) and `rows` (extension rows:
 * the certificate). What a writer thread can apply on its own connection; the exit-root hook's `commit`
 * closure is not in it (`persistCandidate` runs it).
 */
export function candidateCommit(c: BlockCandidate, rows: readonly StoreRowWrite[] = []): BlockCommit {
  const first = c.firstHashes
  const poolTxs = first.size ? c.txs.filter((t) => !first.has(t.hash)) : c.txs
  return {
    header: c.header,
    hash: c.hash,
    txs: c.txs,
    receipts: c.receipts,
    writeSet: c.writeSet,
    mempoolRemovals: poolTxs.map((t) => t.hash),
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
  return performance.now() - started
}
