import type { Logger, Startable } from '@rollup-mesh/core'
import { createSilentLogger } from '@rollup-mesh/core'
import { hasPendingBlockStartWork } from './blockStartWork.js'
import type { Chain } from './chain.js'

/** Decides when blocks are sealed. The interval producer is the default; consensus replaces it. */
export interface BlockProducer extends Startable {}

export type IntervalBlockProducerOptions = {
  /** Target time between blocks. Default 500 ms. */
  blockTimeMs?: number
  /**
   * Seconds a block's timestamp may run ahead of the clock. Timestamps strictly increase, so blocks faster
   * than one a second take the next second: a tick seals such a block only when transactions wait and the
   * lead stays within this; otherwise it waits for the clock (no empty block borrows a second). Default 2.
   */
  maxTimestampLeadS?: number
  logger?: Logger
}

/**
 * Whether a tick at wall-clock second `nowS` seals a block: always when the next block's timestamp is not
 * ahead of the chain's clock (or a dev method fixed it); ahead of it (sub-second blocks), only when the lead
 * stays within `maxLeadS` and transactions wait: an executable one in the pool, or block-start work
 * (`hasPendingBlockStartWork`: deliveries queued for the block-start hook).
 */
export function shouldSealAt(chain: Chain, nowS: bigint, maxLeadS: bigint): boolean {
  if (chain.clock.pinned) return true
  const tip = chain.tip()
  const lead = chain.clock.next({ parentTimestamp: tip.timestamp, nowS }) - chain.clock.now(nowS)
  if (lead <= 0n) return true
  if (lead > maxLeadS) return false
  if (hasPendingBlockStartWork(chain)) return true
  if (chain.mempool.size === 0) return false
  return chain.mempool.select(chain.nextBaseFee(), chain.blockGasLimit, 1).length > 0
}

/**
 * Seals a block every `blockTimeMs` (measured start to start; never overlapping); with blocks faster than
 * one a second, a tick with nothing to include skips rather than take a second ahead of the clock
 * (`shouldSealAt`).
 *
 * @example
 * ```ts
 * import { createIntervalBlockProducer } from '@rollup-mesh/chain'
 *
 * const producer = createIntervalBlockProducer(chain, { blockTimeMs: 500 })
 * await producer.start() // a block at least every second, every 500 ms while transactions wait
 * await producer.stop()
 * ```
 */
export function createIntervalBlockProducer(
  chain: Chain,
  options: IntervalBlockProducerOptions = {},
): BlockProducer {
  const blockTimeMs = options.blockTimeMs ?? 500
  const maxLeadS = BigInt(options.maxTimestampLeadS ?? 2)
  const log = (options.logger ?? createSilentLogger()).child({ module: 'producer' })
  let timer: NodeJS.Timeout | undefined
  let running = false
  let inFlight: Promise<unknown> | undefined

  const tick = (): void => {
    if (!running) return
    const started = Date.now()
    const nowS = BigInt(Math.floor(started / 1000))
    if (!shouldSealAt(chain, nowS, maxLeadS)) {
      // Wait for the next tick or the next second, whichever comes first.
      timer = setTimeout(tick, Math.min(blockTimeMs, 1000 - (started % 1000)))
      return
    }
    // `sealBlock` resolves once the block is the tip: with the commit writer the next one is built while it
    // commits (its failure is the chain's to log and undo)
    inFlight = chain
      .sealBlock(nowS)
      .then((s) => {
        s.durable.catch(() => undefined)
      })
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
      await chain.idle()
    },
    isStarted: () => running,
  }
}
