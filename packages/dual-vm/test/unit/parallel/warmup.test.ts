import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createParallelExecutor, createSerialExecutor } from '../../../src/index.js'
import { WARMUP_TOKEN_SOURCE_HASH } from '../../../src/parallel/warmup.generated.js'
import { warmUp } from '../../../src/parallel/warmup.js'
import { expectSame } from './expectSame.js'
import { buildBlock, type CompiledExamples, compileExamples, header, type Op, Workload } from './workload.js'

describe('worker JIT warm-up', () => {
  it('runs real transfers: every one succeeds, on a scratch state', async () => {
    const r = await warmUp({ txs: 300 })
    expect(r).toMatchObject({ executed: 300, succeeded: 300 })
  })

  it('stops when asked', async () => {
    let checks = 0
    const r = await warmUp({ txs: 300, shouldStop: () => ++checks > 10 })
    expect(r.executed).toBe(10)
  })

  it('the committed WarmupToken code is built from contracts/WarmupToken.sol as it is now', () => {
    const source = readFileSync(new URL('../../../contracts/WarmupToken.sol', import.meta.url))
    expect(WARMUP_TOKEN_SOURCE_HASH).toBe(`0x${createHash('sha256').update(source).digest('hex')}`)
  })

  describe('in the executor', () => {
    let compiled: CompiledExamples
    beforeAll(async () => {
      compiled = await compileExamples()
    })
    const executors: ReturnType<typeof createParallelExecutor>[] = []
    afterAll(() => Promise.all(executors.map((e) => e.close())))

    it('each worker warms up after it starts', async () => {
      const executor = createParallelExecutor({ workers: 3, warmupTxs: 200 })
      executors.push(executor)
      await executor.start()
      await expect.poll(() => executor.warmUps.length, { timeout: 20_000 }).toBe(2)
      for (const w of executor.warmUps) expect(w).toMatchObject({ executed: 200, succeeded: 200 })
    })

    it('a block that arrives during the warm-up stops it and executes exactly as serially', async () => {
      const w = await Workload.create({ senders: 40, counters: 1, compiled })
      const txs = buildBlock(
        w,
        Array.from({ length: 40 }, (_, i): Op => ({ kind: 'erc20', from: i, to: 500 + i, amount: 1n })),
      )
      const h = header(w.number)
      const expected = await createSerialExecutor().executeBlock({ header: h, txs }, w.state)
      const executor = createParallelExecutor({ workers: 2, warmupTxs: 1_000_000, minParallelTxs: 1 })
      executors.push(executor)
      const actual = await executor.executeBlock({ header: h, txs }, w.state)
      expectSame(txs, expected, actual)
      await expect.poll(() => executor.warmUps.length, { timeout: 20_000 }).toBe(1)
      expect(executor.warmUps[0]!.executed).toBeLessThan(1_000_000)
    })
  })
})
