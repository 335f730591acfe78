/** One block as the overview keeps it: number, timestamp (Unix seconds) and transaction count. */
export type BlockSample = { number: number; timestamp: number; txCount: number }

/**
 * Transactions per second over the last `windowSec` seconds, in buckets of `bucketSec` ending at `now`
 * (Unix seconds): x = each bucket's start, y = its transactions / bucketSec. Blocks outside the window are
 * ignored; a bucket without blocks is 0.
 *
 * @example
 * tpsSeries([{ number: 1, timestamp: 100, txCount: 10 }], { now: 105, windowSec: 10, bucketSec: 5 })
 * // { x: [95, 100], y: [0, 2] }
 */
export function tpsSeries(
  samples: readonly BlockSample[],
  opts: { now: number; windowSec: number; bucketSec: number },
): { x: number[]; y: number[] } {
  const n = Math.max(1, Math.ceil(opts.windowSec / opts.bucketSec))
  const start = opts.now - n * opts.bucketSec
  const x = Array.from({ length: n }, (_, i) => start + i * opts.bucketSec)
  const counts = new Array<number>(n).fill(0)
  for (const s of samples) {
    if (s.timestamp < start || s.timestamp >= opts.now) continue
    const i = Math.floor((s.timestamp - start) / opts.bucketSec)
    counts[i] = (counts[i] ?? 0) + s.txCount
  }
  return { x, y: counts.map((c) => c / opts.bucketSec) }
}

/** The mean time between the given blocks in ms (undefined with fewer than 2 or no time passed). */
export function meanBlockTimeMs(samples: readonly BlockSample[]): number | undefined {
  if (samples.length < 2) return undefined
  const sorted = [...samples].sort((a, b) => a.number - b.number)
  const first = sorted[0]!
  const last = sorted.at(-1)!
  const blocks = last.number - first.number
  if (blocks <= 0 || last.timestamp <= first.timestamp) return undefined
  return ((last.timestamp - first.timestamp) * 1000) / blocks
}

/** Keeps the samples of the last `keepSec` seconds before `newest`'s time, one per block number, in order. */
export function pruneSamples(samples: readonly BlockSample[], keepSec: number): BlockSample[] {
  const byNumber = new Map<number, BlockSample>()
  for (const s of samples) byNumber.set(s.number, s)
  const sorted = [...byNumber.values()].sort((a, b) => a.number - b.number)
  const newest = sorted.at(-1)?.timestamp ?? 0
  return sorted.filter((s) => s.timestamp >= newest - keepSec)
}
