import type { ExecutableTx } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { createMemoryState } from '../../../src/index.js'
import { parseTraceOptions } from '../../../src/trace/options.js'
import { TRACE_TXS_PER_TURN, traceBlock } from '../../../src/trace/traceBlock.js'
import { makeHeader, makeTx } from '../helpers.js'

const alice = '0x00000000000000000000000000000000000a11ce'
const bob = '0x0000000000000000000000000000000000000b0b'
const header = makeHeader(1n, { baseFeePerGas: 1n })
const transfer = (nonce: number): ExecutableTx =>
  makeTx({
    from: alice,
    nonce: BigInt(nonce),
    to: bob,
    value: 1_000n,
    data: '0x',
    gas: 21_000n,
    maxFeePerGas: 2n,
    maxPriorityFeePerGas: 1n,
  })

describe('traceBlock shares the thread: an event-loop turn every TRACE_TXS_PER_TURN transactions', () => {
  it('callbacks queued on the event loop run while a long block is traced, not after it', async () => {
    const state = createMemoryState({ [alice]: { balance: 10n ** 18n } })
    const n = TRACE_TXS_PER_TURN * 3 + 1
    const txs = Array.from({ length: n }, (_, i) => transfer(i))
    let turns = 0
    let done = false
    const tick = () => {
      if (done) return
      turns++
      setImmediate(tick)
    }
    setImmediate(tick)
    const traced = await traceBlock({
      header,
      state,
      txs,
      options: parseTraceOptions({ tracer: 'callTracer' }),
    })
    done = true
    expect(traced.map((t) => t.txHash)).toEqual(txs.map((t) => t.hash))
    expect((traced[n - 1]?.result as { value?: string } | undefined)?.value).toBe('0x3e8')
    // without the turns the whole trace runs in one task: no callback gets in
    expect(turns).toBeGreaterThanOrEqual(3)
  })
})
