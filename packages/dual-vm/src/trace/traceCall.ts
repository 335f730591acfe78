import type { BlockContext, StateView } from '@rollup-mesh/core'
import { type CallRequest, callAsTransaction } from './callTx.js'
import type { TraceOptions } from './options.js'
import { type TraceEnvironment, traceBlock } from './traceBlock.js'

export type TraceCallParameters = TraceEnvironment &
  CallRequest & {
    /** The context the call runs in (geth: the block named, or the pending block's). */
    header: BlockContext
    state: StateView
    options: TraceOptions
  }

/**
 * Runs a call as a transaction over `state` and returns the tracer's result (geth's `debug_traceCall`):
 * the sender's nonce is taken as it is, gas price 0 by default (no fee, BASEFEE 0), nothing is written.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, parseTraceOptions, traceCall } from '@rollup-mesh/dual-vm'
 *
 * // PUSH1 1 PUSH1 0 SSTORE STOP: stores 1 in slot 0
 * const contract = '0x00000000000000000000000000000000000c0de1'
 * const state = createMemoryState({ [contract]: { code: '0x6001600055' + '00' } })
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const trace = await traceCall({ header, state, to: contract, gas: 100_000n, options: parseTraceOptions({}) })
 * assert.deepEqual(trace.structLogs.map((s) => s.op), ['PUSH1', 'PUSH1', 'SSTORE', 'STOP'])
 * ```
 */
export async function traceCall(params: TraceCallParameters): Promise<unknown> {
  const { tx, header } = callAsTransaction(params, params.header, params.state)
  const [traced] = await traceBlock({
    header,
    state: params.state,
    txs: [tx],
    index: 0,
    options: params.options,
    wasm: params.wasm,
    precompiles: params.precompiles,
  })
  return traced?.result
}
