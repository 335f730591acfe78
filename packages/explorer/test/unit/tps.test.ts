import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { meanBlockTimeMs, pruneSamples, tpsSeries } from '../../src/app/lib/tps.js'

describe('tpsSeries', () => {
  it('buckets transactions per second over the window', () => {
    const s = tpsSeries(
      [
        { number: 1, timestamp: 90, txCount: 100 },
        { number: 2, timestamp: 96, txCount: 10 },
        { number: 3, timestamp: 99, txCount: 5 },
        { number: 4, timestamp: 101, txCount: 20 },
        { number: 5, timestamp: 106, txCount: 7 },
      ],
      { now: 105, windowSec: 10, bucketSec: 5 },
    )
    expect(s).toEqual({ x: [95, 100], y: [3, 4] })
  })

  it('counts every transaction in the window exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ timestamp: fc.integer({ min: 0, max: 99 }), txCount: fc.nat(50) })),
        (raw) => {
          const samples = raw.map((r, i) => ({ number: i, ...r }))
          const s = tpsSeries(samples, { now: 100, windowSec: 100, bucketSec: 5 })
          const total = s.y.reduce((a, b) => a + b * 5, 0)
          expect(Math.round(total)).toBe(samples.reduce((a, b) => a + b.txCount, 0))
        },
      ),
    )
  })
})

describe('meanBlockTimeMs and pruneSamples', () => {
  it('averages over the blocks between the first and last', () => {
    expect(
      meanBlockTimeMs([
        { number: 10, timestamp: 100, txCount: 0 },
        { number: 30, timestamp: 110, txCount: 0 },
      ]),
    ).toBe(500)
    expect(meanBlockTimeMs([{ number: 1, timestamp: 1, txCount: 0 }])).toBeUndefined()
  })

  it('keeps one sample per block within the window, in order', () => {
    const kept = pruneSamples(
      [
        { number: 3, timestamp: 300, txCount: 1 },
        { number: 1, timestamp: 100, txCount: 1 },
        { number: 3, timestamp: 300, txCount: 2 },
        { number: 2, timestamp: 250, txCount: 1 },
      ],
      60,
    )
    expect(kept.map((s) => [s.number, s.txCount])).toEqual([
      [2, 1],
      [3, 2],
    ])
  })
})
