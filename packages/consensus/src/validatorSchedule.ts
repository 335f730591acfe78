import { InvalidValidatorSetError } from './errors.js'
import type { ProposerCache, ValidatorSet } from './validatorSet.js'

/** One entry of the schedule: `set` signs every height from `fromHeight` until the next entry. */
export type ScheduledSet = { readonly fromHeight: number; readonly set: ValidatorSet }

/**
 * The chain of validator sets by height. Genesis gives the first; a governance call at height h schedules
 * a new set for the first epoch boundary at least `epochLength` heights later, so every certificate up
 * to that boundary is still signed by the old set and the header before it announces the new set's hash
 * (`nextValidatorsHash`): certificates chain across the change.
 *
 * @example
 * ```ts
 * const schedule = new ValidatorSchedule(genesisSet, { firstHeight: 1, epochLength: 10 })
 * const at = schedule.scheduleChange(newSet, 3) // effective at height 11
 * schedule.setAt(11) === newSet
 * ```
 */
export class ValidatorSchedule {
  readonly firstHeight: number
  readonly epochLength: number
  readonly #entries: ScheduledSet[]
  readonly #cache: ProposerCache = { set: null, byHeight: new Map() }

  constructor(genesis: ValidatorSet, opts: { firstHeight?: number; epochLength?: number } = {}) {
    this.firstHeight = opts.firstHeight ?? 1
    this.epochLength = opts.epochLength ?? 100
    if (!Number.isSafeInteger(this.epochLength) || this.epochLength < 1)
      throw new InvalidValidatorSetError(
        'SCHEDULE_EPOCH',
        `"epochLength" must be a positive integer, got ${this.epochLength}.`,
      )
    this.#entries = [{ fromHeight: this.firstHeight, set: genesis }]
  }

  get entries(): readonly ScheduledSet[] {
    return this.#entries
  }

  /** The entry in force at `height`. */
  entryAt(height: number): ScheduledSet {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const e = this.#entries[i]!
      if (height >= e.fromHeight) return e
    }
    throw new InvalidValidatorSetError(
      'SCHEDULE_HEIGHT',
      `Height ${height} is before the first height ${this.firstHeight}.`,
    )
  }

  /** The set that signs `height`. */
  setAt(height: number): ValidatorSet {
    return this.entryAt(height).set
  }

  /** Proposer index for (height, round): rotation restarts from zero priorities at each set change. */
  proposer(height: number, round: number): number {
    const e = this.entryAt(height)
    return e.set.proposer(height - e.fromHeight, round, this.#cache)
  }

  /** The first epoch boundary at least one full epoch after `decidedAt`. */
  effectiveHeight(decidedAt: number): number {
    const sinceFirst = decidedAt - this.firstHeight
    return this.firstHeight + (Math.floor(sinceFirst / this.epochLength) + 2) * this.epochLength
  }

  /**
   * Schedule `set` after a governance call executed at height `decidedAt`; returns the height it takes
   * effect. Changes must be scheduled in height order.
   */
  scheduleChange(set: ValidatorSet, decidedAt: number): number {
    const fromHeight = this.effectiveHeight(decidedAt)
    const last = this.#entries.at(-1)!
    if (fromHeight < last.fromHeight)
      throw new InvalidValidatorSetError(
        'SCHEDULE_ORDER',
        `A change effective at ${fromHeight} comes before the scheduled change at ${last.fromHeight}.`,
      )
    if (fromHeight === last.fromHeight) this.#entries[this.#entries.length - 1] = { fromHeight, set }
    else this.#entries.push({ fromHeight, set })
    return fromHeight
  }
}
