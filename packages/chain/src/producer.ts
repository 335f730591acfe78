import type { Logger, Startable } from '@rollup-mesh/core'
import { createSilentLogger } from '@rollup-mesh/core'
import type { Chain } from './chain.js'

/** Decides when blocks are sealed. The interval producer is the default; consensus replaces it. */
export interface BlockProducer extends Startable {}

export type IntervalBlockProducerOptions = {
  /** Target time between blocks. Default 500 ms. */
  blockTimeMs?: number
  logger?: Logger
}

/** Seals a block every `blockTimeMs` (measured start to start; never overlapping). */
export function createIntervalBlockProducer(
  chain: Chain,
  options: IntervalBlockProducerOptions = {},
): BlockProducer {
  const blockTimeMs = options.blockTimeMs ?? 500
  const log = (options.logger ?? createSilentLogger()).child({ module: 'producer' })
  let timer: NodeJS.Timeout | undefined
  let running = false
  let inFlight: Promise<unknown> | undefined

  const tick = (): void => {
    if (!running) return
    const started = Date.now()
    inFlight = chain
      .produceBlock()
      .catch((err: unknown) => log.error({ err }, 'block production failed'))
      .finally(() => {
        inFlight = undefined
        if (!running) return
        const wait = Math.max(0, blockTimeMs - (Date.now() - started))
        timer = setTimeout(tick, wait)
      })
  }

  return {
    async start() {
      if (running) return
      running = true
      timer = setTimeout(tick, blockTimeMs)
    },
    async stop() {
      running = false
      if (timer) clearTimeout(timer)
      timer = undefined
      await inFlight
    },
    isStarted: () => running,
  }
}
