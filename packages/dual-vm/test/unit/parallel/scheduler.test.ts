import { describe, expect, it } from 'vitest'
import { nextCallerWeight } from '../../../src/parallel/callerWeight.js'
import { ConflictLearner, planBlock } from '../../../src/parallel/scheduler.js'
import { makeTx, senderAddress } from './workload.js'

/** `n` transactions from distinct senders (independent chains of one). */
const independent = (n: number) =>
  Array.from({ length: n }, (_, i) => makeTx({ from: senderAddress(i), nonce: 0n }))

describe('planBlock', () => {
  it('spreads independent chains by weight: thread 0 is the calling thread', () => {
    const txs = independent(300)
    const sizes = (weights?: number[]) =>
      planBlock(txs, 3, new ConflictLearner(), weights).shares.map((s) => s.length)
    expect(sizes()).toEqual([100, 100, 100])
    expect(sizes([0.5])).toEqual([60, 120, 120])
    expect(sizes([0])).toEqual([0, 150, 150])
  })

  it('keeps a sender chain on one thread, in block order', () => {
    const txs = [0, 1, 0, 2, 0].map((s, i) => makeTx({ from: senderAddress(s), nonce: BigInt(i) }))
    const plan = planBlock(txs, 2, new ConflictLearner(), [1])
    const owner = plan.shares.findIndex((share) => share.some((t) => t.index === 0))
    expect(plan.shares[owner]?.filter((t) => t.tx.from === senderAddress(0)).map((t) => t.index)).toEqual([
      0, 2, 4,
    ])
    expect(plan).toMatchObject({ chains: 3, largestChain: 3 })
  })
})

describe('nextCallerWeight (the calling thread balances its share block by block)', () => {
  it('takes more when it finished its share first and waited, less when the workers waited on it', () => {
    expect(nextCallerWeight(0.5, 100, 50, 100)).toBeGreaterThan(0.5)
    expect(nextCallerWeight(0.5, 100, 100, 50)).toBeLessThan(0.5)
    expect(nextCallerWeight(0.5, 100, 100, 100)).toBe(0.5)
  })

  it('moves at most 2x per block and stays within bounds', () => {
    expect(nextCallerWeight(0.5, 100, 1, 1000)).toBe(1)
    expect(nextCallerWeight(0.5, 100, 1000, 1)).toBe(0.25)
    let w = 0.5
    for (let b = 0; b < 50; b++) w = nextCallerWeight(w, 100, 1000, 1)
    expect(w).toBeGreaterThan(0)
    for (let b = 0; b < 50; b++) w = nextCallerWeight(w, 100, 1, 1000)
    expect(w).toBeLessThanOrEqual(4)
  })

  it('keeps a small share when the last block gave it none, and ignores blocks with nothing measured', () => {
    expect(nextCallerWeight(0, 0, 0, 10)).toBeGreaterThan(0)
    expect(nextCallerWeight(0.7, 100, 0, 10)).toBe(0.7)
  })
})
