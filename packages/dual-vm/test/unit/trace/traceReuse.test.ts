import type { ExecutableTx } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMemoryState } from '../../../src/index.js'
import { parseTraceOptions } from '../../../src/trace/options.js'
import { traceBlock } from '../../../src/trace/traceBlock.js'
import { makeHeader, makeTx } from '../helpers.js'

const alice = '0x00000000000000000000000000000000000a11ce'
const counter = '0x00000000000000000000000000000000000c0de1'
// returns TLOAD(0) (0 in a fresh transaction), then TSTORE(0, 1) and SSTORE(0, SLOAD(0) + 1)
const COUNTER_CODE: Hex = '0x60005c600160005d60005460010160005560005260206000f3'
const header = makeHeader(1n, { baseFeePerGas: 1n })
const bump = (nonce: number): ExecutableTx =>
  makeTx({
    from: alice,
    nonce: BigInt(nonce),
    to: counter,
    value: 0n,
    data: '0x',
    gas: 100_000n,
    maxFeePerGas: 2n,
    maxPriorityFeePerGas: 1n,
  })

describe('traceBlock reuses one EVM for the traced transactions of a call', () => {
  it.each([
    {},
    { tracer: 'callTracer' },
    { tracer: 'prestateTracer' },
    { tracer: 'prestateTracer', tracerConfig: { diffMode: true } },
  ])(
    'a whole block traced (%j) gives each transaction the trace it gets alone: no warm slots, transient storage or writes carried over',
    async (raw) => {
      const state = createMemoryState({
        [alice]: { balance: 10n ** 18n },
        [counter]: { code: COUNTER_CODE },
      })
      const txs = Array.from({ length: 4 }, (_, i) => bump(i))
      const options = parseTraceOptions(raw)
      const whole = await traceBlock({ header, state, txs, options })
      const alone = await Promise.all(
        txs.map(async (_, index) => (await traceBlock({ header, state, txs, index, options }))[0]),
      )
      expect(whole).toEqual(alone)
      expect(whole).toHaveLength(4)
    },
  )
})
