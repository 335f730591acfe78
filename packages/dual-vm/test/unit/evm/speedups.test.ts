import { encodeFunctionData } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { installJumpAnalysisCache, installSyncStepLoop, setSyncStepLoop } from '../../../src/evm/speedups.js'
import { createSerialExecutor } from '../../../src/index.js'
import { expectSame } from '../parallel/expectSame.js'
import { buildBlock, compileExamples, header, type Op, Workload } from '../parallel/workload.js'

// The interpreter loop that runs ethereumjs's synchronous opcodes without an `await` each must compute
// exactly what ethereumjs's own loop computes: same receipts (gas to the unit), logs, reverts, out-of-gas
// halts, skips and state root, for EVM and WASM contracts and the calls between them.
describe('synchronous step loop', () => {
  afterAll(() => setSyncStepLoop(true))

  it('is installed over the pinned @ethereumjs/evm (as is the jump-analysis cache)', async () => {
    // Both patch ethereumjs's unexported Interpreter and stand down if its shape changes: a silent no-op
    // would only cost speed, so this says when an upgrade turned them off.
    expect(await installSyncStepLoop()).toBe(true)
    expect(await installJumpAnalysisCache()).toBe(true)
  })

  it('executes a mixed block exactly as the original loop', async () => {
    const compiled = await compileExamples()
    const w = await Workload.create({ senders: 12, counters: 2, compiled })
    const ops: Op[] = []
    for (let i = 0; i < 12; i++) {
      ops.push({ kind: 'erc20', from: i, to: 50 + i, amount: 7n })
      ops.push({ kind: 'hot', from: i })
      ops.push({ kind: 'eth', from: i, to: 60 + i, value: 3n })
    }
    ops.push(
      { kind: 'reset', from: 1 },
      { kind: 'deployThenCall', from: 2, caller: 3 },
      { kind: 'toCoinbase', from: 4 },
      { kind: 'badNonce', from: 5 },
      { kind: 'tooMuchGas', from: 6 },
      { kind: 'accessList', from: 7, to: 8 },
      { kind: 'wasmErc20', from: 8, to: 9, amount: 5n },
      { kind: 'wasmHot', from: 9 },
      { kind: 'crossVm', from: 10, intoWasm: true },
      { kind: 'crossVm', from: 11, intoWasm: false },
    )
    const txs = buildBlock(w, ops)
    const transfer = (amount: bigint) =>
      encodeFunctionData({ abi: compiled.token.abi, functionName: 'transfer', args: [w.senders[0]!, amount] })
    // A revert (more than the balance) and an out-of-gas halt mid-contract.
    txs.push(w.tx(w.senders[3]!, { to: w.token, data: transfer(10n ** 40n), gas: 100_000n }))
    txs.push(w.tx(w.senders[4]!, { to: w.token, data: transfer(1n), gas: 23_000n }))
    // The same block over the same state (execution does not change it), once per loop.
    const run = async (syncLoop: boolean) => {
      setSyncStepLoop(syncLoop)
      try {
        const executor = createSerialExecutor({ wasm: w.engine })
        return await executor.executeBlock({ header: header(w.number), txs }, w.state)
      } finally {
        setSyncStepLoop(true)
      }
    }
    const original = await run(false)
    const sync = await run(true)
    expectSame(txs, original, sync)
    expect(new Set(sync.receipts.map((r) => r.status))).toEqual(new Set([0, 1]))
    expect(sync.skipped.length).toBeGreaterThan(0)
  })
})
