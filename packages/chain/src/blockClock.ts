import { BaseError } from '@rollup-mesh/core'

/** A timestamp a dev method asked for cannot be a next block's (it is not after the head's). */
export class BlockTimestampError extends BaseError {
  readonly timestamp: bigint
  readonly parentTimestamp: bigint
  constructor(timestamp: bigint, parentTimestamp: bigint) {
    super(`Timestamp error: ${timestamp} is not after the previous block's timestamp ${parentTimestamp}.`, {
      code: 'BLOCK_TIMESTAMP',
      name: 'BlockTimestampError',
      metaMessages: [
        '- Every block must have a timestamp greater than its parent (Ethereum rule).',
        `- Use a timestamp above ${parentTimestamp}.`,
      ],
    })
    this.timestamp = timestamp
    this.parentTimestamp = parentTimestamp
  }
}

/** The timestamp of a block on top of a parent with `parentTimestamp`, when the wall clock reads `nowS`. */
export type NextTimestampInput = { parentTimestamp: bigint; nowS: bigint }

/**
 * The chain's clock: what timestamp the next block gets. Every block's timestamp strictly exceeds its
 * parent's (Ethereum's rule): `max(now + offset, parent + 1)`, where `offset` is what `evm_increaseTime` and
 * `evm_setNextBlockTimestamp` moved the clock by. A dev method may fix the next block's timestamp
 * (`evm_setNextBlockTimestamp`) or a fixed step between blocks (`anvil_setBlockTimestampInterval`).
 *
 * @example
 * ```ts
 * import { BlockClock } from '@rollup-mesh/chain'
 *
 * const clock = new BlockClock()
 * clock.next({ parentTimestamp: 100n, nowS: 100n }) // 101n: never the parent's second again
 * clock.increaseTime(60n) // 60n, the total offset (evm_increaseTime's answer)
 * clock.next({ parentTimestamp: 100n, nowS: 100n }) // 160n
 * ```
 */
export class BlockClock {
  private offsetS = 0n
  private fixedNext: bigint | undefined
  private intervalS: bigint | undefined

  /** Seconds the clock runs ahead of the wall clock (`evm_increaseTime`'s total). */
  get offset(): bigint {
    return this.offsetS
  }

  /** Whether a dev method fixed the next timestamp or the step between blocks (the wall clock does not lead). */
  get pinned(): boolean {
    return this.fixedNext !== undefined || this.intervalS !== undefined
  }

  /** The wall clock plus the offset, in seconds. */
  now(nowS: bigint): bigint {
    return nowS + this.offsetS
  }

  /** The next block's timestamp (does not consume a fixed timestamp: `sealed` does). */
  next({ parentTimestamp, nowS }: NextTimestampInput): bigint {
    if (this.fixedNext !== undefined) return this.fixedNext
    if (this.intervalS !== undefined) return parentTimestamp + this.intervalS
    const now = this.now(nowS)
    return now > parentTimestamp ? now : parentTimestamp + 1n
  }

  /**
   * A block was sealed with `timestamp`: a fixed next timestamp is consumed. With `follow` (a block a dev
   * method timed or mined: fixed, interval, `evm_mine`) the clock moves up to it when it is ahead, so later
   * blocks continue from it as on anvil, instead of the producer waiting for the wall clock to catch up.
   */
  sealed(timestamp: bigint, nowS: bigint, follow: boolean): void {
    this.fixedNext = undefined
    if (follow && timestamp > nowS + this.offsetS) this.offsetS = timestamp - nowS
  }

  /** Moves the clock forward by `seconds`; returns the total offset (what anvil's `evm_increaseTime` returns). */
  increaseTime(seconds: bigint): bigint {
    this.offsetS += seconds
    return this.offsetS
  }

  /** Fixes the next block's timestamp; it must be after the head's. */
  setNextTimestamp(timestamp: bigint, parentTimestamp: bigint): void {
    if (timestamp <= parentTimestamp) throw new BlockTimestampError(timestamp, parentTimestamp)
    this.fixedNext = timestamp
  }

  /** Every next block `seconds` after its parent (`undefined` clears it); returns whether one was set before. */
  setInterval(seconds: bigint | undefined): boolean {
    const had = this.intervalS !== undefined
    this.intervalS = seconds
    return had
  }
}
