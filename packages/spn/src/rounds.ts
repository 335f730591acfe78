import type { Logger } from '@rollup-mesh/core'

/** A background service's work loop: one round at a time, every `pollMs`, and on demand. */
export type RoundLoop = {
  /** Runs a round now, or joins the one in progress; never rejects (a failure is logged). */
  tick(): Promise<void>
  /**
   * Something to do has arrived: runs a round now, or, while one is in progress (it may have looked before
   * the news), one more after it; wakes while one is owed coalesce. Nothing before `start`.
   */
  wake(): void
  /** Starts the periodic rounds. */
  start(): void
  /** Stops them and waits for the round in progress. */
  stop(): Promise<void>
}

/**
 * Runs `round` every `pollMs` (start to start, never overlapping). A failed round is logged once per
 * distinct reason (an unreachable main net is retried every `pollMs` without flooding the log) as
 * `<what> round failed; will retry`, and retried on the next tick.
 */
export function createRoundLoop(options: {
  what: string
  pollMs: number
  log: Logger
  round: () => Promise<void>
}): RoundLoop {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let started = false
  let lastFailure = ''
  let owed = false
  const tick = (): Promise<void> => {
    running ??= options
      .round()
      .then(() => {
        lastFailure = ''
      })
      .catch((err: unknown) => {
        const reason = (err as Error).message?.split('\n')[0] ?? String(err)
        if (reason !== lastFailure)
          options.log.warn({ err: reason }, `${options.what} round failed; will retry`)
        lastFailure = reason
      })
      .finally(() => {
        running = undefined
        if (owed && started) {
          owed = false
          void tick()
        }
      })
    return running
  }
  const schedule = (): void => {
    if (!started) return
    timer = setTimeout(() => {
      tick().finally(schedule)
    }, options.pollMs)
  }
  return {
    tick,
    wake() {
      if (!started) return
      if (running) owed = true
      else void tick()
    },
    start() {
      if (started) return
      started = true
      schedule()
    },
    async stop() {
      started = false
      owed = false
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
