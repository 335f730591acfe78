import { HistoryIndexer, type HistoryIndexing } from './historyIndexer.js'
import type { StateHistory } from './stateHistory.js'

/** Change sets pruned per batch of the history's background work. */
const PRUNE_BATCH_SETS = 8
/** Keys indexed per batch of the history's background work (a few ms; at least one change set). */
const INDEX_BATCH_ENTRIES = 4_000
/** Unindexed change sets past which the index is built even while blocks with transactions keep coming. */
const MAX_INDEX_LAG = 256

export type HistoryMaintenanceOptions = {
  history: StateHistory
  /** Blocks of history kept: `'all'`, a count, or 0 (none). */
  retention: number | 'all'
  indexing: HistoryIndexing
  /** Runs `fn` in one store transaction; undefined once the store is closed. */
  transaction: <T>(fn: () => T) => T | undefined
  /** The first state version that must stay readable (the retention window's first block). */
  oldestStateVersion: () => number
}

/**
 * The chain store's state-history work behind the head: indexing change sets and pruning those older
 * than the retention window, in small transactions scheduled by a `HistoryIndexer` (or only on
 * `catchUp()` with `indexing: 'manual'`). While the node is busy (`busy`) the index waits, up to
 * 256 unindexed change sets; a pinned version (an outstanding snapshot) is never pruned.
 *
 * @example
 * ```ts
 * const work = new HistoryMaintenance({ history, retention: 'all', indexing: 'idle', transaction, oldestStateVersion })
 * work.committed(true) // after a block with transactions
 * work.catchUp()       // { indexed, pruned }: everything now
 * work.stop()
 * ```
 */
export class HistoryMaintenance {
  /** History at or above this version is never pruned (an outstanding snapshot needs it). */
  pin: number | undefined
  /** Whether the node has work waiting (e.g. a non-empty pool): the index then waits, up to the lag bound. */
  busy: (() => boolean) | undefined
  private readonly indexer: HistoryIndexer | undefined

  constructor(private readonly options: HistoryMaintenanceOptions) {
    if (options.indexing === 'idle') {
      this.indexer = new HistoryIndexer({ work: () => this.batch() })
      if (options.history.backlog() > 0) this.indexer.committed()
    }
  }

  /** A commit landed (`withTxs`: its block carried transactions, so the index waits for quiet). */
  committed(withTxs: boolean): void {
    this.indexer?.committed(withTxs && this.options.history.backlog() < MAX_INDEX_LAG)
  }

  /** Indexes and prunes until nothing is left; how many change sets each step handled. */
  catchUp(): { indexed: number; pruned: number } {
    const done = { indexed: 0, pruned: 0 }
    for (;;) {
      const batch = this.step()
      done.indexed += batch.indexed
      done.pruned += batch.pruned
      if (batch.indexed === 0 && batch.pruned === 0) return done
    }
  }

  stop(): void {
    this.indexer?.stop()
  }

  /** One small batch of the background work (one transaction); true when more is left. */
  private batch(): boolean {
    if (this.busy?.() && this.options.history.backlog() < MAX_INDEX_LAG) {
      this.indexer?.committed(true)
      return false
    }
    const { pruned, indexed } = this.step()
    return pruned > 0 || indexed > 0
  }

  private step(): { indexed: number; pruned: number } {
    const done = this.options.transaction(() => ({
      pruned: this.pruneBatch(),
      indexed: this.options.history.indexNext(INDEX_BATCH_ENTRIES),
    }))
    return done ?? { indexed: 0, pruned: 0 }
  }

  /** Prunes a batch of change sets older than the retention window (and below any pin). */
  private pruneBatch(): number {
    const { retention } = this.options
    if (retention === 'all' || retention === 0) return 0
    let upTo = this.options.oldestStateVersion()
    if (this.pin !== undefined && this.pin - 1 < upTo) upTo = this.pin - 1
    if (upTo <= 0) return 0
    return this.options.history.prune(upTo, PRUNE_BATCH_SETS)
  }
}
