import type { PRNG } from './prng.js'
import { createPRNG } from './prng.js'

/** How a Byzantine validator misbehaves; each runs as two instances with one key (Twins). */
export type ByzantineKind =
  /** Both twins follow the protocol but propose different values and see different peers: equivocation. */
  | 'equivocate'
  /** Twins that also ignore their lock. */
  | 'ignore-lock'
  /** Twins that propose invalid blocks. */
  | 'invalid-proposal'

/** A network episode: until `until`, messages between different groups are dropped. */
export type Partition = { readonly from: number; readonly until: number; readonly groups: readonly number[] }

/** One seeded scenario: who validates with what power, who is Byzantine, and how the network misbehaves. */
export type Scenario = {
  readonly seed: number
  readonly powers: readonly number[]
  readonly byzantine: ReadonlyMap<number, ByzantineKind>
  /** Heights every honest validator must decide. */
  readonly heights: number
  readonly minDelayMs: number
  readonly maxDelayMs: number
  /** Before `healAt` only (GST): probability a message is lost / delivered twice / delayed a lot. */
  readonly dropRate: number
  readonly duplicateRate: number
  readonly reorderRate: number
  readonly partitions: readonly Partition[]
  /** Global stabilisation time: no partition, drop or long delay after it. */
  readonly healAt: number
}

/**
 * Draws a scenario from a seed: 1–7 validators (sometimes 10 or 16), equal or random powers, Byzantine
 * validators holding less than 1/3 of the power, and a faulty network until `healAt`.
 *
 * @example
 * ```ts
 * const s = scenarioFromSeed(7)
 * s.powers.length // 1..16
 * ```
 */
export function scenarioFromSeed(seed: number): Scenario {
  const rng = createPRNG(seed)
  // A third are the Twins paper's setting: 4 equal validators, one of them two-faced.
  const twins = rng.chance(0.33)
  const n = twins ? 4 : rng.chance(0.1) ? rng.pick([10, 16]) : 1 + rng.int(7)
  const powers = Array.from({ length: n }, () => (twins || rng.chance(0.5) ? 1 : 1 + rng.int(5)))
  const total = powers.reduce((a, b) => a + b, 0)
  const byzantine = new Map<number, ByzantineKind>()
  if (n >= 4 && (twins || rng.chance(0.6))) {
    const order = shuffle(rng, [...Array(n).keys()])
    let power = 0
    const want = 1 + rng.int(Math.max(1, Math.floor((n - 1) / 3)))
    for (const i of order) {
      if (byzantine.size >= want) break
      if (3 * (power + powers[i]!) >= total) continue
      power += powers[i]!
      byzantine.set(i, rng.pick<ByzantineKind>(['equivocate', 'ignore-lock', 'invalid-proposal']))
    }
  }
  const healAt = rng.chance(0.2) ? 0 : 2_000 + rng.int(20_000)
  const partitions: Partition[] = []
  // Either a few long splits, or (Twins-style) back-to-back phases of a few rounds each, every phase a
  // fresh random split: rounds get cut in different places, which is where locks matter.
  if (healAt > 0 && rng.chance(0.5)) {
    for (let from = 0; from < healAt; ) {
      const until = Math.min(healAt, from + 200 + rng.int(2_500))
      partitions.push({ from, until, groups: Array.from({ length: n * 2 }, () => rng.int(2)) })
      from = until
    }
  } else {
    const episodes = healAt === 0 ? 0 : rng.int(4)
    for (let e = 0; e < episodes; e++) {
      const from = rng.int(healAt)
      const until = Math.min(healAt, from + 500 + rng.int(8_000))
      const groupCount = 2 + rng.int(2)
      partitions.push({ from, until, groups: Array.from({ length: n * 2 }, () => rng.int(groupCount)) })
    }
  }
  const maxDelayMs = rng.pick([5, 50, 200, 800])
  return {
    seed,
    powers,
    byzantine,
    heights: 1 + rng.int(3),
    minDelayMs: 1,
    maxDelayMs,
    dropRate: healAt === 0 ? 0 : rng.pick([0, 0.05, 0.2, 0.5]),
    duplicateRate: rng.pick([0, 0.05, 0.2]),
    reorderRate: healAt === 0 ? 0 : rng.pick([0, 0.1, 0.3]),
    partitions,
    healAt,
  }
}

function shuffle<T>(rng: PRNG, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}
