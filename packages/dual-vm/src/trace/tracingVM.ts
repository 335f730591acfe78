import type { BlockContext, ExecutableTx, StateView } from '@rollup-mesh/core'
import { type CreateAccessListResult, createAccessList } from './accessList.js'
import type { CallRequest } from './callTx.js'
import { parseTraceOptions } from './options.js'
import { type TraceBlockResult, type TraceEnvironment, traceBlock } from './traceBlock.js'
import { traceCall } from './traceCall.js'

/** The tracing side of a node's VM (chain's `NodeTracer`): raw geth options in, tracer results out. */
export type TracingVM = {
  traceBlock(params: {
    header: BlockContext
    state: StateView
    txs: readonly ExecutableTx[]
    index?: number
    options: unknown
  }): Promise<TraceBlockResult>
  traceCall(params: {
    header: BlockContext
    state: StateView
    call: CallRequest
    options: unknown
  }): Promise<unknown>
  createAccessList(params: {
    header: BlockContext
    state: StateView
    call: CallRequest
  }): Promise<CreateAccessListResult>
}

/**
 * Tracing for a node whose blocks run with `env`'s WASM engine and precompiles (what its executor got):
 * options are checked before anything runs (`parseTraceOptions`), then `traceBlock`, `traceCall` or
 * `createAccessList` runs on EVMs of its own, so the node's executor and `eth_call` never carry listeners.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, createTracingVM } from '@rollup-mesh/dual-vm'
 *
 * const tracing = createTracingVM({})
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const state = createMemoryState({})
 * const call = { to: '0x0000000000000000000000000000000000000b0b' }
 * const frame = await tracing.traceCall({ header, state, call, options: { tracer: 'callTracer' } })
 * assert.equal(frame.type, 'CALL')
 * await assert.rejects(tracing.traceCall({ header, state, call, options: { tracer: 'nope' } }), /not supported/)
 * ```
 */
export function createTracingVM(env: TraceEnvironment): TracingVM {
  const { wasm, precompiles } = env
  return {
    traceBlock: async ({ options, ...rest }) =>
      traceBlock({ ...rest, options: parseTraceOptions(options), wasm, precompiles }),
    traceCall: async ({ header, state, call, options }) =>
      traceCall({ ...call, header, state, options: parseTraceOptions(options), wasm, precompiles }),
    createAccessList: async ({ header, state, call }) =>
      createAccessList({ ...call, header, state, wasm, precompiles }),
  }
}
