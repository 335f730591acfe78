import { isDiskFull } from './storeDiskFull.js'

/** How the state history index is kept up: `idle` (default) from a timer once commits pause, `manual`: only when called. */
export type HistoryIndexing = 'idle' | 'manual'

export type HistoryIndexerOptions = {
  /** One small batch of work (index, prune); returns true when more is left. */
  work: () => boolean
  /** Quiet time after a commit of an idle chain (a block without transactions) before a batch runs. Default 100 ms. */
  idleMs?: number
  /**
   * Quiet time after a commit of a busy chain (a block with transactions) before a batch runs: while blocks
   * with transactions keep coming faster than this, the index waits. Default 5,000 ms.
   */
  busyQuietMs?: number
}

/**
 * Runs the state history's work behind the head (erigon's stages): each commit re-arms a timer, and only
 * when no commit came for a while (`idleMs` after a block without transactions, `busyQuietMs` after one
 * with) does one small batch run, then the next on a zero-delay timer, so a busy chain's blocks always go
 * first and the backlog drains when the chain idles (a 500 ms SPN seals an empty block a second). The
 * store also forces batches when the backlog grows past a bound. The timer never keeps the process alive. A failing batch stops the indexer and is kept in `error` (reads stay right: they scan
 * what is not indexed); a full disk (`SQLITE_FULL`) only pauses it until the next quiet time.
 *
 * @example
 * ```ts
 * const indexer = new HistoryIndexer({ work: () => history.indexNext(4_000) > 0 })
 * indexer.committed(block.txs.length > 0) // after each block commit
 * indexer.stop()      // when the store closes
 * ```
 */
export class HistoryIndexer {
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private readonly idleMs: number
  private readonly busyQuietMs: number
  /** The error of the batch that stopped the indexer, if one did. */
  error: unknown

  constructor(private readonly options: HistoryIndexerOptions) {
    this.idleMs = options.idleMs ?? 100
    this.busyQuietMs = options.busyQuietMs ?? 5_000
  }

  /**
   * A commit happened: the next batch waits for quiet (`busy`: the block carried transactions, or the
   * store wants the backlog drained now: pass false).
   */
  committed(busy = false): void {
    this.arm(busy ? this.busyQuietMs : this.idleMs)
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(ms: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(this.run, ms)
    this.timer.unref()
  }

  private readonly run = (): void => {
    this.timer = undefined
    let more: boolean
    try {
      more = this.options.work()
    } catch (e) {
      this.error = e
      // A full disk passes: try again after a quiet while. Anything else stops the indexer.
      if (isDiskFull(e)) this.arm(this.busyQuietMs)
      else this.stop()
      return
    }
    if (more) this.arm(0)
  }
}
