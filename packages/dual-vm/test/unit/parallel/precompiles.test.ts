import { type Address, numberToHex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { createParallelExecutor, createSerialExecutor, intrinsicGas } from '../../../src/index.js'
import { expectSame } from './expectSame.js'
import {
  CRASH_PRECOMPILE,
  crashingPrecompiles,
  TEST_PRECOMPILE,
  TEST_PRECOMPILE_GAS,
  testPrecompiles,
} from './fixtures/precompiles.js'
import { header, makeTx, Workload } from './workload.js'

// A chain's custom precompiles (the SPN's exit-proof verifier) must run in the workers too: functions
// cannot cross threads, so workers load them by module and export name, like the WASM engine.
describe('ParallelExecutor with custom precompiles', () => {
  const source = {
    module: new URL('./fixtures/precompiles.ts', import.meta.url).href,
    exportName: 'testPrecompiles',
  }
  const parallel = createParallelExecutor({
    workers: 2,
    minParallelTxs: 1,
    serialChainShare: 2,
    precompiles: source,
  })
  afterAll(() => parallel.close())

  it('workers run the precompile: same receipts, gas and state root as the serial executor with it', async () => {
    const w = await Workload.create({ senders: 24 })
    const txs = w.senders.map((from, i) =>
      makeTx({
        from: from as Address,
        nonce: w.nextNonce(from as Address),
        to: TEST_PRECOMPILE,
        data: numberToHex(i + 1, { size: 8 }),
      }),
    )
    const h = header(w.number)
    const serial = await createSerialExecutor({ precompiles: testPrecompiles() }).executeBlock(
      { header: h, txs },
      w.state,
    )
    const result = await parallel.executeBlock({ header: h, txs }, w.state)
    expect(parallel.stats?.mode).toBe('parallel')
    expectSame(txs, serial, result)
    // every call paid the precompile's gas: it ran (a call to an empty account would not)
    txs.forEach((t, i) => {
      const { intrinsic } = intrinsicGas(t)
      expect(result.receipts[i]?.gasUsed).toBe(intrinsic + TEST_PRECOMPILE_GAS)
    })
  })

  it('a worker dying mid-block: its transactions are re-executed here, and the pool restarts', async () => {
    const executor = createParallelExecutor({
      workers: 3,
      callerWeight: 0, // everything on the two workers
      minParallelTxs: 1,
      serialChainShare: 2,
      precompiles: { ...source, exportName: 'crashingPrecompiles' },
    })
    try {
      const w = await Workload.create({ senders: 24 })
      const serial = createSerialExecutor({ precompiles: await crashingPrecompiles() })
      for (const crash of [true, false]) {
        const txs = w.senders.map((from, i) =>
          makeTx({
            from: from as Address,
            nonce: w.nextNonce(from as Address),
            to: crash && i === 5 ? CRASH_PRECOMPILE : TEST_PRECOMPILE,
            data: numberToHex(i + 1, { size: 8 }),
          }),
        )
        const h = header(w.number)
        const expected = await serial.executeBlock({ header: h, txs }, w.state)
        const result = await executor.executeBlock({ header: h, txs }, w.state)
        expect(executor.stats?.mode).toBe('parallel')
        // The dead worker's share (at least the crashing transaction) ran again on the calling thread.
        if (crash) expect(executor.stats?.reExecuted).toBeGreaterThan(0)
        else expect(executor.stats?.reExecuted).toBe(0)
        expectSame(txs, expected, result)
        w.state.apply(expected.writeSet)
        w.number++
      }
    } finally {
      await executor.close()
    }
  })

  it('a factory that is not exported is a clear error', async () => {
    const bad = createParallelExecutor({ workers: 1, precompiles: { ...source, exportName: 'nope' } })
    await expect(bad.start()).rejects.toThrow(/precompiles\.exportName/)
    await expect(bad.start()).rejects.toMatchObject({ code: 'PARAMETER_INVALID' })
    await bad.close()
  })
})
