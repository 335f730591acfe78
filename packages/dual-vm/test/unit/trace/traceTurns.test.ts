import type { ExecutableTx } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMemoryState } from '../../../src/index.js'
import { parseTraceOptions } from '../../../src/trace/options.js'
import { TRACE_TXS_PER_TURN, traceBlock } from '../../../src/trace/traceBlock.js'

const alice = '0x00000000000000000000000000000000000a11ce'
const bob = '0x0000000000000000000000000000000000000b0b'
const header = {
  number: 1n,
  timestamp: 1_700_000_000n,
  coinbase: '0x000000000000000000000000000000000000c0de',
  baseFeePerGas: 1n,
  gasLimit: 30_000_000n,
  chainId: 1n,
  prevRandao: `0x${'00'.repeat(32)}`,
} as const
const transfer = (nonce: number): ExecutableTx => ({
  hash: `0x${(nonce + 1).toString(16).padStart(64, '0')}` as Hex,
  from: alice,
  type: 'eip1559',
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
