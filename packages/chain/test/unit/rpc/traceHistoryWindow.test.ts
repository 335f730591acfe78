import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import type { NodeTracer } from '../../../src/node/vm.js'
import { createDebugMethods } from '../../../src/rpc/debug.js'
import { HistoryWindowError } from '../../../src/storeErrors.js'
import { signTx } from '../helpers.js'
import { invoke, openDevChain } from './devChain.js'

let chain: Chain

beforeAll(async () => {
  chain = await openDevChain()
  await chain.mempool.add(await signTx(1, { nonce: 0, value: 5n }))
  await chain.produceBlock()
  await chain.produceBlock()
})
afterAll(() => chain.store.close())

/** A tracer whose block trace takes its time: `meanwhile` runs while it traces (other blocks seal, history is pruned). */
function slowTracer(meanwhile: () => void): NodeTracer {
  const traceBlock: NodeTracer['traceBlock'] = async ({ txs }) => {
    await new Promise((resolve) => setImmediate(resolve))
    meanwhile()
    return txs.map((tx) => ({ txHash: tx.hash, result: { traced: true } }))
  }
  return { traceBlock, traceCall: async () => ({}) } as unknown as NodeTracer
}

describe('debug_trace* of a block whose parent state leaves the history window during the trace', () => {
  it('is refused with HistoryWindowError; a trace whose parent state stayed is answered', async () => {
    const kept = createDebugMethods(
      chain,
      slowTracer(() => undefined),
    )
    expect(await invoke(kept, 'debug_traceBlockByNumber', ['0x1'])).toEqual([
      { txHash: expect.any(String), result: { traced: true } },
    ])
    const pruned = createDebugMethods(
      chain,
      slowTracer(() => vi.spyOn(chain.store, 'oldestStateBlock').mockReturnValue(2n)),
    )
    // the trace started inside the window (block 0 was kept) and read state that was pruned under it
    await expect(invoke(pruned, 'debug_traceBlockByNumber', ['0x1'])).rejects.toBeInstanceOf(
      HistoryWindowError,
    )
    vi.restoreAllMocks()
  })
})
