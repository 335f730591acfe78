/** How the state history index is kept up: `idle` (default) from a timer once commits pause, `manual`: only when called. */
export type HistoryIndexing = 'idle' | 'manual'

export type HistoryIndexerOptions = {
  /** One small batch of work (index, prune); returns true when more is left. */
  work: () => boolean
  /** Quiet time after the last commit before a batch runs. Default 100 ms. */
  idleMs?: number
}

/**
 * Runs the state history's work behind the head (erigon's stages): each commit re-arms a timer, and only
 * when no commit came for `idleMs` does one small batch run, then the next on a zero-delay timer, so block
 * production always goes first and a backlog drains when the chain quiets. The timer never keeps the
 * process alive. A failing batch stops the indexer and is kept in `error` (reads stay right: they scan
 * what is not indexed).
 *
 * @example
 * ```ts
 * const indexer = new HistoryIndexer({ work: () => history.indexNext(4_000) > 0 })
 * indexer.committed() // after each block commit
 * indexer.stop()      // when the store closes
 * ```
 */
export class HistoryIndexer {
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private readonly idleMs: number
  /** The error of the batch that stopped the indexer, if one did. */
  error: unknown

  constructor(private readonly options: HistoryIndexerOptions) {
    this.idleMs = options.idleMs ?? 100
  }

  /** A commit happened: the next batch waits for `idleMs` of quiet. */
  committed(): void {
    this.arm(this.idleMs)
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
      this.stop()
      return
    }
    if (more) this.arm(0)
  }
}
