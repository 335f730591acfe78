import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createParallelExecutor, createSerialExecutor } from '../../../src/index.js'
import { buildBlock, type CompiledExamples, compileExamples, header, type Op, Workload } from './workload.js'

// A node's RPC runs on the thread that also executes a share of each block: that thread must let its event
// loop turn while it executes, or a long block stops the node accepting transactions until it is sealed.
describe('ParallelExecutor: the calling thread yields while it executes its share', () => {
  let compiled: CompiledExamples
  beforeAll(async () => {
    compiled = await compileExamples()
  })
  const executors: ReturnType<typeof createParallelExecutor>[] = []
  afterAll(() => Promise.all(executors.map((e) => e.close())))

  /** Event-loop turns (setImmediate) seen before the calling thread finished its share of the second block. */
  const turnsDuringOwnShare = async (yieldEveryMs: number) => {
    const w = await Workload.create({ senders: 160, counters: 1, compiled })
    // Most of the block on the calling thread (weight 8 against the one worker's 1).
    const executor = createParallelExecutor({ workers: 2, callerWeight: 8, minParallelTxs: 1, yieldEveryMs })
    executors.push(executor)
    const block = (offset: number) =>
      buildBlock(
        w,
        Array.from({ length: 160 }, (_, i): Op => ({ kind: 'erc20', from: i, to: offset + i, amount: 1n })),
      )
    // The first block starts the pool (which awaits its workers); the second is the one observed.
    const first = block(1_000)
    const result = await executor.executeBlock({ header: header(w.number), txs: first }, w.state)
    w.state.apply(result.writeSet)
    w.number++
    const txs = block(2_000)
    const turns: number[] = []
    let watching = true
    const t0 = performance.now()
    const tick = () => {
      if (!watching) return
      turns.push(performance.now() - t0)
      setImmediate(tick)
    }
    setImmediate(tick)
    await executor.executeBlock({ header: header(w.number), txs }, w.state)
    watching = false
    const stats = executor.stats as { callerTxs: number; callerDoneMs: number }
    expect(stats.callerTxs).toBeGreaterThan(100)
    return turns.filter((t) => t < stats.callerDoneMs).length
  }

  it('every yieldEveryMs', async () => {
    expect(await turnsDuringOwnShare(1)).toBeGreaterThanOrEqual(2)
  })

  it('never with yieldEveryMs 0', async () => {
    expect(await turnsDuringOwnShare(0)).toBe(0)
  })
})

describe('SerialExecutor yields while it executes a block', () => {
  let compiled: CompiledExamples
  beforeAll(async () => {
    compiled = await compileExamples()
  })

  /** Event-loop turns (setImmediate) seen while one 120-transfer block executes. */
  const turnsDuringBlock = async (yieldEveryMs: number) => {
    const w = await Workload.create({ senders: 120, counters: 1, compiled })
    const txs = buildBlock(
      w,
      Array.from({ length: 120 }, (_, i): Op => ({ kind: 'erc20', from: i, to: 3_000 + i, amount: 1n })),
    )
    let turns = 0
    let watching = true
    const tick = () => {
      if (!watching) return
      turns++
      setImmediate(tick)
    }
    setImmediate(tick)
    await createSerialExecutor({ yieldEveryMs }).executeBlock({ header: header(w.number), txs }, w.state)
    watching = false
    return turns
  }

  it('every yieldEveryMs', async () => {
    expect(await turnsDuringBlock(1)).toBeGreaterThanOrEqual(2)
  })

  it('never with yieldEveryMs 0', async () => {
    expect(await turnsDuringBlock(0)).toBe(0)
  })
})
